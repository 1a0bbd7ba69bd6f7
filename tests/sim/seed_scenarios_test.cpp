// The seed's answers, reproduced by the simulator: expected figures are the seed's arithmetic.
#include <gtest/gtest.h>

#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kDecision = 4 * kHour;
constexpr double kCertificates = 200e6;
constexpr double kSeedSignatures = 3 * kCertificates;

TEST(SeedScenarios, OldHardwareOneDataCenterMissesWithTheHsmsAsBottleneck) {
  const Report r = simulate(shipped("le-2020-hardware-one-dc"));
  EXPECT_FALSE(r.deadline_met);
  EXPECT_EQ(r.bottleneck, std::vector<std::string>{"hsm:dc1"});
  // 600M signatures on one pair at 2,200/s: ~4 h + 75.8 h.
  ASSERT_TRUE(r.completion_time_s.has_value());
  const double expected = kDecision + kSeedSignatures / 2200;
  EXPECT_NEAR(*r.completion_time_s, expected, 0.02 * expected);
  EXPECT_GT(r.not_replaced_by_deadline, 0);
  // Revocation alone takes 200M / 2,200 s = 25.3 h: it cannot finish by the deadline either.
  ASSERT_TRUE(r.revocation_complete_s.has_value());
  EXPECT_NEAR(*r.revocation_complete_s, kDecision + kCertificates / 2200, 0.02 * (kDecision + kCertificates / 2200));
  EXPECT_DOUBLE_EQ(r.signatures, kSeedSignatures);
}

TEST(SeedScenarios, NewHardwareOneDataCenterMeetsTheDeadline) {
  const Report r = simulate(shipped("le-2021-hardware-one-dc"));
  EXPECT_TRUE(r.deadline_met);
  EXPECT_EQ(r.bottleneck, std::vector<std::string>{"hsm:dc1"});
  // ~4 h + 600M / 20,000 s = 8.3 h: the HSMs are busy from the decision on (ARI arrivals outpace them).
  ASSERT_TRUE(r.completion_time_s.has_value());
  const double expected = kDecision + kSeedSignatures / 20000;
  EXPECT_NEAR(*r.completion_time_s, expected, 0.02 * expected);
  EXPECT_EQ(r.replaced_by_deadline, kCertificates);
  EXPECT_EQ(r.revoked_by_deadline, kCertificates);
  EXPECT_EQ(r.revoked_before_replaced, 0);
  EXPECT_FALSE(r.bulk_revocation_start_s.has_value());

  // Utilisation over the active period: the pair is saturated throughout; the writer does 9 commits per
  // certificate (8 to issue, 1 to revoke) at 100,000/s over the same time.
  const double active = *r.completion_time_s - kDecision;
  for (const ResourceUse& u : r.resources) {
    if (u.name == "hsm:dc1") {
      EXPECT_NEAR(u.mean_utilisation, 1.0, 0.02);
      EXPECT_NEAR(u.mean_busy, 1.0, 0.02);
    }
    if (u.name == "db-writer") {
      EXPECT_NEAR(u.mean_utilisation, kCertificates * 9 / (100000 * active), 0.02);
    }
    if (u.name == "hsm:dc2") {
      EXPECT_FALSE(u.available);
    }
  }
  // The time series: cumulative counts never fall and never exceed the certificates.
  ASSERT_EQ(r.series_columns.at(2), "replaced");
  double last = 0;
  for (const auto& row : r.series) {
    EXPECT_GE(row.at(2), last);
    EXPECT_LE(row.at(2), kCertificates);
    last = row.at(2);
  }
  EXPECT_GT(last, 0.95 * kCertificates);
}

TEST(SeedScenarios, NewHardwareWithFourSignaturesAndOneMemberDownMisses) {
  // Four signatures alone still fit: 800M on one pair is 4 h + 11.1 h.
  const Report r = simulate(shipped("le-2021-hardware-one-dc", {{"workload.era", "precert-2021"}}));
  EXPECT_TRUE(r.deadline_met);
  Scenario s = shipped("le-2021-hardware-one-dc", {{"workload.era", "precert-2021"}});
  Failure member;
  member.kind = FailureKind::HSM;
  member.target = "dc1/hsm-2";
  member.at_s = 0;
  s.failures.push_back(member);
  const Report down = simulate(s);
  EXPECT_FALSE(down.deadline_met);
  EXPECT_EQ(down.bottleneck, std::vector<std::string>{"hsm:dc1"});
  ASSERT_TRUE(down.completion_time_s.has_value());
  const double expected = kDecision + 4 * kCertificates / 10000;  // 26.2 h
  EXPECT_NEAR(*down.completion_time_s, expected, 0.02 * expected);
}

TEST(SeedScenarios, SameScenarioAndSeedGiveIdenticalSummaries) {
  const Scenario s = shipped("le-2021-hardware-one-dc", {{"clients.clustering.share", "0.2"}});
  nlohmann::json a = to_json(simulate(s), true);
  nlohmann::json b = to_json(simulate(s), true);
  a.erase("wall_s");
  b.erase("wall_s");
  EXPECT_EQ(a.dump(), b.dump());
  Scenario other = s;
  other.seed = 2;
  nlohmann::json c = to_json(simulate(other), true);
  c.erase("wall_s");
  EXPECT_NE(a["time_to_replace_s"].dump(), c["time_to_replace_s"].dump());  // the seed matters
}

}  // namespace
}  // namespace surge::test
