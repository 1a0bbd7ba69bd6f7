// Four 1 TB transfers around a cut of the dc1-dc2 WAN link at cut_s (10 Gbps: 800 s each when alone), for
// the simulator's and the analytic planner's link-failure tests: one done before the cut, one in flight
// across it, one starting after it across the link, and one from dc2 to the cloud that the cut leaves alone.
#pragma once

#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace surge::testing {

inline std::vector<Transfer> transfers_around_a_cut(double cut_s) {
  constexpr double kBytes = 1e12;
  constexpr double kInFlight_s = 400;  // started this long before the cut: half way through
  auto transfer = [&](const std::string& name, const std::string& from, const std::string& to, double start_s) {
    Transfer t;
    t.name = name, t.from = from, t.to = to, t.bytes = kBytes, t.start_s = start_s;
    return t;
  };
  return {transfer("before", "dc1/db-writer", "dc2/db-replica-1", 0),
          transfer("across", "dc1/db-writer", "dc2/db-replica-1", cut_s - kInFlight_s),
          transfer("after", "dc1/frontend", "dc2/frontend", cut_s + 3600),
          transfer("elsewhere", "dc2/frontend", "cloud", cut_s - kInFlight_s)};
}

}  // namespace surge::testing
