// The scenario's `wan`: the wide-area links between data centers, or from a data center to the cloud.
#include <yaml-cpp/yaml.h>

#include <string>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// One link of the list (`item`, the i-th), appended to s.wan.
void read_wan_link(Context& ctx, YAML::Node item, size_t i, Scenario& s) {
  MapReader m(ctx, item, "wan." + std::to_string(i));
  if (!m.ok()) return;
  WanLink w;
  w.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
  for (const char* end : {"from", "to"}) {
    if (auto v = m.text(end, true)) {
      std::string why;
      if (v->find('/') != std::string::npos || !place_exists(s, *v, std::string(end) == "to", why))
        ctx.error(item[end], join(m.path(), end),
                  why.empty() ? "a WAN link joins data centers (or 'cloud'), not hosts: '" + *v + "'" : why);
      (std::string(end) == "from" ? w.from : w.to) = *v;
    }
  }
  if (auto v = m.quantity("bandwidth", QuantityKind::BANDWIDTH, true, true)) w.bandwidth_Bps = *v;
  if (auto v = m.quantity("latency", QuantityKind::DURATION, true, false)) w.latency_s = *v;
  m.finish();
  s.wan.push_back(w);
}

}  // namespace

void read_wan(MapReader& top, Scenario& s) {
  YAML::Node wan = top.get("wan", false);
  if (!wan || wan.IsNull()) return;
  Context& ctx = ctx_of(top);
  if (!wan.IsSequence()) {
    ctx.error(wan, "wan", "'wan' must be a list of links");
    return;
  }
  for (size_t i = 0; i < wan.size(); ++i) read_wan_link(ctx, wan[i], i, s);
}

}  // namespace surge::detail
