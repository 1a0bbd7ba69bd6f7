#include "models/grid.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

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

// The definition, written plainly: the nearest point when within kGridSnap steps of it, else ceil / floor.
size_t reference_index(double time_s, double dt_s, bool up) {
  const double steps = time_s / dt_s;
  if (!(steps > 0)) return 0;
  const double nearest = std::round(steps);
  if (std::abs(steps - nearest) < kGridSnap) return static_cast<size_t>(nearest);
  return static_cast<size_t>(up ? std::ceil(steps) : std::floor(steps));
}

TEST(GridIndex, AgreesWithTheDefinitionNearAndBetweenGridPoints) {
  // Times at, a little off (inside and outside the snap) and between grid points, on several steps and
  // far out on the grid, and the edges: zero, negative, just under one step.
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double offsets[] = {0.0, 1e-12, -1e-12, 0.9e-9, -0.9e-9, 1.1e-9, -1.1e-9, 1e-6, 0.5, -0.5, 0.25};
  for (const double dt : {30.0, 57.6, 1.0 / 3.0, 86400.0 / 6000, 3600.0}) {
    for (int draw = 0; draw < 2000; ++draw) {
      const double k = std::floor(unit(rng) * (draw % 2 ? 1e7 : 7000));
      for (const double off : offsets) {
        const double t = (k + off) * dt;
        ASSERT_EQ(grid_index(t, dt), reference_index(t, dt, true)) << "t = " << t << ", dt = " << dt;
        ASSERT_EQ(grid_index_at_or_before(t, dt), reference_index(t, dt, false)) << "t = " << t << ", dt = " << dt;
      }
    }
  }
  for (const double t : {0.0, -0.0, -1e-300, 1e-300, 29.999999, 1e18}) {
    EXPECT_EQ(grid_index(t, 30.0), reference_index(t, 30.0, true)) << t;
    EXPECT_EQ(grid_index_at_or_before(t, 30.0), reference_index(t, 30.0, false)) << t;
  }
}

}  // namespace
}  // namespace surge
