// Cohorts of k certificates must converge to per-certificate fidelity (k = 1).
#include <gtest/gtest.h>

#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

TEST(Cohorts, DefaultCohortSizeAgreesWithPerCertificateOnAnHsmBoundBacklog) {
  // 1M certificates whose clients all ask within a minute of the decision, on the 2020 pair: the HSMs
  // take 1M x 3 / 2,200 s = 23 min, far longer than the arrivals.
  const std::vector<Override> backlog{{"workload.certificates", "1M"},
                                      {"clients.retry_after", "1min"},
                                      {"clients.retry_after_jitter", "0"},
                                      {"incident.horizon", "24h"}};
  Scenario coarse = shipped("le-2020-hardware-one-dc", backlog);
  Scenario fine = coarse;
  fine.workload.cohort_size = 1;
  ASSERT_EQ(coarse.effective_cohort_size(), 5);  // ceil(1M / 200,000)
  const Report a = simulate(coarse);
  const Report b = simulate(fine);
  ASSERT_TRUE(a.completion_time_s && b.completion_time_s);
  EXPECT_EQ(a.bottleneck, std::vector<std::string>{"hsm:dc1"});
  EXPECT_EQ(b.bottleneck, std::vector<std::string>{"hsm:dc1"});
  const double busy_a = *a.completion_time_s - a.decision_s, busy_b = *b.completion_time_s - b.decision_s;
  EXPECT_NEAR(busy_a, busy_b, 0.01 * busy_b);
  EXPECT_NEAR(a.time_to_replace_s.p99, b.time_to_replace_s.p99, 0.01 * b.time_to_replace_s.p99);
  EXPECT_NEAR(busy_b, 3e6 / 2200, 0.02 * 3e6 / 2200);
}

}  // namespace
}  // namespace surge::test
