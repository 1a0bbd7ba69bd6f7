// The latest decision time the analytic planner reports is a decision output planners act on: the
// simulator, deciding then, meets the deadline, and deciding 2% later misses it (issue 8's test).
#include <gtest/gtest.h>

#include "models/analytic.hpp"
#include "models/units.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kLater = 1.02;

// A decision delay as scenario text, to the millisecond (the parser takes "ms").
std::string delay_text(double seconds) {
  return std::to_string(static_cast<long long>(seconds * 1000)) + "ms";
}

TEST(LatestDecision, TheSimulatorMeetsTheDeadlineThenAndMissesItTwoPercentLater) {
  for (const std::string name : {"le-2021-hardware-one-dc", "le-2021-hardware"}) {
    const Report analytic = analyze(shipped(name));
    ASSERT_TRUE(analytic.latest_decision_s.has_value()) << name;
    const double latest = *analytic.latest_decision_s;
    // One data center: 4 h + 600M / 20,000/s = 12.33 h done with 4 h decided; the slack is 24 - 12.33 h,
    // so the latest decision is about 4 + 11.67 = 15.67 h (ARI arrivals spread over Retry-After shave a bit).
    if (name == "le-2021-hardware-one-dc") {
      EXPECT_NEAR(latest, 24 * kHour - 600e6 / 20000, 0.02 * latest);
    }
    const Report at = simulate(shipped(name, {{"incident.decision_delay", delay_text(latest)}}));
    EXPECT_TRUE(at.deadline_met) << name << ": decision at " << format_duration(latest) << ", last replacement at "
                                 << format_duration(at.completion_time_s.value_or(-1));
    const Report later = simulate(shipped(name, {{"incident.decision_delay", delay_text(latest * kLater)}}));
    EXPECT_FALSE(later.deadline_met) << name << ": decision at " << format_duration(latest * kLater);
  }
}

}  // namespace
}  // namespace surge::test
