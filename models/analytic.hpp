// The analytic planner: the answer to a scenario without simulating, in milliseconds. Arrivals are the
// clients' closed-form CDFs on a time grid; visit ratios through the stations come from the traffic
// equations (Eigen); each resource is a fluid queue against its capacity timeline (failures, promotion);
// bulk revocation follows the simulator's rule; stations below saturation get Erlang C waits.
#pragma once

#include "models/report.hpp"
#include "models/scenario.hpp"

namespace surge {

/// How to analyse.
struct AnalyticOptions {
  double headroom = 0.2;            ///< the capacity each resource needs is reported with this margin
  bool search_decision = true;      ///< also find the latest decision time that still meets the deadline
  bool recommend_window = true;     ///< also find the narrowest window keeping peaks under target_utilisation
  double target_utilisation = 0.8;  ///< the recommended window's target peak utilisation (0 < U <= 1)
};

/// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a (erlangs).
double erlang_c(int servers, double offered_load);
/// Mean wait in queue of an M/M/c queue (seconds); +inf at or above saturation.
double mmc_mean_wait_s(double arrival_rate, double service_time_s, int servers);

/// The analytic answer, in the shape of a simulated Report (mode "analytic").
Report analyze(const Scenario& scenario, const AnalyticOptions& options = {});

}  // namespace surge
