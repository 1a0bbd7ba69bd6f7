// The scenario's `wan`: the wide-area links between data centers, or from a data center to the cloud.
#include <yaml-cpp/yaml.h>

#include <string>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

// One link of the list (`item`, read by m), appended to s.wan.
void read_wan_link(MapReader& m, const YAML::Node& item, Scenario& s) {
  Context& ctx = ctx_of(m);
  WanLink w;
  w.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
  for (const char* end : {"from", "to"}) {
    if (auto v = m.text(end, Need::REQUIRED)) {
      std::string why;
      if (v->find('/') != std::string::npos || !place_exists(s, *v, std::string(end) == "to", why))
        ctx.error(item[end], join(m.path(), end),
                  why.empty() ? "a WAN link joins data centers (or 'cloud'), not hosts: '" + *v + "'" : why);
      (std::string(end) == "from" ? w.from : w.to) = *v;
    }
  }
  if (auto v = m.quantity("bandwidth", QuantityKind::BANDWIDTH, Need::REQUIRED, Sign::POSITIVE)) w.bandwidth_Bps = *v;
  if (auto v = m.quantity("latency", QuantityKind::DURATION, Need::REQUIRED, Sign::NON_NEGATIVE)) w.latency_s = *v;
  m.finish();
  s.wan.push_back(w);
}

}  // namespace

void read_wan(MapReader& top, Scenario& s) {
  const YAML::Node wan = optional_list(top, "wan", "'wan' must be a list of links");
  for_each_map(ctx_of(top), wan, "wan", nullptr,
               [&](MapReader& m, const YAML::Node& item, size_t) { read_wan_link(m, item, s); });
}

}  // namespace surge::detail
