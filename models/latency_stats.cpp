#include "models/latency_stats.hpp"

#include <algorithm>
#include <cmath>

namespace surge {
namespace {

constexpr double kFirstBucket_s = 1e-6;
constexpr int kBucketsPerDecade = 10;
constexpr int kBuckets = 8 * kBucketsPerDecade;  // 1 us .. 100 s

int bucket_of(double s) {
  if (!(s > kFirstBucket_s)) return 0;
  const int b = static_cast<int>(std::floor(std::log10(s / kFirstBucket_s) * kBucketsPerDecade));
  return std::clamp(b, 0, kBuckets - 1);
}

}  // namespace

void LatencyStats::merge(const LatencyStats& other) {
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  sorted_ = false;
}

void LatencyStats::sort() const {
  if (sorted_) return;
  std::sort(samples_.begin(), samples_.end());
  sorted_ = true;
}

double LatencyStats::mean() const {
  if (samples_.empty()) return 0;
  double sum = 0;
  for (float x : samples_) sum += x;
  return sum / static_cast<double>(samples_.size());
}

double LatencyStats::cv() const {
  if (samples_.size() < 2) return 0;
  const double m = mean();
  double ss = 0;
  for (float x : samples_) ss += (x - m) * (x - m);
  const double sd = std::sqrt(ss / static_cast<double>(samples_.size() - 1));
  return m > 0 ? sd / m : 0;
}

double LatencyStats::quantile(double q) const {
  if (samples_.empty()) return 0;
  sort();
  // Nearest rank: the smallest sample with at least q of the samples at or below it.
  const auto n = static_cast<double>(samples_.size());
  const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(q * n)));
  return samples_[std::min(rank, samples_.size()) - 1];
}

double LatencyStats::bucket_low_s(int b) {
  return kFirstBucket_s * std::pow(10.0, static_cast<double>(b) / kBucketsPerDecade);
}

std::vector<std::uint64_t> LatencyStats::histogram() const {
  std::vector<std::uint64_t> h(kBuckets, 0);
  for (float x : samples_) ++h[static_cast<std::size_t>(bucket_of(x))];
  return h;
}

nlohmann::json LatencyStats::summary_json() const {
  return {{"count", count()},       {"mean_s", mean()},        {"cv", cv()},    {"p50_s", quantile(0.5)},
          {"p90_s", quantile(0.9)}, {"p99_s", quantile(0.99)}, {"max_s", max()}};
}

nlohmann::json LatencyStats::histogram_json() const {
  nlohmann::json out = nlohmann::json::array();
  const std::vector<std::uint64_t> h = histogram();
  for (int b = 0; b < kBuckets; ++b)
    if (h[static_cast<std::size_t>(b)] > 0)
      out.push_back(
          {{"low_s", bucket_low_s(b)}, {"high_s", bucket_low_s(b + 1)}, {"count", h[static_cast<std::size_t>(b)]}});
  return out;
}

}  // namespace surge
