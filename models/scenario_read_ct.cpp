// The scenario's `ct`: the Certificate Transparency logs every precertificate is submitted to, their
// operators, and how many SCTs from distinct operators issuance waits for. Read before the failures,
// which may name its logs and operators.
#include <yaml-cpp/yaml.h>

#include <string>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// One log of ct.logs (`item`, read by lm), appended to ct.logs.
void read_ct_log(MapReader& lm, const YAML::Node& item, CtSpec& ct) {
  Context& ctx = ctx_of(lm);
  CtLog l;
  l.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
  if (auto v = lm.text("name", Need::REQUIRED)) {
    l.name = *v;
    if (ct.log_index(l.name) >= 0)
      ctx.error(item["name"], join(lm.path(), "name"), "CT log '" + l.name + "' is listed twice");
  }
  if (auto v = lm.text("operator", Need::REQUIRED)) l.operator_name = *v;
  if (auto v = lm.quantity("rate", QuantityKind::RATE, Need::REQUIRED, Sign::POSITIVE)) l.rate_per_s = *v;
  if (auto v = lm.quantity("latency", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE)) l.latency_s = *v;
  lm.finish();
  ct.logs.push_back(l);
}

}  // namespace

void read_ct(MapReader& top, Scenario& s) {
  YAML::Node ct = top.get("ct", Need::OPTIONAL);
  if (!ct || ct.IsNull()) return;
  Context& ctx = ctx_of(top);
  MapReader m(ctx, ct, "ct");
  if (auto v = m.integer("scts_required", Need::OPTIONAL, 1)) s.ct.scts_required = *v;
  YAML::Node logs = m.get("logs", Need::REQUIRED);
  if (logs && !logs.IsNull() && !logs.IsSequence()) {
    ctx.error(logs, "ct.logs", "'ct.logs' must be a list");
  } else if (logs && logs.IsSequence()) {
    for_each_map(ctx, logs, "ct.logs", "name",
                 [&](MapReader& lm, const YAML::Node& item, size_t) { read_ct_log(lm, item, s.ct); });
    const size_t operators = s.ct.operators().size();
    if (!s.ct.logs.empty() && operators < static_cast<size_t>(s.ct.scts_required))
      ctx.error(ct, "ct",
                "needs SCTs from " + std::to_string(s.ct.scts_required) + " different operators but the logs have " +
                    std::to_string(operators) + " operator(s)");
    if (logs.size() == 0) ctx.error(logs, "ct.logs", "'ct.logs' must list at least one log");
  }
  m.finish();
}

}  // namespace surge::detail
