// The simulator against the analytic planner, where the fluid model is exact: arrivals at their means
// (randomness: off), every shipped scenario.
#include <gtest/gtest.h>

#include <filesystem>

#include "models/analytic.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

class CrossCheck : public testing::TestWithParam<std::string> {};

void expect_close(const std::optional<double>& sim, const std::optional<double>& fluid, const char* what) {
  ASSERT_EQ(sim.has_value(), fluid.has_value()) << what;
  if (sim) {
    EXPECT_NEAR(*sim, *fluid, 0.02 * *fluid) << what;
  }
}

TEST_P(CrossCheck, SimulatedAndAnalyticAgreeWithRandomnessOff) {
  const Scenario s = shipped(GetParam(), {{"randomness", "off"}});
  const Report simulated = simulate(s);
  const Report analytic = analyze(s);
  EXPECT_EQ(simulated.deadline_met, analytic.deadline_met);
  expect_close(simulated.completion_time_s, analytic.completion_time_s, "last replacement");
  expect_close(simulated.revocation_complete_s, analytic.revocation_complete_s, "last revocation");
  EXPECT_EQ(simulated.bottleneck, analytic.bottleneck);
}

std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::string(SURGE_SOURCE_DIR) + "/scenarios")) {
    // Sweep files (*.sweep.yaml) live beside the scenarios but are no scenarios.
    if (e.path().extension() == ".yaml" && !e.path().string().ends_with(".sweep.yaml"))
      names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Shipped, CrossCheck, testing::ValuesIn(shipped_scenarios()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace surge::test
