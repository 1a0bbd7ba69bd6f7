// Admission control (`admission`): a bounded queue of issuance work at the API; orders beyond it are
// refused (503 with Retry-After) and asked again by class. Counts and times against the retry
// arithmetic computed here, on a lone HSM member that nothing else slows down.
#include <gtest/gtest.h>

#include <cmath>

#include "models/analytic.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

// One HSM member with one session, one signature per issuance, none per revocation (so that the HSM
// serves issuance only), database and network effectively instantaneous, no randomness: each cohort of
// one certificate takes exactly kService_s at the HSM, one after the other.
constexpr double kDecision_s = 3600;
constexpr double kService_s = 100;  // signatures_per_s: 0.01/s
constexpr double kPipeSlack_s = 1;  // network latency and commits before the HSM: well under a second

std::string scenario_text(const std::string& clients, const std::string& admission) {
  return R"(schema: 1
name: admission
question: "q"
randomness: off
data_centers:
  - name: dc1
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 1, sessions: 1, signatures_per_s: 0.01/s}
    db: {model: db-2021, writer: true, replicas: 0, commits_per_s: 1G/s}
workload:
  certificates: 40
  era: seed-2021
  signatures_per_issuance: 1
  signatures_per_revocation: 0
  cohort_size: 1
  rpc_bytes: {acme: 0B, wfe_ra: 0B, ra_ca: 0B, ca_sa: 0B}
clients:
)" + clients +
         R"(incident:
  decision_delay: 1h
  deadline: 24h
  horizon: 30h
)" + admission;
}

// ARI clients polling every minute without jitter: the 40 cohorts ask at decision + (i + 1/2) x 1.5 s.
const std::string kAri = "  ari_share: 1.0\n  retry_after: 1min\n  retry_after_jitter: 0%\n";

TEST(Admission, RefusalsFollowTheQueueBoundAndRetryArithmetic) {
  constexpr int kCertificates = 40;
  constexpr int kQueue = 10;
  constexpr double kRetryAfter_s = 300;  // 3 services: each retry wave finds 3 more places
  constexpr int kFreed = 3;
  const Report r =
      simulate(parse_scenario(scenario_text(kAri, "admission: {queue: 10, retry_after: 5min}\n"), "a.yaml"));
  // All ask within the first minute, before the first replacement (100 s after the first request): the
  // first 10 fill the queue and 30 are refused. Every retry wave comes while no service ends (a wave lasts
  // under a minute and starts just after a multiple of 100 s since the first request) and finds
  // 3 more replacements done: wave w admits 3 and refuses 30 - 3 w.
  double requests = 0, delay = 0;
  for (int i = kQueue; i < kCertificates; ++i) {
    const int wave = (i - kQueue) / kFreed + 1;  // the retry wave that admits the i-th certificate
    requests += wave;                            // refused once in each earlier wave
    delay += wave * kRetryAfter_s;
  }
  EXPECT_EQ(requests, 165);  // 30 + 27 + ... + 3
  ASSERT_TRUE(r.rejected_requests.has_value());
  EXPECT_EQ(*r.rejected_requests, requests);
  EXPECT_EQ(r.rejected_certificates.value_or(-1), kCertificates - kQueue);
  EXPECT_NEAR(r.admission_delay_total_s.value_or(-1), delay, 1e-6);
  EXPECT_NEAR(r.admission_delay_mean_s.value_or(-1), delay / (kCertificates - kQueue), 1e-6);
  ASSERT_EQ(r.classes.size(), 2u);  // ari and an empty unreached
  EXPECT_EQ(r.classes[0].rejected_requests.value_or(-1), requests);
  EXPECT_EQ(r.classes[0].rejected_certificates.value_or(-1), kCertificates - kQueue);
  EXPECT_EQ(r.classes[1].rejected_requests.value_or(-1), 0);
  // The HSM never idles (each wave refills the queue before it empties: 10 > 3), so the last replacement
  // is the first request plus 40 services, as without admission control.
  ASSERT_TRUE(r.completion_time_s.has_value());
  const double first_request = kDecision_s + 0.5 * 60.0 / kCertificates;
  EXPECT_NEAR(*r.completion_time_s, first_request + kCertificates * kService_s, kPipeSlack_s);
  EXPECT_EQ(r.replaced_by_deadline, kCertificates);
}

TEST(Admission, AbsentRefusesNothing) {
  const Report r = simulate(parse_scenario(scenario_text(kAri, ""), "a.yaml"));
  EXPECT_FALSE(r.rejected_requests.has_value());
  EXPECT_FALSE(r.rejected_certificates.has_value());
  EXPECT_FALSE(r.admission_delay_mean_s.has_value());
  for (const ClassOutcome& c : r.classes) EXPECT_FALSE(c.rejected_requests.has_value()) << c.name;
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, kDecision_s + 0.5 * 60.0 / 40 + 40 * kService_s, kPipeSlack_s);
}

TEST(Admission, CronClientsRetryAtTheirNextRun) {
  // Two certificates of a cron class running hourly without sleep: they ask at decision + 15 min and
  // + 45 min. The first takes the one place for 10,000 s; the second is refused at 45 min and at each
  // hourly run until that service ends (at 15 min + 10,000 s): at 1:45 and 2:45 too, admitted at 3:45
  // (the 503's Retry-After of 5 min is not what a cron client follows), replaced 10,000 s later.
  const std::string cron = "  classes:\n    - {name: c, kind: cron, share: 100%, runs_per_day: 24, random_sleep: 0s}\n";
  Scenario s = parse_scenario(scenario_text(cron, "admission: {queue: 1, retry_after: 5min}\n"), "a.yaml");
  s.workload.certificates = 2;
  s.data_centers[0].hsm.signatures_per_s = 1e-4;  // 10,000 s per certificate
  const Report r = simulate(s);
  EXPECT_EQ(r.rejected_requests.value_or(-1), 3);
  EXPECT_EQ(r.rejected_certificates.value_or(-1), 1);
  EXPECT_NEAR(r.admission_delay_mean_s.value_or(-1), 3 * kHour, 1e-6);
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, kDecision_s + 3.75 * kHour + 10000, kPipeSlack_s);
}

TEST(Admission, TheAnalyticPlannerAgreesWithTheSimulation) {
  // Four million certificates whose ARI clients all ask within a minute of the decision, 1,000
  // signatures/s, a queue of a million and a Retry-After of 15 min (the HSM never idles: a retry wave
  // finds 900,000 places): the planner's fluid admission (docs/MODEL.md) against the simulation's
  // cohorts of 1,000. The planner serves work from the grid step after it is admitted (30 s here), a
  // lag each retry wave repeats: a few per cent on the refusals for a 15 min Retry-After.
  Scenario s = parse_scenario(scenario_text(kAri, "admission: {queue: 1000000, retry_after: 15min}\n"), "a.yaml");
  s.workload.certificates = 4e6;
  s.workload.cohort_size = 1000;
  s.data_centers[0].hsm.signatures_per_s = 1000;
  const Report sim = simulate(s);
  const Report plan = analyze(s);
  ASSERT_TRUE(sim.rejected_requests && plan.rejected_requests);
  EXPECT_NEAR(*plan.rejected_requests, *sim.rejected_requests, 0.05 * *sim.rejected_requests);
  EXPECT_NEAR(plan.rejected_certificates.value_or(-1), sim.rejected_certificates.value_or(-1),
              0.05 * sim.rejected_certificates.value_or(-1));
  EXPECT_NEAR(plan.admission_delay_mean_s.value_or(-1), sim.admission_delay_mean_s.value_or(-1),
              0.05 * sim.admission_delay_mean_s.value_or(-1));
  ASSERT_TRUE(sim.completion_time_s && plan.completion_time_s);
  // To two steps of the planner's 30 s grid (its arrivals are placed at the end of their interval).
  EXPECT_NEAR(*plan.completion_time_s, *sim.completion_time_s, 60);
  EXPECT_NEAR(*sim.completion_time_s, kDecision_s + 4e6 / 1000, 60);  // busy throughout
}

}  // namespace
}  // namespace surge::test
