#include "models/usl_fit.hpp"

#include <gtest/gtest.h>

#include <map>

#include <cmath>

#include "models/distributions.hpp"
#include "models/random.hpp"

namespace surge {
namespace {

constexpr double kLambda = 1000, kSigma = 0.05, kKappa = 0.002;

double truth(double n) {
  return kLambda * n / (1 + kSigma * (n - 1) + kKappa * n * (n - 1));
}

std::vector<UslSample> sweep(const std::vector<double>& levels, double noise, std::uint64_t seed) {
  Rng rng(seed, 0);
  std::vector<UslSample> s;
  for (double n : levels) s.push_back({n, truth(n) * (1 + noise * standard_normal(rng))});
  return s;
}

const std::vector<double> kDoubling = {1, 2, 4, 8, 16, 32, 64, 128};  // peak near N = 21.8

TEST(UslFit, RecoversKnownParametersFromNoiseFreeData) {
  const UslFit f = fit_usl(sweep(kDoubling, 0, 1), 0);
  ASSERT_TRUE(f.identified) << f.reason;
  EXPECT_NEAR(f.lambda.value, kLambda, 1e-6 * kLambda);
  EXPECT_NEAR(f.sigma.value, kSigma, 1e-6 * kSigma);
  EXPECT_NEAR(f.kappa.value, kKappa, 1e-6 * kKappa);
  EXPECT_NEAR(f.n_peak, std::sqrt((1 - kSigma) / kKappa), 1e-4);
}

TEST(UslFit, PredictsThroughputWithinFivePercentFromTwoPercentNoise) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const UslFit f = fit_usl(sweep({1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128}, 0.02, seed), 100, seed);
    ASSERT_TRUE(f.identified) << f.reason;
    for (double n : kDoubling) EXPECT_NEAR(f.throughput(n), truth(n), 0.05 * truth(n)) << "seed " << seed;
    EXPECT_LE(f.kappa.low, f.kappa.value);
    EXPECT_GE(f.kappa.high, f.kappa.value);
    EXPECT_GE(f.sigma.low, 0);  // kept non-negative
  }
}

TEST(UslFit, IsUnidentifiedWithTooFewLevelsOrNoneBeyondThePeak) {
  const UslFit few = fit_usl(sweep({1, 2, 4, 8}, 0.02, 1));
  EXPECT_FALSE(few.identified);
  EXPECT_EQ(few.reason, "unidentified: 4 levels, at least 6 needed");
  const UslFit rising = fit_usl(sweep({1, 2, 4, 6, 8, 12, 16}, 0, 1));
  EXPECT_FALSE(rising.identified);
  EXPECT_EQ(rising.reason, "unidentified: 0 levels past the peak, at least 2 needed (sweep further)");
}

TEST(UslPeak, ClosedFormsForEachShapeOfCurve) {
  const UslPeak p = usl_peak(1000, 0.05, 0.002);  // N* = sqrt(0.95 / 0.002) = 21.794...
  EXPECT_FALSE(p.retrograde);
  EXPECT_NEAR(p.n, std::sqrt(0.95 / 0.002), 1e-12);
  EXPECT_NEAR(p.x, 1000 * p.n / (1 + 0.05 * (p.n - 1) + 0.002 * p.n * (p.n - 1)), 1e-9);
  const UslPeak r = usl_peak(1000, 0.5, 1.0);  // N* = sqrt(0.5) < 1: falls from the first level
  EXPECT_TRUE(r.retrograde);
  EXPECT_EQ(r.n, 1);
  EXPECT_EQ(r.x, 1000);
  const UslPeak rising = usl_peak(1000, 0.25, 0);  // X(N) = 1000 N / (0.75 + 0.25 N) -> 4000
  EXPECT_FALSE(rising.retrograde);
  EXPECT_TRUE(std::isinf(rising.n) && std::isinf(rising.x));
  EXPECT_EQ(rising.limit, 4000);
  EXPECT_TRUE(std::isinf(usl_peak(1000, 0, 0).limit.value()));  // linear
  EXPECT_FALSE(p.limit.has_value());                            // a finite peak has no limit to rise toward
}

TEST(UslFit, ARetrogradeTokenKeepsSigmaBelowOneAndSaysSoWithoutNaN) {
  // Throughput that falls from one caller on, as a token that serialises and thrashes: X(N) = 1000 / N^0.5
  // at N = 1..32 (what a sigma above 1 would be fitted to).
  std::vector<UslSample> s;
  for (double n : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0}) s.push_back({n, 1000 / std::sqrt(n)});
  const UslFit f = fit_usl(s, 50, 3);
  ASSERT_TRUE(f.identified) << f.reason;  // 5 levels past the observed peak at N = 1
  EXPECT_GE(f.sigma.value, 0);
  EXPECT_LT(f.sigma.value, 1);
  EXPECT_LT(f.sigma.high, 1);
  EXPECT_GE(f.kappa.low, 0);
  EXPECT_TRUE(f.retrograde);
  EXPECT_EQ(f.n_peak, 1);
  EXPECT_EQ(f.x_peak, f.lambda.value);
  const std::string text = usl_peak_text(f);
  EXPECT_EQ(text.rfind("retrograde from the first level: ", 0), 0u) << text;
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
  const nlohmann::json j = usl_fit_json(f);
  EXPECT_EQ(j.at("retrograde"), true);
  EXPECT_EQ(j.at("n_peak"), 1);
  EXPECT_TRUE(j.at("x_limit").is_null());
  EXPECT_EQ(j.dump().find("nan"), std::string::npos) << j.dump();  // nlohmann writes NaN as null; none here
}

TEST(UslFit, PeakTextNamesEachShape) {
  UslFit f;
  f.n_peak = 21.79, f.x_peak = 12345.4;
  EXPECT_EQ(usl_peak_text(f, "commits"), "peak 12,345 commits/s at N = 21.8");
  f.n_peak = f.x_peak = INFINITY, f.x_limit = 4000;
  EXPECT_EQ(usl_peak_text(f), "no peak: rises toward 4,000/s");
  f.x_limit = INFINITY;  // sigma = 0
  EXPECT_EQ(usl_peak_text(f), "no peak: scales linearly");
  f.retrograde = true, f.n_peak = 1, f.x_peak = 1000;
  EXPECT_EQ(usl_peak_text(f), "retrograde from the first level: 1,000/s at N = 1, less at every level above");
}

// Runs a schedule against throughputs given per level; returns the levels it asked for.
std::vector<int> levels_asked(LevelSchedule schedule, const std::map<int, double>& throughput) {
  std::vector<int> asked;
  do asked.push_back(schedule.level());
  while (schedule.next(throughput.at(asked.back())));
  return asked;
}

TEST(LevelSchedule, DoublesUntilThroughputFallsTwiceInARow) {
  const std::map<int, double> x = {{1, 10}, {2, 20}, {4, 15}, {8, 18}, {16, 17}, {32, 16}, {64, 30}};
  // 4 falls (once), 8 rises, 16 and 32 fall: two in a row, stop.
  EXPECT_EQ(levels_asked(LevelSchedule({}, 256), x), (std::vector<int>{1, 2, 4, 8, 16, 32}));
}

TEST(LevelSchedule, StopsAtTheCapOrRunsTheListedLevels) {
  const std::map<int, double> rising = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {8, 8}, {16, 16}};
  EXPECT_EQ(levels_asked(LevelSchedule({}, 16), rising), (std::vector<int>{1, 2, 4, 8, 16}));
  const std::map<int, double> falling = {{3, 9}, {2, 5}, {1, 1}};
  // Listed levels are all run, falls or not.
  EXPECT_EQ(levels_asked(LevelSchedule({3, 2, 1}, 16), falling), (std::vector<int>{3, 2, 1}));
}

}  // namespace
}  // namespace surge
