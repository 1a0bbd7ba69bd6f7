// The SimGrid platform built from the topology graph: one host per vertex (1 flop = 1 signature on an
// HSM member, 1 commit on a DB server), one split-duplex link per edge, static routes from the graph.
// HSM members and DB servers share their speed by a throughput-versus-concurrency curve (NONLINEAR).
#pragma once

#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "models/topology.hpp"

namespace surge::sim {

namespace sg4 = simgrid::s4u;

/// The SimGrid objects for each topology element, by the same indices.
struct Platform {
  std::vector<sg4::Host*> hosts;             ///< by vertex (nullptr for switches)
  std::vector<sg4::SplitDuplexLink*> links;  ///< by link index
  sg4::Host* control = nullptr;              ///< where the model's actors live; never fails, no links
};

/// Builds the platform in the current engine (which must exist and not be sealed).
Platform build_platform(const Scenario& scenario, const Topology& topology);

}  // namespace surge::sim
