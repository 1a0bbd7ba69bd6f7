// The scenario's `validation`: domain validation by each data center's VA. Its share of names needing a
// new validation replaces workload.new_authz_share (read after the workload and the clients).
#include <yaml-cpp/yaml.h>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {

void read_validation(MapReader& top, Scenario& s) {
  YAML::Node va = top.get("validation", Need::OPTIONAL);
  if (!va || va.IsNull()) return;
  Context& ctx = ctx_of(top);
  MapReader m(ctx, va, "validation");
  Validation& v = s.validation;
  v.enabled = true;
  if (auto x = m.quantity("reuse_period", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    v.reuse_period_s = *x;
  if (auto x = m.boolean("revalidate_all")) v.revalidate_all = *x;
  if (auto x = m.quantity("validations_per_s", QuantityKind::RATE, Need::REQUIRED, Sign::POSITIVE))
    v.validations_per_s = *x;
  if (auto x = m.quantity("dns_latency", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    v.dns_latency_s = *x;
  if (auto x = m.quantity("http_latency", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    v.http_latency_s = *x;
  m.finish();
  const YAML::Node wl = top.node()["workload"];
  const YAML::Node authz = wl && wl.IsMap() ? wl["new_authz_share"] : YAML::Node();
  if (authz && !authz.IsNull())
    ctx.error(authz, "workload.new_authz_share",
              "'new_authz_share' and 'validation' exclude each other: the validation section sets the share "
              "(reuse_period, revalidate_all)");
  s.workload.new_authz_share = v.new_share(s.clients.normal_renewal_span_s);
}

}  // namespace surge::detail
