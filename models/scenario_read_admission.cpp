// The scenario's `admission`: admission control at the ACME API. Both keys are required, so that a bound
// never comes without the retry it causes.
#include <yaml-cpp/yaml.h>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {

void read_admission(MapReader& top, Scenario& s) {
  YAML::Node ad = top.get("admission", Need::OPTIONAL);
  if (!ad || ad.IsNull()) return;
  MapReader m(ctx_of(top), ad, "admission");
  if (auto v = m.quantity("queue", QuantityKind::COUNT, Need::REQUIRED, Sign::POSITIVE))
    s.admission.queue_certificates = *v;
  if (auto v = m.quantity("retry_after", QuantityKind::DURATION, Need::REQUIRED, Sign::POSITIVE))
    s.admission.retry_after_s = *v;
  m.finish();
}

}  // namespace surge::detail
