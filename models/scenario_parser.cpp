#include "models/scenario_parser.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "models/calibration_profile.hpp"
#include "models/scenario_invariants.hpp"
#include "models/scenario_ranges.hpp"
#include "models/scenario_reader.hpp"
#include "models/topology.hpp"
#include "models/units.hpp"
#include "models/yaml_reader.hpp"

namespace surge::detail {

// Reads a distribution's shape from dm: {distribution: deterministic | exponential | lognormal (cv) |
// empirical (sample)}. An empirical sample is rescaled to mean 1 (the sample gives the shape, the rated
// capacity or the given mean the scale); returns the sample's mean before that (0 for the other kinds).
double read_distribution(MapReader& dm, Distribution& target) {
  Context& ctx = ctx_of(dm);
  const std::string& path = dm.path();
  const YAML::Node d = dm.node();
  double sample_mean = 0;
  if (auto kind = dm.text("distribution", Need::REQUIRED)) {
    if (*kind == "deterministic") {
      target.kind = DistributionKind::DETERMINISTIC;
    } else if (*kind == "exponential") {
      target.kind = DistributionKind::EXPONENTIAL;
    } else if (*kind == "lognormal") {
      target.kind = DistributionKind::LOGNORMAL;
      if (auto cv = dm.quantity("cv", QuantityKind::COUNT, Need::REQUIRED, Sign::POSITIVE)) target.cv = *cv;
    } else if (*kind == "empirical") {
      target.kind = DistributionKind::EMPIRICAL;
      YAML::Node sample = dm.get("sample", Need::REQUIRED);
      if (sample && (!sample.IsSequence() || sample.size() == 0)) {
        ctx.error(sample, path + ".sample", "'sample' must be a non-empty list of measured times");
      } else if (sample) {
        double sum = 0;
        for (size_t i = 0; i < sample.size(); ++i) {
          Quantity q = sample[i].IsScalar() ? parse_quantity(sample[i].Scalar(), QuantityKind::DURATION) : Quantity{};
          if (!q.value) {
            ctx.error(sample[i], path + ".sample", "sample values must be positive durations, such as 0.12ms");
            continue;
          }
          if (!ctx.in_range(sample[i], path + ".sample", *q.value)) continue;
          target.sample.push_back(*q.value);
          sum += *q.value;
        }
        if (!target.sample.empty()) sample_mean = sum / static_cast<double>(target.sample.size());
        for (double& x : target.sample) x *= static_cast<double>(target.sample.size()) / sum;
      }
    } else {
      ctx.error(d["distribution"], path + ".distribution",
                "unknown distribution '" + *kind + "'; expected deterministic, exponential, lognormal or empirical");
    }
  }
  return sample_mean;
}

// Shares of a whole (client classes, key types, incident batches) must add up to 100%, to within what
// percentages written in decimal lose in binary.
void check_share_total(Context& ctx, const YAML::Node& node, const std::string& path, const std::string& what,
                       double total) {
  constexpr double kShareTolerance = 1e-9;
  if (std::abs(total - 1.0) <= kShareTolerance) return;
  char sum[32];
  std::snprintf(sum, sizeof sum, "%.6g%%", total * 100);
  ctx.error(node, path, what + " sum to " + sum + ", not 100%");
}

}  // namespace surge::detail

namespace surge {
namespace {

using namespace detail;  // the readers' shared internals (scenario_reader.hpp)

// The run's own settings: schema, time scale, name, question, randomness, warm-up, service-time shapes, seed.
void read_run_settings(MapReader& top, Scenario& s) {
  Context& ctx = ctx_of(top);
  const YAML::Node root = top.node();
  if (auto v = top.integer("schema", Need::REQUIRED, 1)) {
    if (*v != kSchemaVersion)
      ctx.error(
          root["schema"], "schema",
          "unsupported schema " + std::to_string(*v) + "; this surge reads schema " + std::to_string(kSchemaVersion));
    s.schema = *v;
  }
  // First: the ranges of every duration read after it are checked in the scenario's own time.
  if (auto v = top.quantity("time_scale", QuantityKind::COUNT, Need::OPTIONAL, Sign::POSITIVE)) {
    s.time_scale = s.clients.time_scale = *v;
    ctx.use_time_scale(*v);
  }
  if (auto v = top.text("name", Need::REQUIRED)) s.name = *v;
  if (auto v = top.text("question", Need::REQUIRED)) s.question = *v;
  if (auto v = top.text("randomness", Need::OPTIONAL)) {
    if (*v == "on" || *v == "off") {
      s.randomness = *v == "on";
    } else {
      ctx.error(root["randomness"], "randomness", "'randomness' must be on or off");
    }
  }
  if (auto v = top.quantity("warm_up", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE)) s.warm_up_s = *v;
  // Service-time variability per station: {distribution: exponential | lognormal (cv) | empirical (sample)}.
  if (YAML::Node st = top.get("service_times", Need::OPTIONAL); st && !st.IsNull()) {
    MapReader m(ctx, st, "service_times");
    for (auto [key, target] : {std::pair<const char*, Distribution*>{"hsm", &s.hsm_service},
                               {"db", &s.db_service},
                               {"network", &s.network_service}}) {
      YAML::Node d = m.get(key, Need::OPTIONAL);
      if (!d || d.IsNull()) continue;
      MapReader dm(ctx, d, join("service_times", key));
      read_distribution(dm, *target);
      dm.finish();
    }
    m.finish();
  }
  if (YAML::Node seed = top.get("seed", Need::OPTIONAL); seed && !seed.IsNull()) {
    if (auto v = seed.IsScalar() ? yaml_input::parse_seed(seed.Scalar()) : std::nullopt) {
      s.seed = *v;
    } else {
      ctx.error(seed, "seed", yaml_input::kSeedMessage);
    }
  }
}

// The scenario's catalogue: named relative to the scenario, else data/catalogue.yaml beside scenarios/.
std::shared_ptr<const Catalogue> scenario_catalogue(MapReader& top, const std::string& file,
                                                    std::vector<Diagnostic>& diags) {
  Context& ctx = ctx_of(top);
  std::filesystem::path cat_path;
  Diagnostic cat_at{file, 1, 1, "", ctx.source_line(1)};  // where an unreadable catalogue is reported
  if (auto v = top.text("catalogue", Need::OPTIONAL)) {
    cat_path = std::filesystem::path(file).parent_path() / *v;
    cat_at = ctx.locate(top.node()["catalogue"], "catalogue");
  } else {
    cat_path = default_catalogue(std::filesystem::path(file).parent_path());
  }
  return cached_catalogue(cat_path.lexically_normal().string(), cat_at, diags);
}

// The sections in the order they depend on each other: the HSM rates need the workload's key types,
// validation the clients' renewal span, the failures the data centers, links and CT logs they name.
Scenario read_scenario(Context& ctx, YAML::Node root, const std::string& file, std::vector<Diagnostic>& diags) {
  Scenario s;
  s.file = file;
  MapReader top(ctx, root, "");
  if (!top.ok()) return s;
  read_run_settings(top, s);
  const std::shared_ptr<const Catalogue> cat = scenario_catalogue(top, file, diags);
  if (!cat->readable) return s;  // every model would be "unknown": the one problem is the catalogue
  const std::vector<std::optional<ProfileNote>> profile_notes = read_data_centers(top, *cat, s);
  read_wan(top, s);
  read_workload(top, s);
  read_clients(top, s);
  read_incident(top, s);
  resolve_hsm_rates(ctx, s, profile_notes);
  read_validation(top, s);
  read_admission(top, s);
  read_ct(top, s);  // before the failures, which may name its logs and operators
  read_failures(top, s);
  read_transfers(top, s);
  top.finish();
  return s;
}

// Every data center must reach the writer's (issuance and replication cross the WAN), and every
// transfer must have a path: a scenario that cannot route its traffic is bad input, not a crash.
void check_connectivity(Context& ctx, const Scenario& s) {
  const Topology topo(s);
  const int writer_dc = s.writer_data_center();
  const int writer = topo.find(host_name(s.data_centers[static_cast<size_t>(writer_dc)].name, "db-writer"));
  for (const DataCenter& dc : s.data_centers) {
    if (dc.db_writer) continue;
    if (topo.route(topo.find(host_name(dc.name, "frontend")), writer).empty())
      ctx.error_at(dc.loc, "data center '" + dc.name + "' has no WAN path to the DB writer in '" +
                               s.data_centers[static_cast<size_t>(writer_dc)].name + "'");
  }
  for (const Transfer& t : s.transfers) {
    const int a = topo.place(t.from), b = topo.place(t.to);
    if (a >= 0 && a == b) {
      ctx.error_at(t.loc, "transfer '" + t.name + "' goes from '" + t.from + "' to the same host");
    } else if (a < 0 || b < 0 || topo.route(a, b).empty())
      ctx.error_at(t.loc, "transfer '" + t.name + "' has no network path from '" + t.from + "' to '" + t.to + "'" +
                              (t.to == "cloud" || t.from == "cloud" ? " (no WAN link reaches the cloud)" : ""));
  }
}

// At most kMaxCohorts cohorts travel through the simulator, so a cohort_size written out has a floor that
// grows with what travels (the affected certificates and the normal issuance over the horizon).
void check_cohorts(Context& ctx, const YAML::Node& root, const Scenario& s) {
  const int k = s.workload.cohort_size;
  if (k <= 0) return;  // auto: a fixed number of cohorts
  const double travelling = s.workload.certificates + s.clients.background_issuance_per_s * s.incident.horizon_s;
  const double least = std::max(1.0, std::ceil(travelling / kMaxCohorts));
  if (k >= least) return;
  const YAML::Node& top = root;
  const YAML::Node n = top["workload"]["cohort_size"];
  const KeyRange* range = find_key_range("workload.cohort_size", false);
  ctx.error(n, "workload.cohort_size",
            "'workload.cohort_size' must be in [" + std::to_string(static_cast<long long>(least)) + ", " +
                std::string(range->max) + "], got '" + scalar_or(n, std::to_string(k)) + "' (at most " +
                format_count(kMaxCohorts) + " cohorts of " + format_count(travelling) +
                " travelling certificates: each cohort is a simulated message)");
}

}  // namespace

std::string Diagnostic::headline() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string Diagnostic::render() const {
  std::string out = headline();
  if (line > 0 && !source_line.empty()) {
    out += "\n" + source_line + "\n" + std::string(static_cast<size_t>(column > 0 ? column - 1 : 0), ' ') + "^";
  }
  return out;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics) : diagnostics_(std::move(diagnostics)) {}

const char* ScenarioError::what() const noexcept {
  if (what_.empty()) {
    try {
      for (const Diagnostic& d : diagnostics_) what_ += (what_.empty() ? "" : "\n") + d.render();
    } catch (const std::bad_alloc&) {
      return "scenario error (out of memory while rendering its diagnostics)";
    }
  }
  return what_.c_str();
}

Override parse_override(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ScenarioError({Diagnostic{"--set " + text, 0, 0, "expected path=value, e.g. incident.deadline=20h", ""}});
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

Scenario parse_scenario(const std::string& text, const std::string& file, const std::vector<Override>& overrides) {
  std::vector<Diagnostic> diags;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const std::string src = e.mark.line >= 0 ? line_at(text, static_cast<size_t>(e.mark.line)) : "";
    throw ScenarioError({Diagnostic{file, e.mark.line + 1, e.mark.column + 1, "YAML syntax: " + e.msg, src}});
  }
  if (!root.IsMap()) throw ScenarioError({Diagnostic{file, 1, 1, "a scenario is a YAML map of keys to values", ""}});

  std::map<std::string, std::string> applied;  // normalised path -> value, for error messages
  for (const Override& o : overrides)
    if (auto normal = apply_override(root, o, diags)) applied[*normal] = o.value;
  if (!diags.empty()) throw ScenarioError(std::move(diags));

  Context ctx(file, text, &applied, diags);
  ctx.use_ranges(KeyRanges::SCENARIO);
  Scenario s = read_scenario(ctx, root, file, diags);
  if (diags.empty()) check_cohorts(ctx, root, s);
  if (diags.empty()) check_connectivity(ctx, s);
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  // Once, here, for every front end (run, analyze, sweep points, the workbench, the fuzz targets): a value
  // that got past the ranges is a bug report (InvariantError), never an answer.
  check_invariants(s);
  return s;
}

Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides) {
  std::ifstream in(path);
  if (!in) throw ScenarioError({Diagnostic{path, 0, 0, "cannot read the scenario file", ""}});
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_scenario(buf.str(), path, overrides);
}

}  // namespace surge
