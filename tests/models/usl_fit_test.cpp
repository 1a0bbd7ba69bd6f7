#include "usl_fit.hpp"

#include <gtest/gtest.h>

#include <map>

#include <cmath>

#include "distributions.hpp"
#include "random.hpp"

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
