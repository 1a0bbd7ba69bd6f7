// The scenario's `transfers`: bulk transfers during the incident (backups, replica re-syncs, logs for
// forensics) between hosts, data centers or the cloud.
#include <yaml-cpp/yaml.h>

#include <string>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// One transfer of the list (`item`, the i-th), appended to s.transfers.
void read_transfer(Context& ctx, YAML::Node item, size_t i, Scenario& s) {
  const std::string label = item.IsMap() ? scalar_or(item["name"], std::to_string(i)) : std::to_string(i);
  MapReader m(ctx, item, "transfers." + label);
  if (!m.ok()) return;
  Transfer t;
  t.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
  if (auto v = m.text("name", true)) t.name = *v;
  for (const char* end : {"from", "to"}) {
    if (auto v = m.text(end, true)) {
      std::string why;
      if (!place_exists(s, *v, std::string(end) == "to", why)) ctx.error(item[end], join(m.path(), end), why);
      (std::string(end) == "from" ? t.from : t.to) = *v;
    }
  }
  if (auto v = m.quantity("size", QuantityKind::SIZE, true, true)) t.bytes = *v;
  if (auto v = m.quantity("start", QuantityKind::DURATION, false, false)) t.start_s = *v;
  m.finish();
  s.transfers.push_back(t);
}

}  // namespace

void read_transfers(MapReader& top, Scenario& s) {
  YAML::Node tl = top.get("transfers", false);
  if (!tl || tl.IsNull()) return;
  Context& ctx = ctx_of(top);
  if (!tl.IsSequence()) {
    ctx.error(tl, "transfers", "'transfers' must be a list");
    return;
  }
  for (size_t i = 0; i < tl.size(); ++i) read_transfer(ctx, tl[i], i, s);
}

}  // namespace surge::detail
