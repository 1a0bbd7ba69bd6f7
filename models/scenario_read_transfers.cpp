// The scenario's `transfers`: bulk transfers during the incident (backups, replica re-syncs, logs for
// forensics) between hosts, data centers or the cloud.
#include <yaml-cpp/yaml.h>

#include <string>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// One transfer of the list (`item`, read by m), appended to s.transfers.
void read_transfer(MapReader& m, const YAML::Node& item, Scenario& s) {
  Context& ctx = ctx_of(m);
  Transfer t;
  t.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
  if (auto v = m.text("name", Need::REQUIRED)) t.name = *v;
  for (const char* end : {"from", "to"}) {
    if (auto v = m.text(end, Need::REQUIRED)) {
      std::string why;
      if (!place_exists(s, *v, std::string(end) == "to", why)) ctx.error(item[end], join(m.path(), end), why);
      (std::string(end) == "from" ? t.from : t.to) = *v;
    }
  }
  if (auto v = m.quantity("size", QuantityKind::SIZE, Need::REQUIRED, Sign::POSITIVE)) t.bytes = *v;
  if (auto v = m.quantity("start", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE)) t.start_s = *v;
  m.finish();
  s.transfers.push_back(t);
}

}  // namespace

void read_transfers(MapReader& top, Scenario& s) {
  const YAML::Node list = optional_list(top, "transfers", "'transfers' must be a list");
  for_each_map(ctx_of(top), list, "transfers", "name",
               [&](MapReader& m, const YAML::Node& item, size_t) { read_transfer(m, item, s); });
}

}  // namespace surge::detail
