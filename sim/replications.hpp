// Independent replications of a simulation: each its own child process (one SimGrid engine per
// process) seeded from (seed, replication), a few at a time; every summary figure as a mean with a 95%
// confidence interval.
#pragma once

#include <vector>

#include "models/report.hpp"
#include "models/scenario.hpp"
#include "sim/simulation.hpp"

namespace surge::sim {

/// The replications' reports (without time series) and their summary.
struct Replicated {
  std::vector<Report> runs;
  nlohmann::json summary;  ///< {figure path: {mean, ci95, n}} (statistics.hpp)
};

/// Runs `count` replications, `parallel` at a time. Throws RunError if one fails.
Replicated run_replications(const Scenario& scenario, int count, int parallel, const RunOptions& options = {});

/// The replicated answer as text: the key figures with their 95% confidence intervals.
std::string render_replicated(const Replicated& r);

}  // namespace surge::sim
