#include "models/lattice_search.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace surge {
namespace {

// The plain bisection the planner's searches replace: `steps` halvings of [lo, hi], keeping lo where the
// test holds; returns lo, and the points it asked about in `asked`.
template <typename Test>
double plain_bisection(double lo, double hi, int steps, Test holds, std::vector<double>* asked = nullptr) {
  for (int it = 0; it < steps; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (asked) asked->push_back(mid);
    (holds(mid) ? lo : hi) = mid;
  }
  return lo;
}

TEST(BisectionPoint, IsTheValueThePlainBisectionComputesAtThatPoint) {
  // A deadline whose 1/64ths are not exact in binary: each point must still equal the bisection's value to
  // the bit, since the searches compare the two.
  const double lo = 0, hi = 86400.1234567, steps = 6;
  for (long threshold = 0; threshold < 64; ++threshold) {
    const double cut = (static_cast<double>(threshold) + 0.5) / 64 * hi;
    std::vector<double> asked;
    const double found = plain_bisection(
        lo, hi, steps, [&](double x) { return x <= cut; }, &asked);
    EXPECT_EQ(bisection_point(lo, hi, steps, threshold), found) << threshold;
    for (const double x : asked) {
      const long j = std::lround(x / hi * 64);
      EXPECT_EQ(bisection_point(lo, hi, steps, j), x) << "point " << j;
    }
  }
  EXPECT_EQ(bisection_point(lo, hi, steps, 64), hi);
}

TEST(LatticeSearch, FindsThePlainBisectionsPointFromAnyGuessWithFewCallsFromAGoodOne) {
  std::mt19937_64 rng(5);
  const int steps = 12;
  const long points = 1L << steps;
  const double hi = 86400;
  for (int draw = 0; draw < 300; ++draw) {
    const double cut = std::uniform_real_distribution<double>(0, hi)(rng);
    auto holds = [&](double x) { return x <= cut; };
    const double expected = plain_bisection(0, hi, steps, holds);
    const long boundary = std::lround(expected / hi * static_cast<double>(points));
    for (const long off : {0L, 1L, -1L, 3L, -4L, 200L, -900L, 5000L}) {
      int calls = 0;
      auto holds_at = [&](long j) { return ++calls, holds(bisection_point(0, hi, steps, j)); };
      LatticeSearch search(0, points);
      const long j = search.inside(static_cast<double>(boundary + off) + 0.5);
      if (j >= 0) search.record(j, holds_at(j));
      const long found = search.finish(holds_at);
      ASSERT_EQ(bisection_point(0, hi, steps, found), expected) << "cut " << cut << ", guess off by " << off;
      if (off == 0 || off == 1) {
        EXPECT_LE(calls, 2) << "cut " << cut << ", guess off by " << off;
      }
      EXPECT_LE(calls, 2 * steps + 1) << "cut " << cut << ", guess off by " << off;
    }
  }
}

TEST(LatticeSearch, WithoutAGuessItHalvesAsTheBisectionDoes) {
  int calls = 0;
  LatticeSearch search(0, 1L << 10);
  const long found = search.finish([&](long j) { return ++calls, j <= 700; });
  EXPECT_EQ(found, 700);
  EXPECT_EQ(calls, 10);
  LatticeSearch none(0, 1);  // nothing between the bounds: nothing to ask
  EXPECT_EQ(none.inside(0.5), -1);
  EXPECT_EQ(none.finish([&](long) { return ADD_FAILURE(), true; }), 0);
}

}  // namespace
}  // namespace surge
