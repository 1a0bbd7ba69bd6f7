#include "models/sweep_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "models/random.hpp"
#include "models/units.hpp"
#include "models/yaml_reader.hpp"

namespace surge {
namespace {

using yaml_input::Context;
using yaml_input::join;
using yaml_input::MapReader;
using yaml_input::split_lines;

constexpr int kSchemaVersion = 1;
// A range's last step may miss `to` by rounding (0.2 x 5 != 1.0 exactly): `to` still counts within this
// share of the range's magnitude.
constexpr double kRangeEpsilon = 1e-9;
// Range values are rounded to this many significant digits before printing, so that 0.6000000000000001
// prints as 0.6; far more than any value written by hand needs.
constexpr int kRangeDigits = 12;
// Samples are printed with this many significant digits: the resolution of a sampled capacity, and
// short enough to read in a results table.
constexpr int kSampleDigits = 6;
// A range longer than this is almost certainly a step in the wrong unit; refuse it instead of running it.
constexpr double kMaxRangeValues = 10000;
// Points whose combination of values fails are listed up to this many; the rest are counted.
constexpr int kMaxPointProblems = 10;
// A Latin hypercube draw that rounding moves out of its stratum is drawn again, at most this many times.
constexpr int kMaxRedraws = 100;
constexpr double kPercent = 100.0;
// Longest text of a double in fixed notation that format_value prints; beyond it, scientific notation.
constexpr size_t kFixedBufferSize = 64;

// Every numeric figure at the top level of a report as `summarize` flattens it (models/report_json.cpp,
// to_json). Kept by hand rather than made from the report's field table: the table has more figures (CT,
// admission, CRL, ARI), which this list does not accept yet, and its order is the one the unknown-metric
// message prints.
constexpr std::array<std::string_view, 24> kReportFigures{"deadline_met",
                                                          "completion_time_s",
                                                          "revocation_complete_s",
                                                          "not_replaced_by_deadline",
                                                          "revoked_before_replaced",
                                                          "replaced_by_deadline",
                                                          "signatures",
                                                          "cohort_size",
                                                          "cohorts",
                                                          "certificates",
                                                          "decision_s",
                                                          "deadline_s",
                                                          "horizon_s",
                                                          "revoked_by_deadline",
                                                          "replaced_within_horizon",
                                                          "bulk_revocation_start_s",
                                                          "time_to_replace_s.p50",
                                                          "time_to_replace_s.p99",
                                                          "signatures_needed",
                                                          "db_commits",
                                                          "db_replication_lag_max_s",
                                                          "max_sustainable_rate_per_s",
                                                          "latest_decision_s",
                                                          "headroom"};
// The figures of each named resource, utilisation entry and transfer: "resources.hsm:dc1.mean_wait_s".
constexpr std::array<std::string_view, 15> kResourceFields{"capacity",
                                                           "work",
                                                           "mean_utilisation",
                                                           "peak_utilisation",
                                                           "mean_busy",
                                                           "available",
                                                           "saved_s_by_10pct",
                                                           "fluid_completion_s",
                                                           "demand_per_certificate",
                                                           "needed_capacity",
                                                           "mean_wait_s",
                                                           "mean_sojourn_s",
                                                           "mean_in_system",
                                                           "throughput_per_s",
                                                           "jobs"};
constexpr std::array<std::string_view, 3> kUtilisationFields{"mean", "peak", "busy"};
constexpr std::array<std::string_view, 3> kTransferFields{"bytes", "start_s", "done_s"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

template <size_t N>
std::string list_of(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

template <size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// `value` rounded to `digits` significant digits (through decimal text, so that it prints short).
double round_significant(double value, int digits) {
  char buf[kFixedBufferSize];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific, digits - 1);
  double out = value;
  std::from_chars(buf, r.ptr, out);
  return out;
}

// "is in 'h'", or "has no unit": how a bound's unit is named in a message.
std::string unit_phrase(const std::string& unit) {
  return unit.empty() ? "has no unit" : "is in '" + unit + "'";
}

// A bound as written: its number and unit, and where, for the problems found later.
struct WrittenBound {
  NumberWithUnit value;
  YAML::Node node;
};

// The number with its unit at m[key]; reports text that does not start with a number.
std::optional<WrittenBound> read_bound(MapReader& m, const std::string& key) {
  YAML::Node n = m.get(key, true);
  if (!n || n.IsNull()) return std::nullopt;
  std::optional<NumberWithUnit> v = n.IsScalar() ? split_number_unit(n.Scalar()) : std::nullopt;
  if (!v) {
    m.context().error(n, join(m.path(), key),
                      "'" + key + "' must be a number with an optional unit, such as 2h, 1000/s or 20%");
    return std::nullopt;
  }
  return WrittenBound{*v, n};
}

// Checks that `other` is written in the unit of `from`; reports it at `other` otherwise.
bool same_unit(MapReader& m, const std::string& key, const WrittenBound& other, const WrittenBound& from) {
  if (other.value.unit == from.value.unit) return true;
  m.context().error(other.node, join(m.path(), key),
                    "'" + key + "' " + unit_phrase(other.value.unit) + " but 'from' " + unit_phrase(from.value.unit) +
                        "; write them in one unit");
  return false;
}

struct Bounds {
  WrittenBound from, to;
  std::optional<WrittenBound> step;
};

// Reads {from, to} (and `step` when `with_step`): same unit, to > from (to >= from for a range), step > 0.
// nullopt, having reported why, when they are unusable.
std::optional<Bounds> read_bounds(MapReader& m, bool with_step) {
  auto from = read_bound(m, "from");
  auto to = read_bound(m, "to");
  std::optional<WrittenBound> step = with_step ? read_bound(m, "step") : std::nullopt;
  if (!from || !to || (with_step && !step)) return std::nullopt;
  bool ok = same_unit(m, "to", *to, *from);
  if (step) ok = same_unit(m, "step", *step, *from) && ok;
  if (!ok) return std::nullopt;
  if (step && step->value.number <= 0) {
    m.context().error(step->node, join(m.path(), "step"), "'step' must be positive, got '" + step->node.Scalar() + "'");
    return std::nullopt;
  }
  const double a = from->value.number, b = to->value.number;
  if (with_step ? b < a : b <= a) {
    m.context().error(to->node, join(m.path(), "to"),
                      std::string("'to' must be ") + (with_step ? "at least" : "greater than") + " 'from' (" +
                          from->node.Scalar() + "), got '" + to->node.Scalar() + "'");
    return std::nullopt;
  }
  return Bounds{*from, *to, step};
}

// For a metric under `prefix` ("resources."): whether it names a field of `fields` after a name; `why`
// says what is wrong. False when the metric is not under `prefix` at all.
template <size_t N>
bool under_group(const std::string& metric, const std::string& prefix, const std::array<std::string_view, N>& fields,
                 std::optional<std::string>& why) {
  if (metric.rfind(prefix, 0) != 0) return false;
  const std::string rest = metric.substr(prefix.size());
  const size_t dot = rest.rfind('.');  // names may hold dots of their own; fields never do
  if (dot == std::string::npos || dot == 0) {
    why = "metric '" + metric + "' needs a name and a field: " + prefix + "NAME.FIELD";
  } else if (!contains(fields, rest.substr(dot + 1))) {
    why = "unknown field '" + rest.substr(dot + 1) + "' in metric '" + metric + "'; " + prefix +
          "NAME has: " + list_of(fields);
  }
  return true;
}

// Why `metric` is no figure of a report, or nullopt when it is one.
std::optional<std::string> unknown_metric(const std::string& metric) {
  if (contains(kReportFigures, metric)) return std::nullopt;
  std::optional<std::string> why;
  if (under_group(metric, "resources.", kResourceFields, why) ||
      under_group(metric, "utilisation.", kUtilisationFields, why) ||
      under_group(metric, "transfers.", kTransferFields, why))
    return why;
  return "unknown metric '" + metric + "'; a metric is a report figure (" + list_of(kReportFigures) +
         ") or resources.NAME.FIELD, utilisation.NAME.FIELD, transfers.NAME.FIELD";
}

// Reads the condition's threshold, written at `key` (at_most or at_least) as an absolute figure or
// relative to the deadline.
void read_threshold(MapReader& m, const std::string& key, SearchCondition& c) {
  YAML::Node n = m.get(key, false);
  const std::string path = join(m.path(), key);
  if (!n.IsScalar()) {
    m.context().error(n, path, "'" + key + "' must be a single value, such as 20h or deadline - 20%");
    return;
  }
  c.threshold_text = n.Scalar();
  const bool time_metric = c.metric.size() > 2 && c.metric.compare(c.metric.size() - 2, 2, "_s") == 0;
  const std::string_view text = trim(c.threshold_text);
  constexpr std::string_view kDeadline = "deadline";
  if (text.rfind(kDeadline, 0) == 0) {
    if (!c.metric.empty() && !time_metric) {
      m.context().error(n, path,
                        "'" + key + "' compares '" + c.metric + "' with the deadline, but only times (figures ending " +
                            "in _s) can be");
      return;
    }
    std::string_view rest = trim(text.substr(kDeadline.size()));
    if (rest.empty()) {
      c.deadline_fraction = 1.0;
      return;
    }
    std::optional<NumberWithUnit> share;
    if (rest.front() == '-') share = split_number_unit(rest.substr(1));
    if (!share || share->unit != "%" || share->number < 0 || share->number >= kPercent) {
      m.context().error(n, path,
                        "'" + key + "' must be 'deadline' or 'deadline - P%' with P from 0 to under 100, such as " +
                            "deadline - 20%; got '" + c.threshold_text + "'");
      return;
    }
    c.deadline_fraction = 1.0 - share->number / kPercent;
    return;
  }
  // Times in the units scenarios use ("20h"); other figures as plain numbers ("600M", "0.95").
  if (auto v = m.quantity(key, time_metric ? QuantityKind::DURATION : QuantityKind::COUNT, false, false))
    c.threshold = *v;
}

// ---- reading ------------------------------------------------------------------------------------

// Where each value of a parameter is written, for reporting a value that the base scenario rejects.
struct WrittenParameter {
  std::vector<YAML::Node> value_nodes;  // LIST and RANGE: one per value (a range's at the range itself)
  YAML::Node from_node, to_node;        // SAMPLES: the bounds, checked in place of every draw
};

struct WrittenSearch {
  YAML::Node from_node, to_node;
};

// Everything read, with the nodes that validation against the base reports at.
struct Reading {
  SweepSpec spec;
  bool has_base = false;  // a usable `base` was written (a default Node is a defined null, so say it)
  bool has_parameters = false;
  YAML::Node base_node;
  std::string base_written;
  std::vector<YAML::Node> set_nodes;  // one per spec.set entry: its value
  YAML::Node set_map;
  YAML::Node parameters_node;
  std::vector<WrittenParameter> written;
  WrittenSearch search;
};

// A seed at m[key] ("seed"), digits only, as scenarios write it.
std::optional<std::uint64_t> read_seed(MapReader& m, const std::string& key) {
  YAML::Node n = m.get(key, false);
  if (!n || n.IsNull()) return std::nullopt;
  if (auto v = n.IsScalar() ? yaml_input::parse_seed(n.Scalar()) : std::nullopt) return v;
  m.context().error(n, join(m.path(), key), yaml_input::kSeedMessage);
  return std::nullopt;
}

void read_parameter(Context& ctx, YAML::Node node, size_t index, Reading& r) {
  MapReader m(ctx, node, "parameters." + std::to_string(index));
  if (!m.ok()) return;
  SweepParameter p;
  WrittenParameter w;
  p.loc = SourceLoc{node.Mark().line + 1, node.Mark().column + 1};
  if (auto v = m.text("path", true)) p.path = *v;
  YAML::Node values = m.get("values", false), range = m.get("range", false), samples = m.get("samples", false);
  const int kinds = (values ? 1 : 0) + (range ? 1 : 0) + (samples ? 1 : 0);
  if (kinds != 1) {
    ctx.error(node, m.path(), "a parameter names exactly one of values, range, samples");
  } else if (values) {
    p.kind = ValuesKind::LIST;
    const std::string path = join(m.path(), "values");
    if (!values.IsSequence() || values.size() == 0) {
      ctx.error(values, path, "'values' must be a non-empty list of values");
    } else {
      for (const YAML::Node& v : values) {
        if (!v.IsScalar()) {
          ctx.error(v, path,
                    "each of 'values' must be a single value; write a list or map as --set takes it, in quotes: "
                    "\"{model: 25g-fiber, bandwidth: 1Gbps}\"");
          continue;
        }
        if (std::find(p.values.begin(), p.values.end(), v.Scalar()) != p.values.end()) {
          ctx.error(v, path, "value '" + v.Scalar() + "' is listed twice");
          continue;
        }
        p.values.push_back(v.Scalar());
        w.value_nodes.push_back(v);
      }
    }
  } else if (range) {
    p.kind = ValuesKind::RANGE;
    MapReader rm(ctx, range, join(m.path(), "range"));
    if (rm.ok()) {
      if (auto b = read_bounds(rm, true)) {
        p.from = b->from.value.number, p.to = b->to.value.number, p.step = b->step->value.number;
        p.unit = b->from.value.unit;
        const double slack = kRangeEpsilon * std::max({std::abs(p.from), std::abs(p.to), p.step});
        if ((p.to - p.from) / p.step >= kMaxRangeValues) {
          ctx.error(b->step->node, join(rm.path(), "step"),
                    "'step' " + b->step->node.Scalar() + " makes more than " +
                        std::to_string(static_cast<int>(kMaxRangeValues)) + " values from " + b->from.node.Scalar() +
                        " to " + b->to.node.Scalar());
        } else {
          for (int i = 0;; ++i) {
            const double v = p.from + i * p.step;
            if (v > p.to + slack) break;
            p.values.push_back(format_value(round_significant(v, kRangeDigits), p.unit));
            w.value_nodes.push_back(range);
          }
        }
      }
      rm.finish();
    }
  } else {
    p.kind = ValuesKind::SAMPLES;
    MapReader sm(ctx, samples, join(m.path(), "samples"));
    if (sm.ok()) {
      if (auto b = read_bounds(sm, false)) {
        p.from = b->from.value.number, p.to = b->to.value.number, p.unit = b->from.value.unit;
        w.from_node = b->from.node, w.to_node = b->to.node;
      }
      sm.finish();
    }
  }
  m.finish();
  for (const SweepParameter& other : r.spec.parameters) {
    if (!p.path.empty() && other.path == p.path) {
      ctx.error(node["path"], join(m.path(), "path"), "parameter '" + p.path + "' is given twice");
      break;
    }
  }
  r.spec.parameters.push_back(p);
  r.written.push_back(w);
}

void read_search(Context& ctx, YAML::Node node, Reading& r) {
  MapReader m(ctx, node, "search");
  if (!m.ok()) return;
  SweepSearch s;
  s.loc = SourceLoc{node.Mark().line + 1, node.Mark().column + 1};
  if (auto v = m.text("path", true)) s.path = *v;
  if (auto b = read_bounds(m, false)) {
    s.from = b->from.value.number, s.to = b->to.value.number, s.unit = b->from.value.unit;
    r.search = WrittenSearch{b->from.node, b->to.node};
  }
  if (YAML::Node cond = m.get("condition", true)) {
    MapReader c(ctx, cond, "search.condition");
    if (c.ok()) {
      if (auto metric = c.text("metric", true)) {
        s.condition.metric = *metric;
        if (auto why = unknown_metric(*metric)) ctx.error(cond["metric"], "search.condition.metric", *why);
      }
      const YAML::Node at_most = c.get("at_most", false), at_least = c.get("at_least", false);
      if ((at_most ? 1 : 0) + (at_least ? 1 : 0) != 1) {
        ctx.error(cond, "search.condition", "a condition names exactly one of at_most, at_least");
      } else {
        s.condition.at_most = static_cast<bool>(at_most);
        read_threshold(c, at_most ? "at_most" : "at_least", s.condition);
      }
      c.finish();
    }
  }
  if (auto v = m.quantity("tolerance", QuantityKind::FRACTION, false, true)) s.tolerance = *v;
  if (auto v = m.integer("max_replications", false, 1)) s.max_replications = *v;
  m.finish();
  r.spec.search = s;
}

void read_sweep(Context& ctx, YAML::Node root, Reading& r) {
  SweepSpec& spec = r.spec;
  MapReader top(ctx, root, "", "sweep");
  if (auto v = top.integer("schema", true, 1); v && *v != kSchemaVersion)
    ctx.error(
        root["schema"], "schema",
        "unsupported schema " + std::to_string(*v) + "; this surge reads schema " + std::to_string(kSchemaVersion));
  if (auto v = top.text("name", true)) spec.name = *v;
  if (auto v = top.text("question", true)) spec.question = *v;
  if (auto v = top.text("base", true)) {
    r.has_base = true;
    r.base_node = root["base"];
    r.base_written = *v;
    const std::filesystem::path written(*v);
    spec.base = (written.is_absolute() ? written : std::filesystem::path(spec.file).parent_path() / written)
                    .lexically_normal()
                    .string();
  }
  if (auto v = read_seed(top, "seed")) spec.seed = *v;
  if (auto v = top.integer("replications", false, 1)) spec.replications = *v;

  if (YAML::Node set = top.get("set", false); set && !set.IsNull()) {
    r.set_map = set;
    if (!set.IsMap()) {
      ctx.error(set, "set", "'set' must be a map of scenario paths to values, such as {incident.deadline: 20h}");
    } else {
      for (auto it = set.begin(); it != set.end(); ++it) {
        const std::string path = it->first.Scalar();
        if (!it->second.IsScalar()) {
          ctx.error(it->second, join("set", path),
                    "'" + path + "' must be a single value; write a list or map as --set takes it, in quotes");
          continue;
        }
        spec.set.push_back(Override{path, it->second.Scalar()});
        r.set_nodes.push_back(it->second);
      }
    }
  }

  if (YAML::Node metrics = top.get("metrics", false); metrics && !metrics.IsNull()) {
    if (!metrics.IsSequence() || metrics.size() == 0) {
      ctx.error(metrics, "metrics", "'metrics' must be a non-empty list of report figures");
    } else {
      for (const YAML::Node& n : metrics) {
        if (!n.IsScalar()) {
          ctx.error(n, "metrics", "each of 'metrics' must be one report figure, such as completion_time_s");
        } else if (auto why = unknown_metric(n.Scalar())) {
          ctx.error(n, "metrics", *why);
        } else if (std::find(spec.metrics.begin(), spec.metrics.end(), n.Scalar()) != spec.metrics.end()) {
          ctx.error(n, "metrics", "metric '" + n.Scalar() + "' is listed twice");
        } else {
          spec.metrics.push_back(n.Scalar());
        }
      }
    }
  } else {
    spec.metrics = default_sweep_metrics();
  }

  if (YAML::Node params = top.get("parameters", false); params && !params.IsNull()) {
    r.has_parameters = true;
    r.parameters_node = params;
    if (!params.IsSequence() || params.size() == 0) {
      ctx.error(params, "parameters", "'parameters' must be a non-empty list of {path, values | range | samples}");
    } else {
      for (size_t i = 0; i < params.size(); ++i) read_parameter(ctx, params[i], i, r);
    }
  }

  const bool any_samples = std::any_of(spec.parameters.begin(), spec.parameters.end(),
                                       [](const SweepParameter& p) { return p.kind == ValuesKind::SAMPLES; });
  if (YAML::Node sampling = top.get("sampling", false); sampling && !sampling.IsNull()) {
    MapReader m(ctx, sampling, "sampling");
    if (m.ok()) {
      if (!any_samples) ctx.error(sampling, "sampling", "'sampling' is given but no parameter has 'samples'");
      if (auto v = m.text("method", false)) {
        if (*v == "random") {
          spec.sampling = SamplingKind::RANDOM;
        } else if (*v == "latin-hypercube") {
          spec.sampling = SamplingKind::LATIN_HYPERCUBE;
        } else {
          ctx.error(sampling["method"], "sampling.method",
                    "unknown sampling method '" + *v + "'; expected random or latin-hypercube");
        }
      }
      if (auto v = m.integer("points", true, 1)) spec.samples = *v;
      if (auto v = read_seed(m, "seed")) spec.sampling_seed = *v;
      m.finish();
    }
  } else if (any_samples) {
    for (size_t i = 0; i < spec.parameters.size(); ++i) {
      if (spec.parameters[i].kind != ValuesKind::SAMPLES) continue;
      const YAML::Node p = r.parameters_node[i];
      ctx.error(p["samples"], "parameters." + std::to_string(i) + ".samples",
                "'samples' needs a 'sampling' section, such as sampling: {method: latin-hypercube, points: 20}");
    }
  }

  if (YAML::Node search = top.get("search", false); search && !search.IsNull()) read_search(ctx, search, r);
  if (!r.has_parameters && !spec.search) ctx.error(root, "", "a sweep needs 'parameters' or a 'search' (or both)");

  // One path, one role: a value both fixed and swept (or swept and searched) would be overwritten.
  for (size_t i = 0; i < spec.set.size(); ++i) {
    for (const SweepParameter& p : spec.parameters)
      if (p.path == spec.set[i].path)
        ctx.error(r.set_nodes[i], join("set", p.path),
                  "'" + p.path + "' is swept in 'parameters'; leave it out of 'set'");
  }
  if (spec.search && !spec.search->path.empty()) {
    for (const SweepParameter& p : spec.parameters)
      if (p.path == spec.search->path)
        ctx.error(root["search"]["path"], "search.path",
                  "'" + p.path + "' is swept in 'parameters'; a search varies it itself");
    for (const Override& o : spec.set)
      if (o.path == spec.search->path)
        ctx.error(root["search"]["path"], "search.path",
                  "'" + o.path + "' is fixed in 'set'; a search varies it itself");
  }
  top.finish();
}

// ---- checking against the base scenario --------------------------------------------------------

std::string label_of(const std::vector<Override>& overrides) {
  std::string out;
  for (const Override& o : overrides) out += (out.empty() ? "" : "; ") + o.path + "=" + o.value;
  return out;
}

// Loads the base with `overrides` after the sweep's `set`; returns the scenario's problems (each message
// once), empty when it loads.
class BaseChecker {
 public:
  BaseChecker(std::string text, std::string file, std::vector<Override> set)
      : text_(std::move(text)), file_(std::move(file)), set_(std::move(set)) {}

  std::vector<std::string> problems(const std::vector<Override>& overrides, bool with_set = true) const {
    std::vector<Override> all = with_set ? set_ : std::vector<Override>{};
    all.insert(all.end(), overrides.begin(), overrides.end());
    try {
      parse_scenario(text_, file_, all);
    } catch (const ScenarioError& e) {
      std::vector<std::string> out;
      for (const Diagnostic& d : e.diagnostics())
        if (std::find(out.begin(), out.end(), d.message) == out.end()) out.push_back(d.message);
      return out;
    }
    return {};
  }

 private:
  std::string text_;
  std::string file_;
  std::vector<Override> set_;
};

// Reports each problem of `overrides` at `node`, headed by the overrides: "path=value: message".
bool check_at(Context& ctx, const BaseChecker& base, const std::vector<Override>& overrides, const YAML::Node& node,
              const std::string& path, bool with_set = true) {
  const std::vector<std::string> problems = base.problems(overrides, with_set);
  for (const std::string& p : problems) ctx.error(node, path, label_of(overrides) + ": " + p);
  return problems.empty();
}

// Every combination of the parameters' values (samples at both bounds), reported at the value of the last
// parameter of the point. Called only when each value loads on its own.
void check_combinations(Context& ctx, const BaseChecker& base, const Reading& r) {
  const std::vector<SweepParameter>& params = r.spec.parameters;
  // Per parameter, the values to combine and where each is written.
  std::vector<std::vector<std::pair<std::string, YAML::Node>>> choices;
  bool any_samples = false;
  for (size_t i = 0; i < params.size(); ++i) {
    std::vector<std::pair<std::string, YAML::Node>> c;
    if (params[i].kind == ValuesKind::SAMPLES) {
      any_samples = true;
      c.push_back({format_value(params[i].from, params[i].unit), r.written[i].from_node});
      c.push_back({format_value(params[i].to, params[i].unit), r.written[i].to_node});
    } else {
      for (size_t v = 0; v < params[i].values.size(); ++v)
        c.push_back({params[i].values[v], r.written[i].value_nodes[v]});
    }
    choices.push_back(c);
  }
  // Samples take their lower bounds together, then their upper bounds together (corner 0 and 1).
  const int corners = any_samples ? 2 : 1;
  int failures = 0;
  std::vector<size_t> at(params.size(), 0);
  for (bool done = false; !done;) {
    for (int corner = 0; corner < corners; ++corner) {
      std::vector<Override> point;
      YAML::Node last;
      for (size_t i = 0; i < params.size(); ++i) {
        const size_t k = params[i].kind == ValuesKind::SAMPLES ? static_cast<size_t>(corner) : at[i];
        point.push_back(Override{params[i].path, choices[i][k].first});
        last.reset(choices[i][k].second);  // rebinds; `last = ...` would overwrite the previous choice's node
      }
      const std::vector<std::string> problems = base.problems(point);
      if (problems.empty()) continue;
      if (++failures > kMaxPointProblems) continue;
      for (const std::string& p : problems) ctx.error(last, "parameters", label_of(point) + ": " + p);
    }
    // Next grid point, the last parameter fastest; samples are not stepped here.
    done = true;
    for (size_t i = params.size(); i-- > 0;) {
      if (params[i].kind == ValuesKind::SAMPLES) continue;
      if (++at[i] < choices[i].size()) {
        done = false;
        break;
      }
      at[i] = 0;
    }
  }
  if (failures > kMaxPointProblems)
    ctx.error(r.parameters_node, "parameters",
              "and " + std::to_string(failures - kMaxPointProblems) + " more point" +
                  (failures - kMaxPointProblems > 1 ? "s" : "") + " the base scenario rejects");
}

void check_against_base(Context& ctx, const Reading& r) {
  const SweepSpec& spec = r.spec;
  std::ifstream in(spec.base);
  if (!in || std::filesystem::is_directory(spec.base)) {
    ctx.error(r.base_node, "base",
              "cannot read the base scenario '" + r.base_written + "'" +
                  (spec.base != r.base_written ? " (" + spec.base + ")" : ""));
    return;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const BaseChecker base(buf.str(), spec.base, spec.set);
  try {
    parse_scenario(buf.str(), spec.base);
  } catch (const ScenarioError& e) {
    const std::vector<Diagnostic>& d = e.diagnostics();
    const size_t more = d.size() - 1;
    ctx.error(r.base_node, "base",
              "base scenario '" + r.base_written + "' does not load: " + d.front().headline() +
                  (more > 0 ? " (and " + std::to_string(more) + " more problem" + (more > 1 ? "s" : "") + ")" : ""));
    return;
  }

  // The fixed overrides, each alone, then together.
  bool set_ok = true;
  for (size_t i = 0; i < spec.set.size(); ++i)
    set_ok = check_at(ctx, base, {spec.set[i]}, r.set_nodes[i], join("set", spec.set[i].path), false) && set_ok;
  if (set_ok && spec.set.size() > 1) set_ok = check_at(ctx, base, spec.set, r.set_map, "set", false);
  if (!set_ok) return;

  // Each value alone, at the value; then every point of the grid, which can only fail by a combination.
  bool values_ok = true;
  for (size_t i = 0; i < spec.parameters.size(); ++i) {
    const SweepParameter& p = spec.parameters[i];
    const WrittenParameter& w = r.written[i];
    const std::string path = "parameters." + std::to_string(i);
    if (p.kind == ValuesKind::SAMPLES) {
      values_ok = check_at(ctx, base, {{p.path, format_value(p.from, p.unit)}}, w.from_node, path) && values_ok;
      values_ok = check_at(ctx, base, {{p.path, format_value(p.to, p.unit)}}, w.to_node, path) && values_ok;
      continue;
    }
    for (size_t v = 0; v < p.values.size(); ++v)
      values_ok = check_at(ctx, base, {{p.path, p.values[v]}}, w.value_nodes[v], path) && values_ok;
  }
  if (values_ok && spec.parameters.size() > 1) check_combinations(ctx, base, r);

  if (spec.search) {
    const SweepSearch& s = *spec.search;
    check_at(ctx, base, {{s.path, format_value(s.from, s.unit)}}, r.search.from_node, "search.from");
    check_at(ctx, base, {{s.path, format_value(s.to, s.unit)}}, r.search.to_node, "search.to");
  }
}

// ---- expanding ----------------------------------------------------------------------------------

// Draws of one SAMPLES parameter, printed in its unit.
std::vector<std::string> draw_samples(const SweepSpec& spec, const SweepParameter& p, std::uint64_t stream) {
  const int n = spec.samples;
  Rng rng(spec.sampling_seed, stream);
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(n));
  const double width = p.to - p.from;
  if (spec.sampling == SamplingKind::RANDOM) {
    for (int j = 0; j < n; ++j)
      out.push_back(format_value(round_significant(p.from + width * rng.uniform(), kSampleDigits), p.unit));
    return out;
  }
  // Latin hypercube: stratum perm[j] for draw j, the strata shuffled independently for each parameter.
  std::vector<int> perm(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
  for (int i = n - 1; i > 0; --i) {
    const auto j = static_cast<int>(rng.uniform() * (i + 1));  // uniform() < 1, so j <= i
    std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(j)]);
  }
  for (int j = 0; j < n; ++j) {
    const int stratum = perm[static_cast<size_t>(j)];
    const double lo = p.from + width * stratum / n, hi = p.from + width * (stratum + 1) / n;
    double v = 0;
    // Rounding for print can push a draw over its stratum's edge; draw again so each stratum keeps one.
    for (int attempt = 0; attempt < kMaxRedraws; ++attempt) {
      v = round_significant(lo + (hi - lo) * rng.uniform(), kSampleDigits);
      if (v >= lo && v < hi) break;
    }
    out.push_back(format_value(v, p.unit));
  }
  return out;
}

}  // namespace

std::optional<NumberWithUnit> split_number_unit(std::string_view text) {
  text = trim(text);
  const char* const end = text.data() + text.size();
  double v = 0;
  const auto r = std::from_chars(text.data(), end, v);  // "1e6/s" too; a lone 'e' ("2eh") is left to the unit
  if (r.ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  return NumberWithUnit{v, std::string(trim(std::string_view(r.ptr, static_cast<size_t>(end - r.ptr))))};
}

std::string SweepPoint::key() const {
  std::string out;
  for (const Override& o : overrides) out += (out.empty() ? "" : ";") + o.path + "=" + o.value;
  return out;
}

std::vector<std::string> default_sweep_metrics() {
  return {"deadline_met",
          "completion_time_s",
          "revocation_complete_s",
          "not_replaced_by_deadline",
          "revoked_before_replaced",
          "replaced_by_deadline",
          "signatures"};
}

std::string format_value(double value, const std::string& unit) {
  if (value == 0) value = 0;  // -0 prints as 0
  char buf[kFixedBufferSize];
  // The shortest text that reads back as the same double; fixed notation while it fits, as people write.
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  if (r.ec != std::errc()) r = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, r.ptr) + unit;
}

SweepSpec parse_sweep(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> diags;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const std::vector<std::string> lines = split_lines(text);
    const std::string src =
        e.mark.line >= 0 && e.mark.line < static_cast<int>(lines.size()) ? lines[static_cast<size_t>(e.mark.line)] : "";
    throw ScenarioError({Diagnostic{file, e.mark.line + 1, e.mark.column + 1, "YAML syntax: " + e.msg, src}});
  }
  if (!root.IsMap()) throw ScenarioError({Diagnostic{file, 1, 1, "a sweep is a YAML map of keys to values", ""}});

  Context ctx(file, text, nullptr, diags);
  Reading r;
  r.spec.file = file;
  read_sweep(ctx, root, r);
  // The base is checked even when the sweep has other problems, but the points only when it reads cleanly:
  // a point built from a misread parameter would only repeat its problem.
  if (r.has_base) {
    const size_t before = diags.size();
    if (before == 0) {
      check_against_base(ctx, r);
    } else {
      Reading base_only;
      base_only.spec.file = file;
      base_only.spec.base = r.spec.base;
      base_only.has_base = true;
      base_only.base_node = r.base_node;
      base_only.base_written = r.base_written;
      check_against_base(ctx, base_only);
    }
  }
  if (!diags.empty()) throw ScenarioError(std::move(diags));
  return r.spec;
}

SweepSpec load_sweep(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError({Diagnostic{path, 0, 0, "cannot read the sweep file", ""}});
  std::stringstream buf;
  buf << in.rdbuf();
  return parse_sweep(buf.str(), path);
}

std::vector<SweepPoint> expand_points(const SweepSpec& spec) {
  const std::vector<SweepParameter>& params = spec.parameters;
  // Draws per SAMPLES parameter (stream = its index), shared by every grid point.
  std::vector<std::vector<std::string>> draws(params.size());
  bool any_samples = false;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].kind != ValuesKind::SAMPLES) continue;
    any_samples = true;
    draws[i] = draw_samples(spec, params[i], i);
  }
  const int draw_count = any_samples ? spec.samples : 1;
  for (const SweepParameter& p : params)
    if (p.kind != ValuesKind::SAMPLES && p.values.empty()) return {};  // an empty factor: no point at all

  std::vector<SweepPoint> points;
  std::vector<size_t> at(params.size(), 0);
  for (bool done = false; !done;) {
    for (int j = 0; j < draw_count; ++j) {
      SweepPoint point;
      for (size_t i = 0; i < params.size(); ++i) {
        const std::string& value =
            params[i].kind == ValuesKind::SAMPLES ? draws[i][static_cast<size_t>(j)] : params[i].values[at[i]];
        point.overrides.push_back(Override{params[i].path, value});
      }
      points.push_back(point);
    }
    // The next grid point: the last LIST or RANGE parameter varies fastest, the first slowest.
    done = true;
    for (size_t i = params.size(); i-- > 0;) {
      if (params[i].kind == ValuesKind::SAMPLES) continue;
      if (++at[i] < params[i].values.size()) {
        done = false;
        break;
      }
      at[i] = 0;
    }
  }
  return points;
}

}  // namespace surge
