// Failures take resources down at their time; queued and in-flight work moves to what survives.
#include <gtest/gtest.h>

#include "tests/link_cut_transfers.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kDecision = 4 * kHour;

Failure fail(FailureKind kind, const std::string& target, double at_s) {
  Failure f;
  f.kind = kind;
  f.target = target;
  f.at_s = at_s;
  return f;
}

TEST(Failures, AnHsmMemberLostMidRunHalvesTheRemainingCapacity) {
  Scenario s = shipped("le-2021-hardware-one-dc");
  s.failures.push_back(fail(FailureKind::HSM, "dc1/hsm-2", 6 * kHour));
  const Report r = simulate(s);
  // Busy from the decision: 2 h at 20,000/s, the rest of 600M at 10,000/s.
  const double expected = 6 * kHour + (600e6 - 2 * kHour * 20000) / 10000;
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, expected, 0.02 * expected);
  EXPECT_DOUBLE_EQ(r.signatures, 600e6);  // the interrupted cohorts were signed again, once
}

TEST(Failures, WithBothDataCentersUpBothIssue) {
  const Report r = simulate(shipped("le-2021-hardware", {{"workload.certificates", "20M"}}));
  double dc1 = 0, dc2 = 0;
  for (const ResourceUse& u : r.resources) {
    if (u.name == "hsm:dc1") dc1 = u.work;
    if (u.name == "hsm:dc2") dc2 = u.work;
  }
  EXPECT_DOUBLE_EQ(dc1 + dc2, 60e6);
  EXPECT_NEAR(dc1, dc2, 0.05 * dc1);  // equal pairs share the signing by capacity
}

// le-2021-hardware with dc2 out of issuance from 5 h (an hour after the decision): until then both data
// centers sign at 40,000/s, ahead of the ARI arrivals (27,800 signatures/s at first), so what the clients
// asked in that hour (1/6 of them) is signed; then dc1's 20,000/s finish the rest alone.
constexpr double kSignedBy5h = 3 * 200e6 * (1.0 / 6.0);

void expect_dc1_finishes_alone(const Report& r) {
  ASSERT_TRUE(r.completion_time_s.has_value());
  const double expected = 5 * kHour + (600e6 - kSignedBy5h) / 20000;
  EXPECT_NEAR(*r.completion_time_s, expected, 0.02 * expected);
  EXPECT_EQ(r.replaced_within_horizon, 200e6);
  EXPECT_DOUBLE_EQ(r.signatures, 600e6);  // nothing lost, nothing signed twice
  EXPECT_EQ(r.bottleneck, std::vector<std::string>{"hsm:dc1"});
}

TEST(Failures, ADataCenterLostMidRunHandsItsWorkToTheSurvivor) {
  Scenario s = shipped("le-2021-hardware");
  s.failures.push_back(fail(FailureKind::DATA_CENTER, "dc2", 5 * kHour));
  expect_dc1_finishes_alone(simulate(s));
}

double signatures_of(const Report& r, const std::string& group) {
  for (const ResourceUse& u : r.resources)
    if (u.name == group) return u.work;
  return -1;
}

TEST(Failures, ADataCenterCutOffFromTheWriterByALinkStopsIssuing) {
  // As above, but dc2 stays up and only the dc1-dc2 link goes down: dc2's front end no longer reaches
  // the writer in dc1, so dc2 stops issuing, its queue goes to dc1, and dc1's 20,000/s finish alone.
  Scenario s = shipped("le-2021-hardware");
  s.failures.push_back(fail(FailureKind::LINK, "wan/dc1-dc2", 5 * kHour));
  const Report r = simulate(s);
  expect_dc1_finishes_alone(r);  // what dc2 had queued was signed in dc1, once
  // dc2 signed its half of the first hour, and nothing after.
  EXPECT_NEAR(signatures_of(r, "hsm:dc2"), kSignedBy5h / 2, 0.02 * kSignedBy5h / 2);
}

TEST(Failures, ALinkToTheCloudDownLeavesIssuanceAlone) {
  // No certificate traffic crosses dc1-cloud: both pairs keep signing at 40,000/s, above the arrivals,
  // share the work by capacity, and the last replacement follows the last request (decision +
  // Retry-After x 1.2).
  Scenario s = shipped("le-2021-hardware", {{"workload.certificates", "20M"}});
  s.failures.push_back(fail(FailureKind::LINK, "wan/dc1-cloud", 5 * kHour));
  const Report r = simulate(s);
  ASSERT_TRUE(r.completion_time_s.has_value());
  const double expected = kDecision + 6 * kHour * 1.2;
  EXPECT_NEAR(*r.completion_time_s, expected, 0.02 * expected);
  const double dc1 = signatures_of(r, "hsm:dc1"), dc2 = signatures_of(r, "hsm:dc2");
  EXPECT_DOUBLE_EQ(dc1 + dc2, 60e6);
  EXPECT_NEAR(dc1, dc2, 0.05 * dc1);
}

TEST(Failures, ALinkDownBreaksTheTransfersThatCrossIt) {
  Scenario s = shipped("le-2021-hardware", {{"workload.certificates", "20M"}});
  s.transfers = surge::testing::transfers_around_a_cut(5 * kHour);
  s.failures.push_back(fail(FailureKind::LINK, "wan/dc1-dc2", 5 * kHour));
  const Report r = simulate(s);
  ASSERT_EQ(r.transfers.size(), 4u);
  // 1 TB over a 10 Gbps WAN link: 800 s, alone before the decision.
  ASSERT_TRUE(r.transfers[0].done_s.has_value());
  EXPECT_NEAR(*r.transfers[0].done_s, 1e12 / (10e9 / 8), 0.005 * 800);
  EXPECT_FALSE(r.transfers[1].done_s.has_value());
  EXPECT_FALSE(r.transfers[2].done_s.has_value());
  // dc2 is cut off from dc1, not from the cloud.
  ASSERT_TRUE(r.transfers[3].done_s.has_value());
  EXPECT_NEAR(*r.transfers[3].done_s, 5 * kHour - 400 + 800, 0.01 * 800);
}

TEST(Failures, TheWriterLostFailsOverToAReplicaAfterThePromotionDelay) {
  // One data center (dc2 down): the replica promoted is dc1's own. For two hours nothing commits; the
  // HSMs first drain the orders that had already committed, then idle.
  const Scenario base = shipped("le-2021-hardware-one-dc");
  const Report before = simulate(base);
  Scenario s = base;
  s.incident.db_promotion_delay_s = 2 * kHour;
  s.failures.push_back(fail(FailureKind::DB_WRITER, "", 5 * kHour));
  const Report r = simulate(s);
  ASSERT_TRUE(before.completion_time_s && r.completion_time_s);
  EXPECT_EQ(r.replaced_within_horizon, 200e6);
  // By 5 h a sixth of the clients asked (33.3M) and the HSMs replaced 1 h x 6,667/s (24M): the 9.3M
  // between them keep the HSMs busy for 23 min of the outage; the rest of it is lost time.
  const double backlog_s = (200e6 / 6 - kHour * 20000 / 3) / (20000.0 / 3);
  const double expected_delay = 2 * kHour - backlog_s;
  EXPECT_NEAR(*r.completion_time_s - *before.completion_time_s, expected_delay, 0.1 * expected_delay);
  EXPECT_DOUBLE_EQ(r.db_commits, 200e6 * 9);  // each commit done once, on the old writer or the new
  // A promotion that will come in time is no reason to revoke before replacing.
  EXPECT_FALSE(r.bulk_revocation_start_s.has_value());
  EXPECT_TRUE(r.deadline_met);
}

TEST(Failures, AReplicaLostWhileBeingPromotedIsReplacedByAnother) {
  // The writer (dc1) is lost; dc2's replica is chosen, but dc2 is lost before its promotion: dc1's own
  // replica is promoted instead, a promotion delay after that.
  Scenario s = shipped("le-2021-hardware", {{"workload.certificates", "20M"}});
  s.incident.db_promotion_delay_s = 0.5 * kHour;
  s.failures.push_back(fail(FailureKind::DB_WRITER, "", 5 * kHour));
  s.failures.push_back(fail(FailureKind::DATA_CENTER, "dc2", 5 * kHour + 600));
  const Report r = simulate(s);
  EXPECT_EQ(r.replaced_within_horizon, 20e6);
  EXPECT_EQ(r.revoked_by_deadline, 20e6);
  EXPECT_DOUBLE_EQ(r.db_commits, 20e6 * 9);
  // Nothing committed from 5 h until the second promotion at 5 h 10 min + 30 min.
  const size_t replaced = 2;
  double during = -1, before = -1;
  for (const auto& row : r.series) {
    if (row[0] <= 5 * kHour) before = row[replaced];
    if (row[0] <= 5 * kHour + 600 + 0.5 * kHour - 60) during = row[replaced];
  }
  EXPECT_GT(before, 0);
  EXPECT_LT(during - before, 0.02 * 20e6);  // at most what had committed before the loss drains from the HSMs
}

TEST(Failures, BulkRevocationStartsInTimeToFinishBeforeTheDeadline) {
  // Half the clients have no ARI and keep their normal schedule: their certificates must be revoked
  // before they are replaced (sites break), and revocation must still end by the deadline.
  const Report r = simulate(shipped("le-2021-hardware-one-dc", {{"clients.ari_share", "0.5"}}));
  ASSERT_TRUE(r.bulk_revocation_start_s.has_value());
  ASSERT_TRUE(r.revocation_complete_s.has_value());
  EXPECT_LE(*r.revocation_complete_s, r.deadline_s);
  EXPECT_EQ(r.revoked_by_deadline, 200e6);
  EXPECT_FALSE(r.deadline_met);  // not everyone is replaced
  // ~100M revocations at 20,000/s, +10%, ending 1 h before the deadline: start near 24 - 1 - 1.5 h.
  const double need = 100e6 / 20000 * 1.1;
  EXPECT_NEAR(*r.bulk_revocation_start_s, 24 * kHour - kHour - need, 0.5 * kHour);
  // Those revoked before replacement: the non-ARI clients who had not renewed by then.
  EXPECT_NEAR(r.revoked_before_replaced, 100e6 * (1 - (*r.bulk_revocation_start_s - kDecision) / (60 * 24 * kHour)),
              0.01 * 100e6);
}

}  // namespace
}  // namespace surge::test
