// Checking a sweep against its base scenario: the fixed overrides, each value, every point, the search's
// bounds; each problem reported where the value is written.
#include "models/sweep_spec_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace surge::sweep_reading {
namespace {

// Points whose combination of values fails are listed up to this many; the rest are counted.
constexpr int kMaxPointProblems = 10;

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

}  // namespace

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

}  // namespace surge::sweep_reading
