#include "models/failover.hpp"

namespace surge {

int replica_to_promote(const Topology& topo, size_t data_centers, int writer_dc,
                       const std::function<bool(int replica)>& usable) {
  for (const bool own : {false, true})
    for (size_t d = 0; d < data_centers; ++d) {
      if ((static_cast<int>(d) == writer_dc) != own) continue;
      for (int r : topo.replicas(static_cast<int>(d)))
        if (usable(r)) return r;
    }
  return -1;
}

bool route_cut(const std::vector<RouteHop>& route, const std::function<bool(int link)>& link_down) {
  for (const RouteHop& hop : route)
    if (link_down(hop.link)) return true;
  return false;
}

}  // namespace surge
