// What the planner and the simulator both decide when parts fail, written once: which replica is promoted
// when the DB writer is lost, and whether a route survives the link failures. The planner asks with the
// failure times it knows in advance, the simulator with what is up at the moment it decides.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

#include "models/topology.hpp"

namespace surge {

/// The replica promoted when the writer of data center `writer_dc` is lost: the first replica (in the
/// topology's order) that `usable` accepts, in the other data centers first (in the scenario's order)
/// and in the writer's own last, so that the writer moves away from what failed; -1 when there is none.
int replica_to_promote(const Topology& topo, size_t data_centers, int writer_dc,
                       const std::function<bool(int replica)>& usable);

/// Whether a route crosses a link that `link_down` says is down. Routes are static: a cut link is not
/// routed around, so a data center whose front end's route to the writer is cut stops issuing.
bool route_cut(const std::vector<RouteHop>& route, const std::function<bool(int link)>& link_down);

}  // namespace surge
