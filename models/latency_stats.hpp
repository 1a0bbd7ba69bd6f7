// Latency statistics for calibration runs (HSM signatures, database commits): exact percentiles from
// the samples and a log-bucket histogram (10 buckets per decade, 1 us to 100 s) that merges across
// workers and processes. Plain C++, shared by every real-mode measurement.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace surge {

/// Latencies of one measurement (seconds). Keeps every sample; samples are floats (7 digits suffice).
class LatencyStats {
 public:
  /// Records one latency, in seconds.
  void record(double seconds) {
    samples_.push_back(static_cast<float>(seconds));
    sorted_ = false;
  }
  /// Adds another set's samples (another worker's, another process's).
  void merge(const LatencyStats& other);
  /// Reserves room for n samples (keeps allocation out of a timed loop).
  void reserve(std::size_t n) { samples_.reserve(n); }

  std::size_t count() const { return samples_.size(); }
  /// Mean, in seconds (0 without samples).
  double mean() const;
  /// Coefficient of variation (standard deviation / mean; 0 with fewer than two samples).
  double cv() const;
  /// The q-quantile (0 <= q <= 1), nearest rank, in seconds (0 without samples).
  double quantile(double q) const;
  double max() const { return quantile(1.0); }

  /// Lower edge of histogram bucket b, in seconds: 1 us x 10^(b/10).
  static double bucket_low_s(int b);
  /// Bucket counts (index b covers [bucket_low_s(b), bucket_low_s(b+1))); the first and last buckets
  /// also hold everything below 1 us and above 100 s.
  std::vector<std::uint64_t> histogram() const;
  /// {"count", "mean_s", "cv", "p50_s", "p90_s", "p99_s", "max_s"}.
  nlohmann::json summary_json() const;
  /// The non-empty buckets: [{"low_s", "high_s", "count"}].
  nlohmann::json histogram_json() const;

  const std::vector<float>& samples() const { return samples_; }
  std::vector<float>& samples() { return samples_; }

 private:
  void sort() const;
  mutable std::vector<float> samples_;
  mutable bool sorted_ = false;
};

}  // namespace surge
