#include "models/grid.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace surge {
namespace {

TEST(GridIndex, MapsEveryGridPointOfTheDefaultHorizonToItsOwnIndex) {
  // The planner's step for a 96 h horizon: 345,600 s / 6,000 points = 57.6 s, which binary floating point
  // cannot hold; k x 57.6 / 57.6 lands above k for about one grid point in ten, and ceil took those a step late.
  const double dt = 96 * 3600.0 / 6000;
  for (size_t k = 0; k <= 6000; ++k) {
    const double t = static_cast<double>(k) * dt;
    ASSERT_EQ(grid_index(t, dt), k) << "t = " << t;
    ASSERT_EQ(grid_index_at_or_before(t, dt), k) << "t = " << t;
  }
}

TEST(GridIndex, TimesBetweenGridPointsGoToTheNextOrThePreviousOne) {
  const double dt = 57.6;
  EXPECT_EQ(grid_index(3 * 57.6 + 1, dt), 4u);  // 173.8 s: after the 3rd point, so the 4th
  EXPECT_EQ(grid_index_at_or_before(3 * 57.6 + 1, dt), 3u);
  EXPECT_EQ(grid_index(3 * 57.6 - 1, dt), 3u);
  EXPECT_EQ(grid_index_at_or_before(3 * 57.6 - 1, dt), 2u);
  // A millionth of a step off a grid point is not round-off: it is a time between two points.
  EXPECT_EQ(grid_index(10 * 57.6 + 57.6e-6, dt), 11u);
}

TEST(GridIndex, ATimeOfAGridPointComputedAnotherWayMapsToIt) {
  // 4 h is grid point 250 of the 57.6 s grid (14,400 / 57.6), and one hour is 62.5 steps (no grid point).
  const double dt = 96 * 3600.0 / 6000;
  EXPECT_EQ(grid_index(4 * 3600.0, dt), 250u);
  EXPECT_EQ(grid_index(3600.0, dt), 63u);
  EXPECT_EQ(grid_index_at_or_before(3600.0, dt), 62u);
  EXPECT_EQ(grid_index(-5.0, dt), 0u);  // before the grid: its first point
}

}  // namespace
}  // namespace surge
