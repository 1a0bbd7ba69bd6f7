#include "models/fluid.hpp"

#include <gtest/gtest.h>

namespace surge {
namespace {

TEST(FluidCompletion, ABacklogDrainsInWorkOverCapacity) {
  const CapacityTimeline c(2200);
  EXPECT_DOUBLE_EQ(fluid_completion({{4 * 3600.0, 600e6}}, c), 4 * 3600 + 600e6 / 2200);
}

TEST(FluidCompletion, FollowsCapacityChanges) {
  CapacityTimeline c(20000);
  c.set(3600, 10000);  // one member of the pair fails after an hour
  // 100M signatures from t = 0: 72M in the first hour, 28M more at 10k/s.
  EXPECT_DOUBLE_EQ(fluid_completion({{0, 100e6}}, c), 3600 + 28e6 / 10000);
  CapacityTimeline outage(100);
  outage.set(10, 0);
  outage.set(20, 100);
  EXPECT_DOUBLE_EQ(outage.time_for(1500), 25);  // 1000 by t = 10, nothing until 20, 500 more by 25
  EXPECT_EQ(CapacityTimeline(0).time_for(1), std::numeric_limits<double>::infinity());
}

TEST(FluidCompletion, UnderloadedResourceFinishesWithTheLastArrival) {
  std::vector<WorkArrival> arrivals;
  for (int i = 0; i < 1000; ++i) arrivals.push_back({static_cast<double>(i), 5.0});  // 5/s against 10/s
  EXPECT_DOUBLE_EQ(fluid_completion(arrivals, CapacityTimeline(10)), 999 + 0.5);
}

TEST(Bottleneck, IsTheResourceWhoseExtraCapacitySavesMost) {
  const std::vector<WorkArrival> units{{0, 1e6}};
  const BottleneckResult r =
      find_bottleneck(units, {{"hsm", CapacityTimeline(20000), 3, {}}, {"db", CapacityTimeline(100000), 9, {}}});
  ASSERT_EQ(r.bottleneck, std::vector<std::string>{"hsm"});
  // 150 s on the HSM; +10% gives 136.4 s, but the DB still needs 90 s: saves 150 - 150/1.1.
  EXPECT_NEAR(r.saved_s[0].second, 150 - 150 / 1.1, 1e-9);
  EXPECT_DOUBLE_EQ(r.fluid_completion_s, 150);
}

TEST(Bottleneck, ListsResourcesWithinTwoPercentTogether) {
  const std::vector<WorkArrival> units{{0, 1e6}};
  const BottleneckResult r = find_bottleneck(
      units, {{"hsm", CapacityTimeline(20000), 3, {}}, {"db", CapacityTimeline(99000), 15, {}}});  // 150 s, 151.5 s
  EXPECT_EQ(r.bottleneck, (std::vector<std::string>{"db", "hsm"}));
}

TEST(Bottleneck, IsNoneWhenArrivalsSetThePace) {
  std::vector<WorkArrival> units;
  for (int i = 0; i < 3600; ++i) units.push_back({static_cast<double>(i), 100});                 // 100/s for an hour
  const BottleneckResult r = find_bottleneck(units, {{"hsm", CapacityTimeline(20000), 3, {}}});  // 300 of 20,000/s
  EXPECT_TRUE(r.bottleneck.empty());
  EXPECT_DOUBLE_EQ(r.last_arrival_s, 3599);
}

}  // namespace
}  // namespace surge
