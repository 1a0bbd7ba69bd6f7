// Statistics over replications: every summary figure as a mean with a 95% confidence interval
// (Student t), computed over the reports' JSON so that every numeric figure is covered.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace surge {

/// A mean with the half-width of its 95% confidence interval.
struct Estimate {
  double mean = 0;
  double half_width = 0;  ///< 0 with fewer than two values
  int n = 0;              ///< values that were present (a null, e.g. no completion, is absent)
};

/// The 97.5% quantile of Student's t with df degrees of freedom.
double student_t_975(int df);

/// Mean and 95% CI half-width of values.
Estimate estimate(const std::vector<double>& values);

/// The seed of replication r of a run seeded `seed` (independent streams; r = 0 is not `seed` itself).
std::uint64_t replication_seed(std::uint64_t seed, int replication);

/// Weighted values (value, weight), for weighted percentiles (of delays, in both the planner and the
/// simulator).
struct WeightedValues {
  std::vector<std::pair<double, double>> v;
  double total = 0;  ///< the weights' sum, as the caller adds them up

  /// Sorts the pairs by value, then weight: std::sort's order to the bit, by a radix sort.
  void sort();
  /// After sort(): the smallest value whose cumulative weight (in sorted order) reaches q of the total;
  /// the largest when none does, 0 when there are none.
  double quantile(double q) const;
};

/// Every numeric figure of the reports (JSON from to_json, without series), flattened to a path
/// ("completion_time_s", "resources.hsm:dc1.mean_wait_s"; booleans as 0/1) and estimated across them.
/// Returns {path: {"mean", "ci95", "n"}}.
nlohmann::json summarize(const std::vector<nlohmann::json>& reports);

}  // namespace surge
