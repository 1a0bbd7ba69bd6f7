// Fluid arithmetic shared by the simulator's bottleneck finding and the analytic planner: a
// resource with a piecewise-constant capacity serving work that arrives over time finishes at
// T = max_i S^-1(S(t_i) + work arriving at or after t_i), S the cumulative capacity.
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace surge {

/// Capacity as steps: from steps[i].first on, capacity is steps[i].second (per second).
class CapacityTimeline {
 public:
  /// Constant capacity from t = 0.
  explicit CapacityTimeline(double capacity) { steps_.push_back({0.0, capacity}); }
  /// Capacity becomes `capacity` at time t (steps must be added in time order).
  void set(double t, double capacity);
  /// Work the resource can do in [0, t].
  double cumulative(double t) const;
  /// Earliest time by which it can have done `work`; +inf if never.
  double time_for(double work) const;
  /// Every step.
  const std::vector<std::pair<double, double>>& steps() const { return steps_; }
  /// Capacity at time t.
  double at(double t) const;
  /// The same timeline with every capacity multiplied by f.
  CapacityTimeline scaled(double f) const;
  /// The capacity left once a steady load (work per second, e.g. ARI polling) is served; never below zero.
  CapacityTimeline left_after(double load) const;

 private:
  std::vector<std::pair<double, double>> steps_;
};

/// CapacityTimeline::cumulative for times that never decrease, without rescanning the steps each time:
/// the same sums added in the same order, so the same result to the bit.
class CumulativeWalk {
 public:
  explicit CumulativeWalk(const CapacityTimeline& capacity) : steps_(capacity.steps()) {}
  /// Work the resource can do in [0, t]; t at least the previous call's.
  double operator()(double t);

 private:
  const std::vector<std::pair<double, double>>& steps_;
  std::size_t i_ = 0;  // the step t was in at the previous call
  double before_ = 0;  // the work of the steps before i_
};

/// Work arriving at a time.
struct WorkArrival {
  double t = 0;
  double work = 0;
};

/// Fluid completion time of work `arrivals` (sorted by time) on a resource; 0 for no work.
double fluid_completion(const std::vector<WorkArrival>& arrivals, const CapacityTimeline& capacity);

/// Fixed work arrivals tried against many capacities (the planner's bisection on capacity): each arrival
/// time with the work arriving at or after it, summed once.
class FinishTest {
 public:
  explicit FinishTest(const std::vector<WorkArrival>& arrivals);
  /// Whether fluid_completion is at most `deadline`: the earliest arrivals first, which carry the most work
  /// after them, so that a capacity too small is found wanting at once.
  bool in_time(const CapacityTimeline& capacity, double deadline) const;

 private:
  std::vector<std::pair<double, double>> from_;  // (arrival time, work arriving then or later), earliest first
};

/// One resource as the bottleneck arithmetic sees it.
struct FluidResource {
  std::string name;
  CapacityTimeline capacity{0.0};
  double work_per_unit = 0;      ///< work per unit of the shared arrival curve (e.g. per certificate)
  std::vector<WorkArrival> own;  ///< if not empty: this resource's own work arrivals (work_per_unit unused)
};

/// Which resource limits completion, and how much +10% capacity on each would save.
struct BottleneckResult {
  std::vector<std::string> bottleneck;                       ///< ties within 2% listed together; empty if none binds
  std::vector<std::pair<std::string, double>> saved_s;       ///< per resource, seconds saved by +10% capacity
  std::vector<std::pair<std::string, double>> completion_s;  ///< per resource, its own fluid completion
  double fluid_completion_s = 0;                             ///< the slowest resource's, or the last arrival
  double last_arrival_s = 0;
};

/// Capacity increase used for sensitivity.
inline constexpr double kSensitivityStep = 0.10;
/// A resource binds when it finishes more than this share of the busy span after the last arrival;
/// binding resources whose completions are within this share of the slowest are tied.
inline constexpr double kBottleneckTie = 0.02;
/// ... and by at least this long: a resource that finishes within a minute of the last request is not
/// what sets the pace, whatever the share.
inline constexpr double kBindingLag_s = 60.0;

/// Ranks resources for units arriving as `arrivals` (t, units); the last arrival is the last unit's.
BottleneckResult find_bottleneck(const std::vector<WorkArrival>& arrivals, const std::vector<FluidResource>& resources,
                                 double binding_lag_s = kBindingLag_s);

}  // namespace surge
