// The run API: simulate a scenario on SimGrid and return the Report. One SimGrid engine per process:
// run_simulation may be called once per process; run_in_child forks a process per run.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/report.hpp"
#include "models/scenario.hpp"

namespace surge::sim {

/// Progress of a running simulation.
struct Progress {
  double sim_time_s = 0;    ///< simulated time reached
  double horizon_s = 0;     ///< where it stops at the latest
  double replaced = 0;      ///< affected certificates replaced so far
  double revoked = 0;       ///< affected certificates revoked so far
  double certificates = 0;  ///< affected certificates in all
  double wall_s = 0;        ///< wall time since the start
};

/// How to run.
struct RunOptions {
  std::optional<std::uint64_t> seed;                 ///< overrides the scenario's seed
  double sample_interval_s = 60;                     ///< time series resolution (simulated)
  std::function<void(const Progress&)> on_progress;  ///< called at each sample, from the simulation
  std::vector<std::string> log;                      ///< SimGrid log settings, e.g. "surge_sim.thres:info"
};

/// Thrown when a run cannot proceed (e.g. a second engine in one process, a child that crashed).
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Simulates in this process. At most once per process (SimGrid's engine is one per process).
Report run_simulation(const Scenario& scenario, const RunOptions& options = {});

/// Simulates in a forked child process and returns its report (series included); progress is not
/// forwarded. Safe to call many times from one process.
Report run_in_child(const Scenario& scenario, const RunOptions& options = {});

}  // namespace surge::sim
