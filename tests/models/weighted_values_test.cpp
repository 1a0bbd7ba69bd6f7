// The weighted percentiles (planner and simulator) sort (value, weight) pairs with a radix sort of their own;
// the order must be std::sort's to the bit, since the quantile sums the weights in that order.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "models/statistics.hpp"

namespace surge {
namespace {

TEST(WeightedValues, SortsAsStdSortDoesWithTiesNegativesAndZeros) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> pick(0, 40);
  std::uniform_real_distribution<double> any(-1e6, 1e6);
  for (int round = 0; round < 50; ++round) {
    WeightedValues w;
    // Few distinct values (as delays on a grid), some negative, zeros of both signs, tiny and huge weights.
    for (int i = 0; i < 3000; ++i) {
      const int k = pick(rng);
      const double value = k == 0 ? 0.0 : k == 1 ? -1e-300 : k < 20 ? (k - 10) * 57.6 : any(rng);
      const double weight = k % 3 == 0 ? 1e-12 * k : k % 3 == 1 ? 1e9 + k : static_cast<double>(k % 5);
      w.v.push_back({value, weight});
    }
    auto expected = w.v;
    std::sort(expected.begin(), expected.end());
    w.sort();
    ASSERT_EQ(w.v, expected) << "round " << round;
  }
}

TEST(WeightedValues, TheQuantileIsTheFirstValueWhoseRunningWeightReachesIt) {
  WeightedValues w;
  w.v = {{30.0, 1.0}, {10.0, 2.0}, {20.0, 1.0}, {40.0, 6.0}};
  w.total = 10;
  w.sort();
  // In value order the weights run 2, 3, 4, 10.
  EXPECT_EQ(w.quantile(0.2), 10.0);   // 2 of 10 by 10
  EXPECT_EQ(w.quantile(0.3), 20.0);   // 3 by 20
  EXPECT_EQ(w.quantile(0.35), 30.0);  // 3.5 needs 30's (4)
  EXPECT_EQ(w.quantile(0.99), 40.0);
}

}  // namespace
}  // namespace surge
