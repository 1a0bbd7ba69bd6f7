// Latency statistics: nearest-rank percentiles, mean and CV, histogram buckets, merging.
#include <gtest/gtest.h>

#include <cmath>

#include "models/latency_stats.hpp"

namespace surge {
namespace {

TEST(LatencyStats, PercentilesAreNearestRankOverTheSamples) {
  LatencyStats s;
  for (int i = 100; i >= 1; --i) s.record(i * 1e-3);  // 1 .. 100 ms, recorded out of order
  EXPECT_FLOAT_EQ(s.quantile(0.5), 50e-3f);
  EXPECT_FLOAT_EQ(s.quantile(0.9), 90e-3f);
  EXPECT_FLOAT_EQ(s.quantile(0.99), 99e-3f);
  EXPECT_FLOAT_EQ(s.max(), 100e-3f);
  EXPECT_FLOAT_EQ(s.quantile(0.0), 1e-3f);
  EXPECT_NEAR(s.mean(), 50.5e-3, 1e-9);
  // Sample standard deviation of 1..100 is sqrt(100 * 101 / 12) = 29.011...; in ms.
  EXPECT_NEAR(s.cv(), std::sqrt(100.0 * 101.0 / 12.0) / 50.5, 1e-6);
}

TEST(LatencyStats, HistogramHasTenBucketsPerDecadeAndCountsEverySample) {
  LatencyStats s;
  s.record(1.5e-6);  // bucket 1: [1.26 us, 1.58 us)
  s.record(1e-3);    // bucket 30 exactly at its lower edge
  s.record(0.5e-6);  // below 1 us: the first bucket
  s.record(1000.0);  // above 100 s: the last bucket
  const std::vector<std::uint64_t> h = s.histogram();
  ASSERT_EQ(h.size(), 80u);
  EXPECT_EQ(h[0], 1u);
  EXPECT_EQ(h[1], 1u);
  EXPECT_EQ(h[79], 1u);
  std::uint64_t total = 0;
  for (std::uint64_t c : h) total += c;
  EXPECT_EQ(total, 4u);
  EXPECT_NEAR(LatencyStats::bucket_low_s(30), 1e-3, 1e-15);
  EXPECT_NEAR(LatencyStats::bucket_low_s(10), 1e-5, 1e-18);
  EXPECT_EQ(s.histogram_json().size(), 4u);
}

TEST(LatencyStats, MergingKeepsEverySampleAndResorts) {
  LatencyStats a, b;
  for (int i = 1; i <= 3; ++i) a.record(i);
  EXPECT_EQ(a.quantile(1.0), 3.0);  // sorted now
  for (int i = 4; i <= 6; ++i) b.record(i * 10.0);
  a.merge(b);
  EXPECT_EQ(a.count(), 6u);
  EXPECT_EQ(a.max(), 60.0);
  EXPECT_EQ(a.quantile(0.5), 3.0);
  LatencyStats empty;
  EXPECT_EQ(empty.quantile(0.5), 0.0);
  EXPECT_EQ(empty.mean(), 0.0);
  EXPECT_EQ(empty.cv(), 0.0);
}

}  // namespace
}  // namespace surge
