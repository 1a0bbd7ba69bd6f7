// Reading a sweep's search, and the report figures a search condition or `metrics` may name.
#include "models/sweep_spec_reader.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "models/report.hpp"

namespace surge::sweep_reading {
namespace {

constexpr double kPercent = 100.0;

std::string list_of(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// For a metric under `prefix` ("resources."): whether it names a field of `fields` after a name; `why`
// says what is wrong. False when the metric is not under `prefix` at all.
bool under_group(const std::string& metric, const std::string& prefix, const std::vector<std::string>& fields,
                 std::optional<std::string>& why) {
  if (metric.rfind(prefix, 0) != 0) return false;
  const std::string rest = metric.substr(prefix.size());
  for (const std::string& field : fields)  // names may hold dots of their own, and fields too (FIELD.p50)
    if (rest.size() > field.size() + 1 && rest.ends_with("." + field)) return true;
  const size_t dot = rest.rfind('.');
  if (dot == std::string::npos || dot == 0)
    why = "metric '" + metric + "' needs a name and a field: " + prefix + "NAME.FIELD";
  else
    why = "unknown field '" + rest.substr(dot + 1) + "' in metric '" + metric + "'; " + prefix +
          "NAME has: " + list_of(fields);
  return true;
}

}  // namespace

// Why `metric` is no figure of a report, or nullopt when it is one.
std::optional<std::string> unknown_metric(const std::string& metric) {
  static const std::vector<std::string> figures = report_figures(), resource = resource_figures(),
                                        utilisation = utilisation_figures(), transfer = transfer_figures(),
                                        classes = class_figures();
  if (contains(figures, metric)) return std::nullopt;
  std::optional<std::string> why;
  if (under_group(metric, "resources.", resource, why) || under_group(metric, "utilisation.", utilisation, why) ||
      under_group(metric, "transfers.", transfer, why) || under_group(metric, "classes.", classes, why))
    return why;
  return "unknown metric '" + metric + "'; a metric is a report figure (" + list_of(figures) +
         ") or resources.NAME.FIELD, utilisation.NAME.FIELD, transfers.NAME.FIELD, classes.NAME.FIELD";
}

namespace {

// Reads the condition's threshold, written at `key` (at_most or at_least) as an absolute figure or
// relative to the deadline.
void read_threshold(MapReader& m, const std::string& key, SearchCondition& c) {
  YAML::Node n = m.get(key, Need::OPTIONAL);
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
  if (auto v = m.quantity(key, time_metric ? QuantityKind::DURATION : QuantityKind::COUNT, Need::OPTIONAL,
                          Sign::NON_NEGATIVE))
    c.threshold = *v;
}

}  // namespace

void read_search(Context& ctx, YAML::Node node, Reading& r) {
  MapReader m(ctx, node, "search");
  if (!m.ok()) return;
  SweepSearch s;
  s.loc = SourceLoc{node.Mark().line + 1, node.Mark().column + 1};
  if (auto v = m.text("path", Need::REQUIRED)) s.path = *v;
  if (auto b = read_bounds(m, false)) {
    s.from = b->from.value.number, s.to = b->to.value.number, s.unit = b->from.value.unit;
    r.search = WrittenSearch{b->from.node, b->to.node};
  }
  if (YAML::Node cond = m.get("condition", Need::REQUIRED)) {
    MapReader c(ctx, cond, "search.condition");
    if (c.ok()) {
      if (auto metric = c.text("metric", Need::REQUIRED)) {
        s.condition.metric = *metric;
        if (auto why = unknown_metric(*metric)) ctx.error(cond["metric"], "search.condition.metric", *why);
      }
      const YAML::Node at_most = c.get("at_most", Need::OPTIONAL), at_least = c.get("at_least", Need::OPTIONAL);
      if ((at_most ? 1 : 0) + (at_least ? 1 : 0) != 1) {
        ctx.error(cond, "search.condition", "a condition names exactly one of at_most, at_least");
      } else {
        s.condition.at_most = static_cast<bool>(at_most);
        read_threshold(c, at_most ? "at_most" : "at_least", s.condition);
      }
      c.finish();
    }
  }
  if (auto v = m.quantity("tolerance", QuantityKind::FRACTION, Need::OPTIONAL, Sign::POSITIVE)) s.tolerance = *v;
  if (auto v = m.integer("max_replications", Need::OPTIONAL, 1)) s.max_replications = *v;
  m.finish();
  r.spec.search = s;
}

}  // namespace surge::sweep_reading
