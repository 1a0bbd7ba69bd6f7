// The twin's error arithmetic on synthetic curves whose answers are known in closed form.
#include "models/twin_compare.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace surge {
namespace {

// n certificates replaced at a constant rate from `start` to start + span, sampled every `step`.
CumulativeCurve ramp(double n, double start, double span, double step, double until) {
  CumulativeCurve c;
  for (double t = step; t <= until + 1e-9; t += step) {
    c.t_s.push_back(t);
    c.count.push_back(n * std::clamp((t - start) / span, 0.0, 1.0));
  }
  return c;
}

TEST(TwinCompare, AMeasuredRampLateByDHasTheLargestGapNTimesDOverItsSpan) {
  const double n = 30000, span = 60, d = 3;
  const CumulativeCurve predicted = ramp(n, 0, span, 1, 90), measured = ramp(n, d, span, 1, 90);
  EXPECT_NEAR(largest_gap_share(predicted, measured, n), d / span, 1e-12);
  EXPECT_NEAR(largest_gap_share(measured, predicted, n), d / span, 1e-12);
  EXPECT_EQ(largest_gap_share(predicted, predicted, n), 0);
  // Sampled at other times (every 0.7 s): the curves are linear between samples, the answer the same.
  EXPECT_NEAR(largest_gap_share(predicted, ramp(n, d, span, 0.7, 90), n), d / span, 1e-12);
}

TEST(TwinCompare, TheGapBeforeACurvesFirstSampleCounts) {
  // Predicted: nothing until 10 s, then 100 at once; measured: 0 at 5 s, 150 at 15 s.
  const CumulativeCurve predicted{{10, 20}, {100, 100}}, measured{{5, 15}, {0, 150}};
  // Just before 10 s: 0 against 75 (halfway from 0 at 5 s to 150 at 15 s); at 15 s only 100 against 150.
  EXPECT_NEAR(largest_gap_share(predicted, measured, 100), 0.75, 1e-12);
  const CumulativeCurve late{{10}, {100}}, early{{5, 9.99}, {0, 99.9}};
  EXPECT_NEAR(largest_gap_share(late, early, 100), 0.999, 1e-9);  // just before 10 s: 0 against 99.9
}

TEST(TwinCompare, TimeToReachInterpolatesBetweenSamples) {
  const CumulativeCurve c = ramp(1000, 0, 50, 10, 80);  // 200 per 10 s, 1000 at 50 s
  EXPECT_NEAR(*time_to_reach(c, 1000, 0), 50, 1e-12);
  EXPECT_NEAR(*time_to_reach(c, 1000, 100), 45, 1e-12);  // 900 halfway between 40 s (800) and 50 s (1000)
  EXPECT_FALSE(time_to_reach(c, 1001, 0).has_value());
  EXPECT_EQ(curve_at(c, 15), 300);  // halfway between 10 s (200) and 20 s (400)
  EXPECT_EQ(curve_at(c, 5), 0);     // before the first sample
  EXPECT_EQ(curve_at(c, 1e9), 1000);
}

TEST(TwinCompare, RelativeErrorIsMeasuredOverPredicted) {
  EXPECT_NEAR(*relative_error(90.0, 94.5), 0.05, 1e-12);
  EXPECT_NEAR(*relative_error(200.0, 180.0), -0.1, 1e-12);
  EXPECT_FALSE(relative_error(0.0, 1.0).has_value());
  EXPECT_FALSE(relative_error(std::nullopt, 1.0).has_value());
  EXPECT_FALSE(relative_error(1.0, std::nullopt).has_value());
}

TEST(TwinCompare, AReportsSeriesColumnIsACurve) {
  Report r;  // as the simulator writes its series: t_s first
  r.series_columns = {"t_s", "arrived", "replaced"};
  r.series = {{60, 10, 0}, {120, 25, 12}, {180, 30, 30}};
  const CumulativeCurve replaced = series_curve(r, "replaced");
  EXPECT_EQ(replaced.t_s, (std::vector<double>{60, 120, 180}));
  EXPECT_EQ(replaced.count, (std::vector<double>{0, 12, 30}));
  EXPECT_NEAR(*time_to_reach(replaced, 30, 0), 180, 1e-12);
  try {
    series_curve(r, "revoked");
    FAIL() << "a missing column was read";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'revoked'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace surge
