#include "models/sweep_spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include "models/sweep_spec_reader.hpp"
#include "models/yaml_reader.hpp"

namespace surge {
namespace {

using sweep_reading::check_against_base;
using sweep_reading::Reading;
using sweep_reading::trim;
using yaml_input::Context;
using yaml_input::join;
using yaml_input::MapReader;
using yaml_input::Need;
using yaml_input::Sign;
using yaml_input::split_lines;

constexpr int kSchemaVersion = 1;
// Longest text of a double in fixed notation that format_value prints; beyond it, scientific notation.
constexpr size_t kFixedBufferSize = 64;

}  // namespace

namespace sweep_reading {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// `value` rounded to `digits` significant digits (through decimal text, so that it prints short).
double round_significant(double value, int digits) {
  char buf[kFixedBufferSize];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific, digits - 1);
  double out = value;
  std::from_chars(buf, r.ptr, out);
  return out;
}

}  // namespace sweep_reading

namespace {

using sweep_reading::read_parameter;
using sweep_reading::read_search;
using sweep_reading::unknown_metric;

// A seed at m[key] ("seed"), digits only, as scenarios write it.
std::optional<std::uint64_t> read_seed(MapReader& m, const std::string& key) {
  YAML::Node n = m.get(key, Need::OPTIONAL);
  if (!n || n.IsNull()) return std::nullopt;
  if (auto v = n.IsScalar() ? yaml_input::parse_seed(n.Scalar()) : std::nullopt) return v;
  m.context().error(n, join(m.path(), key), yaml_input::kSeedMessage);
  return std::nullopt;
}

// schema, name, question, base, seed and replications.
void read_header(Context& ctx, YAML::Node root, MapReader& top, Reading& r) {
  SweepSpec& spec = r.spec;
  if (auto v = top.integer("schema", Need::REQUIRED, 1); v && *v != kSchemaVersion)
    ctx.error(
        root["schema"], "schema",
        "unsupported schema " + std::to_string(*v) + "; this surge reads schema " + std::to_string(kSchemaVersion));
  if (auto v = top.text("name", Need::REQUIRED)) spec.name = *v;
  if (auto v = top.text("question", Need::REQUIRED)) spec.question = *v;
  if (auto v = top.text("base", Need::REQUIRED)) {
    r.has_base = true;
    r.base_node = root["base"];
    r.base_written = *v;
    const std::filesystem::path written(*v);
    spec.base = (written.is_absolute() ? written : std::filesystem::path(spec.file).parent_path() / written)
                    .lexically_normal()
                    .string();
  }
  if (auto v = read_seed(top, "seed")) spec.seed = *v;
  if (auto v = top.integer("replications", Need::OPTIONAL, 1)) spec.replications = *v;
}

// `set`: scenario paths fixed at one value for every point.
void read_set(Context& ctx, MapReader& top, Reading& r) {
  YAML::Node set = top.get("set", Need::OPTIONAL);
  if (!set || set.IsNull()) return;
  r.set_map = set;
  if (!set.IsMap()) {
    ctx.error(set, "set", "'set' must be a map of scenario paths to values, such as {incident.deadline: 20h}");
    return;
  }
  for (auto it = set.begin(); it != set.end(); ++it) {
    const std::string path = it->first.Scalar();
    if (!it->second.IsScalar()) {
      ctx.error(it->second, join("set", path),
                "'" + path + "' must be a single value; write a list or map as --set takes it, in quotes");
      continue;
    }
    r.spec.set.push_back(Override{path, it->second.Scalar()});
    r.set_nodes.push_back(it->second);
  }
}

// `metrics`: the report figures kept, or the default ones.
void read_metrics(Context& ctx, MapReader& top, SweepSpec& spec) {
  YAML::Node metrics = top.get("metrics", Need::OPTIONAL);
  if (!metrics || metrics.IsNull()) {
    spec.metrics = default_sweep_metrics();
    return;
  }
  if (!metrics.IsSequence() || metrics.size() == 0) {
    ctx.error(metrics, "metrics", "'metrics' must be a non-empty list of report figures");
    return;
  }
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

void read_parameters(Context& ctx, MapReader& top, Reading& r) {
  YAML::Node params = top.get("parameters", Need::OPTIONAL);
  if (!params || params.IsNull()) return;
  r.has_parameters = true;
  r.parameters_node = params;
  if (!params.IsSequence() || params.size() == 0) {
    ctx.error(params, "parameters", "'parameters' must be a non-empty list of {path, values | range | samples}");
    return;
  }
  for (size_t i = 0; i < params.size(); ++i) read_parameter(ctx, params[i], i, r);
}

// `sampling`: how SAMPLES parameters are drawn; needed exactly when some parameter has samples.
void read_sampling(Context& ctx, MapReader& top, Reading& r) {
  SweepSpec& spec = r.spec;
  const bool any_samples = std::any_of(spec.parameters.begin(), spec.parameters.end(),
                                       [](const SweepParameter& p) { return p.kind == ValuesKind::SAMPLES; });
  if (YAML::Node sampling = top.get("sampling", Need::OPTIONAL); sampling && !sampling.IsNull()) {
    MapReader m(ctx, sampling, "sampling");
    if (!m.ok()) return;
    if (!any_samples) ctx.error(sampling, "sampling", "'sampling' is given but no parameter has 'samples'");
    if (auto v = m.text("method", Need::OPTIONAL)) {
      if (*v == "random") {
        spec.sampling = SamplingKind::RANDOM;
      } else if (*v == "latin-hypercube") {
        spec.sampling = SamplingKind::LATIN_HYPERCUBE;
      } else {
        ctx.error(sampling["method"], "sampling.method",
                  "unknown sampling method '" + *v + "'; expected random or latin-hypercube");
      }
    }
    if (auto v = m.integer("points", Need::REQUIRED, 1)) spec.samples = *v;
    if (auto v = read_seed(m, "seed")) spec.sampling_seed = *v;
    m.finish();
  } else if (any_samples) {
    for (size_t i = 0; i < spec.parameters.size(); ++i) {
      if (spec.parameters[i].kind != ValuesKind::SAMPLES) continue;
      const YAML::Node p = r.parameters_node[i];
      ctx.error(p["samples"], "parameters." + std::to_string(i) + ".samples",
                "'samples' needs a 'sampling' section, such as sampling: {method: latin-hypercube, points: 20}");
    }
  }
}

// One path, one role: a value both fixed and swept (or swept and searched) would be overwritten.
void check_one_role_per_path(Context& ctx, YAML::Node root, const Reading& r) {
  const SweepSpec& spec = r.spec;
  for (size_t i = 0; i < spec.set.size(); ++i) {
    for (const SweepParameter& p : spec.parameters)
      if (p.path == spec.set[i].path)
        ctx.error(r.set_nodes[i], join("set", p.path),
                  "'" + p.path + "' is swept in 'parameters'; leave it out of 'set'");
  }
  if (!spec.search || spec.search->path.empty()) return;
  for (const SweepParameter& p : spec.parameters)
    if (p.path == spec.search->path)
      ctx.error(root["search"]["path"], "search.path",
                "'" + p.path + "' is swept in 'parameters'; a search varies it itself");
  for (const Override& o : spec.set)
    if (o.path == spec.search->path)
      ctx.error(root["search"]["path"], "search.path", "'" + o.path + "' is fixed in 'set'; a search varies it itself");
}

void read_sweep(Context& ctx, YAML::Node root, Reading& r) {
  MapReader top(ctx, root, "", "sweep");
  read_header(ctx, root, top, r);
  read_set(ctx, top, r);
  read_metrics(ctx, top, r.spec);
  read_parameters(ctx, top, r);
  read_sampling(ctx, top, r);
  if (YAML::Node search = top.get("search", Need::OPTIONAL); search && !search.IsNull()) read_search(ctx, search, r);
  if (!r.has_parameters && !r.spec.search) ctx.error(root, "", "a sweep needs 'parameters' or a 'search' (or both)");
  check_one_role_per_path(ctx, root, r);
  top.finish();
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

}  // namespace surge
