// Reading a sweep's parameters: a list of values, a range with a step, or bounds to sample between.
#include "models/sweep_spec_reader.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace surge::sweep_reading {
namespace {

// A range's last step may miss `to` by rounding (0.2 x 5 != 1.0 exactly): `to` still counts within this
// share of the range's magnitude.
constexpr double kRangeEpsilon = 1e-9;
// Range values are rounded to this many significant digits before printing, so that 0.6000000000000001
// prints as 0.6; far more than any value written by hand needs.
constexpr int kRangeDigits = 12;
// A range longer than this is almost certainly a step in the wrong unit; refuse it instead of running it.
constexpr double kMaxRangeValues = 10000;

// "is in 'h'", or "has no unit": how a bound's unit is named in a message.
std::string unit_phrase(const std::string& unit) {
  return unit.empty() ? "has no unit" : "is in '" + unit + "'";
}

// The number with its unit at m[key]; reports text that does not start with a number.
std::optional<WrittenBound> read_bound(MapReader& m, const std::string& key) {
  YAML::Node n = m.get(key, Need::REQUIRED);
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

}  // namespace

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

namespace {

// values: [a, b, c]: single values, none twice.
void read_values(Context& ctx, YAML::Node values, const std::string& path, SweepParameter& p, WrittenParameter& w) {
  if (!values.IsSequence() || values.size() == 0) {
    ctx.error(values, path, "'values' must be a non-empty list of values");
    return;
  }
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

// range: {from, to, step}: every step from `from` up to `to` (within rounding), each printed in its unit.
void read_range(Context& ctx, YAML::Node range, const std::string& path, SweepParameter& p, WrittenParameter& w) {
  MapReader rm(ctx, range, path);
  if (!rm.ok()) return;
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

// samples: {from, to}: the bounds the sweep's sampling draws between.
void read_samples(Context& ctx, YAML::Node samples, const std::string& path, SweepParameter& p, WrittenParameter& w) {
  MapReader sm(ctx, samples, path);
  if (!sm.ok()) return;
  if (auto b = read_bounds(sm, false)) {
    p.from = b->from.value.number, p.to = b->to.value.number, p.unit = b->from.value.unit;
    w.from_node = b->from.node, w.to_node = b->to.node;
  }
  sm.finish();
}

}  // namespace

void read_parameter(Context& ctx, YAML::Node node, size_t index, Reading& r) {
  MapReader m(ctx, node, "parameters." + std::to_string(index));
  if (!m.ok()) return;
  SweepParameter p;
  WrittenParameter w;
  p.loc = SourceLoc{node.Mark().line + 1, node.Mark().column + 1};
  if (auto v = m.text("path", Need::REQUIRED)) p.path = *v;
  YAML::Node values = m.get("values", Need::OPTIONAL), range = m.get("range", Need::OPTIONAL),
             samples = m.get("samples", Need::OPTIONAL);
  const int kinds = (values ? 1 : 0) + (range ? 1 : 0) + (samples ? 1 : 0);
  if (kinds != 1) {
    ctx.error(node, m.path(), "a parameter names exactly one of values, range, samples");
  } else if (values) {
    p.kind = ValuesKind::LIST;
    read_values(ctx, values, join(m.path(), "values"), p, w);
  } else if (range) {
    p.kind = ValuesKind::RANGE;
    read_range(ctx, range, join(m.path(), "range"), p, w);
  } else {
    p.kind = ValuesKind::SAMPLES;
    read_samples(ctx, samples, join(m.path(), "samples"), p, w);
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
}  // namespace surge::sweep_reading
