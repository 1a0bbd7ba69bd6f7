// The resources as the report sees them (utilisation, busy servers, queueing statistics) and the
// helpers the report is built with.
#pragma once

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "models/fluid.hpp"
#include "models/resources.hpp"

namespace surge::sim::detail {

namespace sg4 = simgrid::s4u;

/// A resource as the report and the bottleneck arithmetic see it. Work is counted when an activity
/// completes (cheaper than SimGrid's load plugins, which update on every solver step); bulk transfers
/// are counted as they progress, at each sample.
struct Tracked {
  std::string name;
  ResourceKind kind = ResourceKind::HSM;
  std::string unit;
  double capacity = 0;
  double work_up = 0;        // signatures (reference-key ones), commits, or bytes crossing a link forward
  double signatures = 0;     // HSM groups: signatures actually made, whatever their key
  double work_down = 0;      // bytes crossing a link backward
  double steady_work = 0;    // ARI polls served (API requests, replica reads): not certificate work
  double transfer_up = 0;    // bulk transfer bytes forward (not certificate work)
  double transfer_down = 0;  // ... backward
  CapacityTimeline timeline{0.0};
  double last_work = 0;
  double peak = 0;
  bool alive = true;
  sg4::SplitDuplexLink* link = nullptr;
  std::vector<int> servers;  // HSM members or DB hosts whose busy sessions/connections count here
  double last_busy = 0;
  double busy_at_decision = 0;
  double servers_per_capacity = 0;  // sessions (connections) per signature/s (commit/s)
  double work_at_decision = 0;
  /// Everything served: certificate work and, on links, bulk transfers.
  double work() const {
    return link ? std::max(work_up + transfer_up, work_down + transfer_down) : work_up + steady_work;
  }
  /// Certificate work only (what the bottleneck arithmetic spreads over the certificates).
  double certificate_work() const { return link ? std::max(work_up, work_down) : work_up; }
};

/// A resource of `kind` at `place` (named by resource_name), in its unit for the scenario, with a constant
/// capacity.
Tracked tracked_resource(ResourceKind kind, const std::string& place, double capacity, const Scenario& s);

/// Weighted percentile of (value, weight) pairs (sorts them).
double percentile(std::vector<std::pair<double, double>>& v, double q);

}  // namespace surge::sim::detail
