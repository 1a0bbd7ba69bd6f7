// The revocation controller's rule the planner and the simulator share (models/controller.hpp).
#include "models/controller.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace surge {
namespace {

Incident day_deadline() {
  Incident inc;
  inc.deadline_s = 24 * 3600.0;
  inc.revocation_slack_s = 3600.0;
  inc.revocation_margin = 0.1;
  return inc;
}

TEST(Controller, TheNeedIsTheSlowerOfSigningAndCommittingWithTheMargin) {
  const Incident inc = day_deadline();
  // 1M revocations: signing 1 each at 1,000/s takes 1,000 s; committing 2 each at 500/s, 4,000 s.
  EXPECT_DOUBLE_EQ(revocation_need_s(inc, {1e6, 1, 1000, 2, 500}), 4000 * 1.1);
  // Signing slower: 3 each at 600/s, 5,000 s.
  EXPECT_DOUBLE_EQ(revocation_need_s(inc, {1e6, 3, 600, 2, 500}), 5000 * 1.1);
  // The CRL era signs nothing per revocation, whatever the signing capacity left.
  EXPECT_DOUBLE_EQ(revocation_need_s(inc, {1e6, 0, 0, 2, 500}), 4000 * 1.1);
  // No writer: the need is infinite.
  EXPECT_FALSE(std::isfinite(revocation_need_s(inc, {1e6, 1, 1000, 2, 0})));
}

TEST(Controller, BulkRevocationStartsWhenTheNeedReachesTheDeadlineLessSlackAndOneInterval) {
  const Incident inc = day_deadline();
  const double latest = 24 * 3600.0 - 3600.0 - kControllerInterval_s;
  EXPECT_DOUBLE_EQ(latest_bulk_start_s(inc), latest);
  const double need = 4400;
  EXPECT_TRUE(bulk_revocation_due(inc, latest - need, need));
  EXPECT_FALSE(bulk_revocation_due(inc, latest - need - 1, need));
  EXPECT_TRUE(bulk_revocation_due(inc, latest, 0));
  // Nothing can sign or commit: starting would not help.
  EXPECT_FALSE(bulk_revocation_due(inc, latest, std::numeric_limits<double>::infinity()));
}

}  // namespace
}  // namespace surge
