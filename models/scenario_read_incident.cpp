// The scenario's `incident`: the decision, the deadline and the horizon, how bulk revocation is planned,
// the DB writer's promotion delay, and the batches in which the CA enables the affected certificates.
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "models/scenario_ranges.hpp"
#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

constexpr double kDefaultHorizonDeadlines = 4.0;  // horizon defaults to 4 deadlines

// The problem of a batch enabled at `at_s`, `before` being the deadline's time after the decision.
std::string too_late(double at_s, double before) {
  return "batch enabled at " + format_duration(at_s) + ", not before the deadline (" + format_duration(before) +
         " after the decision)";
}

// incident.batches as a map {count, every}: equal shares at 0, every, 2 x every, ...
void read_batch_series(Context& ctx, const YAML::Node& node, Incident& inc, double before) {
  MapReader m(ctx, node, "incident.batches");
  const std::optional<int> count = m.integer("count", Need::REQUIRED, 1);
  const std::optional<double> every = m.quantity("every", QuantityKind::DURATION, Need::REQUIRED, Sign::POSITIVE);
  m.finish();
  if (!count || !every) return;
  const SourceLoc loc{node.Mark().line + 1, node.Mark().column + 1};
  for (int b = 0; b < *count; ++b) inc.batches.push_back(IncidentBatch{1.0 / *count, b * *every, loc});
  if (inc.batches.back().enabled_s >= before)
    ctx.error(node["every"], "incident.batches.every", too_late(inc.batches.back().enabled_s, before));
}

// incident.batches: a list of {share, at}, or {count, every} for equal shares at 0, every, 2 x every, ...;
// enabling times from the decision, non-decreasing and before the deadline; shares summing to 100%.
void read_incident_batches(Context& ctx, const YAML::Node& node, Incident& inc) {
  const double before = inc.deadline_s - inc.decision_delay_s;  // every batch is enabled before the deadline
  if (node.IsMap()) {
    read_batch_series(ctx, node, inc, before);
    return;
  }
  if (!node.IsSequence() || node.size() == 0) {
    ctx.error(node, "incident.batches", "'batches' must be a non-empty list of {share, at} or a map {count, every}");
    return;
  }
  // A list holds no more batches than `count` may make: the planner steps through each one.
  const KeyRange* most = find_key_range("incident.batches.count", false);
  if (static_cast<double>(node.size()) > range_max(*most)) {
    ctx.error(node, "incident.batches",
              "'incident.batches' lists " + std::to_string(node.size()) + " batches, more than " +
                  std::string(most->max) + " (" + std::string(most->reason) + ")");
    return;
  }
  auto read_batch = [&](MapReader& m, const YAML::Node& item, size_t i) -> std::optional<double> {
    IncidentBatch batch;
    batch.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
    const std::optional<double> share = m.quantity("share", QuantityKind::FRACTION, Need::REQUIRED, Sign::NON_NEGATIVE);
    const std::optional<double> at = m.quantity("at", QuantityKind::DURATION, Need::REQUIRED, Sign::NON_NEGATIVE);
    m.finish();
    if (!share || !at) return std::nullopt;
    batch.share = *share, batch.enabled_s = *at;
    if (!inc.batches.empty() && batch.enabled_s < inc.batches.back().enabled_s)
      ctx.error(item["at"], m.path() + ".at",
                "batch " + std::to_string(i) + " is enabled at " + format_duration(batch.enabled_s) +
                    ", before batch " + std::to_string(i - 1) + " (" + format_duration(inc.batches.back().enabled_s) +
                    "): batches are listed in enabling order");
    else if (batch.enabled_s >= before)
      ctx.error(item["at"], m.path() + ".at", too_late(batch.enabled_s, before));
    inc.batches.push_back(batch);
    return share;
  };
  read_share_list(ctx, node, "incident.batches", nullptr, "batch shares", read_batch);
}

}  // namespace

void read_incident(MapReader& top, Scenario& s) {
  YAML::Node inc = top.get("incident", Need::REQUIRED);
  if (!inc) return;
  Context& ctx = ctx_of(top);
  MapReader m(ctx, inc, "incident");
  Incident& i = s.incident;
  if (auto v = m.quantity("decision_delay", QuantityKind::DURATION, Need::REQUIRED, Sign::NON_NEGATIVE))
    i.decision_delay_s = *v;
  if (auto v = m.quantity("deadline", QuantityKind::DURATION, Need::REQUIRED, Sign::POSITIVE)) {
    i.deadline_s = *v;
    if (i.deadline_s <= i.decision_delay_s)
      ctx.error(inc["deadline"], "incident.deadline",
                "deadline (" + inc["deadline"].Scalar() + ") is not after the decision (" +
                    (inc["decision_delay"] ? inc["decision_delay"].Scalar() : std::string("0s")) + ")");
  }
  i.horizon_s = m.quantity("horizon", QuantityKind::DURATION, Need::OPTIONAL, Sign::POSITIVE)
                    .value_or(kDefaultHorizonDeadlines * i.deadline_s);
  if (i.horizon_s < i.deadline_s && inc["horizon"])
    ctx.error(inc["horizon"], "incident.horizon", "horizon is before the deadline");
  if (auto v = m.quantity("revocation_margin", QuantityKind::FRACTION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    i.revocation_margin = *v;
  if (auto v = m.quantity("revocation_slack", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    i.revocation_slack_s = *v;
  if (auto v = m.quantity("db_promotion_delay", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    i.db_promotion_delay_s = *v;
  if (YAML::Node batches = m.get("batches", Need::OPTIONAL); batches && !batches.IsNull())
    read_incident_batches(ctx, batches, i);
  m.finish();
}

}  // namespace surge::detail
