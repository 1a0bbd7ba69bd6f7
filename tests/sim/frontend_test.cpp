// The API (ACME front end), ARI polling as load, and validation (authorization reuse, revalidation):
// closed forms computed here, in the simulator and the analytic planner. One data center whose HSMs,
// writer and fabric are ample, randomness off; every client asks within a minute of the decision (ARI,
// Retry-After 1 min, window open), so the API or the VA holds a backlog.
#include <gtest/gtest.h>

#include <cmath>

#include "models/analytic.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kDecision_s = 3600;
constexpr double kRetryAfter_s = 60;
constexpr double kPollBatch_s = 60;  // the simulator's poll batches

std::string scenario_text(const std::string& dc_extra, const std::string& workload_extra,
                          const std::string& clients_extra, const std::string& tail) {
  return R"(schema: 1
name: frontend
question: "q"
randomness: off
data_centers:
  - name: dc1
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 2}
    db: {model: db-2021, writer: true, replicas: 1}
)" + dc_extra +
         R"(workload:
  era: seed-2021
)" + workload_extra +
         R"(clients:
  ari_share: 1.0
  retry_after: 1min
  retry_after_jitter: 0%
)" + clients_extra +
         R"(incident:
  decision_delay: 1h
  deadline: 24h
  horizon: 30h
)" + tail;
}

const ResourceUse* find(const Report& r, const std::string& name) {
  for (const ResourceUse& u : r.resources)
    if (u.name == name) return &u;
  return nullptr;
}

// The simulator's run ends at the controller's first look (every 60 s from the decision) after the last
// revocation.
double run_end_s(const Report& r) {
  const double last = r.revocation_complete_s.value_or(r.horizon_s);
  return kDecision_s + std::ceil((last - kDecision_s) / 60.0) * 60.0;
}

// API: 100 requests/s, 6 per issuance; polls: 2,400 certificates every minute = 40/s. Issuance gets the
// 60/s the polls leave: 36,000 certificates x 6 / 60/s = 3,600 s.
constexpr double kApi = 100, kRequests = 6, kPolling = 2400, kApiBound = 36000;

Scenario api_bound() {
  return parse_scenario(scenario_text("    api: {requests_per_s: 100/s}\n",
                                      "  certificates: 36000\n  cohort_size: 10\n  api_requests_per_issuance: 6\n",
                                      "  ari_polling: {certificates: 2400}\n", ""),
                        "api.yaml");
}

TEST(Frontend, PollingLoadsTheApiAndTheReplicasAndTheApiBindsAtWhatPollsLeave) {
  const double poll_rate = kPolling / kRetryAfter_s;
  const double expected = kDecision_s + kApiBound * kRequests / (kApi - poll_rate);
  const Scenario s = api_bound();
  const Report sim = simulate(s);
  ASSERT_TRUE(sim.completion_time_s);
  EXPECT_NEAR(*sim.completion_time_s, expected, 0.02 * (expected - kDecision_s));
  ASSERT_EQ(sim.bottleneck.size(), 1u);
  EXPECT_EQ(sim.bottleneck[0], "api:dc1");
  const double run = run_end_s(sim);
  const ResourceUse* api = find(sim, "api:dc1");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->capacity, kApi);
  EXPECT_NEAR(api->work, poll_rate * run + kApiBound * kRequests, poll_rate * kPollBatch_s);
  const ResourceUse* reads = find(sim, "db-replica-reads");
  ASSERT_NE(reads, nullptr);
  EXPECT_EQ(reads->capacity, 100e3);  // one db-2021 replica (data/catalogue.yaml)
  EXPECT_NEAR(reads->work, poll_rate * run, poll_rate * kPollBatch_s);
  ASSERT_TRUE(sim.ari_polls);
  EXPECT_EQ(*sim.ari_polls, reads->work);

  const Report a = analyze(s);
  ASSERT_TRUE(a.completion_time_s);
  EXPECT_NEAR(*a.completion_time_s, expected, 0.02 * (expected - kDecision_s));
  ASSERT_EQ(a.bottleneck.size(), 1u);
  EXPECT_EQ(a.bottleneck[0], "api:dc1");
  const ResourceUse* a_api = find(a, "api:dc1");
  ASSERT_NE(a_api, nullptr);
  EXPECT_DOUBLE_EQ(a_api->demand_per_certificate, kRequests);
  // The capacity the API needs alone for the deadline includes the polls it answers.
  EXPECT_GT(a_api->needed_capacity, poll_rate);
}

TEST(Frontend, WithoutPollingTheApiAloneSetsThePace) {
  Scenario s = api_bound();
  s.clients.ari_polling_certificates = 0;
  const double expected = kDecision_s + kApiBound * kRequests / kApi;
  const Report a = analyze(s);
  ASSERT_TRUE(a.completion_time_s);
  EXPECT_NEAR(*a.completion_time_s, expected, 0.02 * (expected - kDecision_s));
  EXPECT_FALSE(a.ari_polls);
  EXPECT_EQ(find(a, "db-replica-reads"), nullptr);
}

// VA: 40 validations/s, 2 names per certificate; 36,000 certificates all revalidated: 1,800 s.
constexpr double kVa = 40, kNames = 2, kVaBound = 36000;

Scenario va_bound(const std::string& validation) {
  return parse_scenario(
      scenario_text("", "  certificates: 36000\n  cohort_size: 10\n  names_per_certificate: 2\n", "", validation),
      "va.yaml");
}

TEST(Frontend, RevalidatingEveryNameMakesTheVaTheBottleneck) {
  const Scenario s = va_bound("validation: {revalidate_all: true, validations_per_s: 40/s}\n");
  const double expected = kDecision_s + kVaBound * kNames / kVa;
  const Report sim = simulate(s);
  ASSERT_TRUE(sim.completion_time_s);
  EXPECT_NEAR(*sim.completion_time_s, expected, 0.02 * (expected - kDecision_s));
  ASSERT_EQ(sim.bottleneck.size(), 1u);
  EXPECT_EQ(sim.bottleneck[0], "va:dc1");
  const ResourceUse* va = find(sim, "va:dc1");
  ASSERT_NE(va, nullptr);
  EXPECT_DOUBLE_EQ(va->work, kVaBound * kNames);
  // Every name's fresh authorization is finalized: one more commit per name (7 + 1 order + 2 names).
  EXPECT_DOUBLE_EQ(sim.db_commits, kVaBound * (8 + kNames + 1));

  const Report a = analyze(s);
  ASSERT_TRUE(a.completion_time_s);
  EXPECT_NEAR(*a.completion_time_s, expected, 0.02 * (expected - kDecision_s));
  ASSERT_EQ(a.bottleneck.size(), 1u);
  EXPECT_EQ(a.bottleneck[0], "va:dc1");
}

TEST(Frontend, ReusingAuthorizationsForHalfTheRenewalSpanHalvesTheVaWork) {
  // Reuse 30 days, certificates aged uniformly over the 60-day span: half need a new validation.
  const Scenario s = va_bound("validation: {reuse_period: 30d, validations_per_s: 40/s}\n");
  ASSERT_EQ(s.clients.normal_renewal_span_s, 60 * 86400.0);
  const Report sim = simulate(s);
  const ResourceUse* va = find(sim, "va:dc1");
  ASSERT_NE(va, nullptr);
  EXPECT_DOUBLE_EQ(va->work, kVaBound * kNames * 0.5);
  const double expected = kDecision_s + kVaBound * kNames * 0.5 / kVa;
  ASSERT_TRUE(sim.completion_time_s);
  EXPECT_NEAR(*sim.completion_time_s, expected, 0.02 * (expected - kDecision_s));
  const Report a = analyze(s);
  EXPECT_DOUBLE_EQ(find(a, "va:dc1")->demand_per_certificate, kNames * 0.5);
}

TEST(Frontend, ValidationLatencyAddsExactlyToTheTimeToReplace) {
  // 40 certificates a minute apart by 1.5 s, each through an ample VA: no queueing anywhere, so each waits
  // exactly its services plus the DNS and HTTP latency.
  auto run = [](const std::string& latency) {
    return simulate(
        parse_scenario(scenario_text("", "  certificates: 40\n  cohort_size: 1\n", "",
                                     "validation: {revalidate_all: true, validations_per_s: 1k/s" + latency + "}\n"),
                       "latency.yaml"));
  };
  const Report without = run("");
  const Report with = run(", dns_latency: 50ms, http_latency: 300ms");
  EXPECT_NEAR(with.time_to_replace_s.p50 - without.time_to_replace_s.p50, 0.05 + 0.3, 1e-9);
  EXPECT_NEAR(with.time_to_replace_s.p99 - without.time_to_replace_s.p99, 0.05 + 0.3, 1e-9);
  EXPECT_EQ(with.replaced_within_horizon, 40);
}

}  // namespace
}  // namespace surge::test
