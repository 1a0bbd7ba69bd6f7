#include "models/analytic.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/scenario_parser.hpp"
#include "tests/link_cut_transfers.hpp"

namespace surge {
namespace {

constexpr double kHour = 3600;

Scenario shipped(const std::string& name, const std::vector<Override>& overrides = {}) {
  return load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml", overrides);
}

TEST(ErlangC, MatchesTheClosedFormsForOneAndTwoServers) {
  for (double rho : {0.5, 0.8, 0.95}) {
    EXPECT_NEAR(erlang_c(1, rho), rho, 1e-12);  // M/M/1: P(wait) = rho
    // M/M/2 with per-server utilisation rho: P(wait) = 2 rho^2 / (1 + rho).
    EXPECT_NEAR(erlang_c(2, 2 * rho), 2 * rho * rho / (1 + rho), 1e-12);
    // M/M/1 mean wait: rho / (mu - lambda) with mu = 1 / S.
    const double service = 2.0, lambda = rho / service;
    EXPECT_NEAR(mmc_mean_wait_s(lambda, service, 1), rho / (1 / service - lambda), 1e-9);
  }
  EXPECT_EQ(mmc_mean_wait_s(1.0, 2.0, 2), std::numeric_limits<double>::infinity());  // saturated
}

// ARI clients with no jitter learn uniformly over one Retry-After: a piecewise-constant arrival profile.
Scenario uniform_arrivals(double certificates) {
  Scenario s = shipped("le-2021-hardware-one-dc", {{"clients.retry_after_jitter", "0"}});
  s.workload.certificates = certificates;
  s.transfers.clear();
  return s;
}

TEST(AnalyticPlanner, DrainTimeEqualsTheHandComputedFluidAnswerWithOneCapacityDrop) {
  // 100M certificates asking evenly over 6 h from the 4 h decision: 3 x 100M / 21,600 s = 13,889
  // signatures/s, under the pair's 20,000/s until a member fails at 5 h; then 10,000/s falls behind until
  // the last request at 10 h, and the backlog drains at 10,000/s.
  Scenario s = uniform_arrivals(100e6);
  Failure f;
  f.kind = FailureKind::HSM;
  f.target = "dc1/hsm-2";
  f.at_s = 5 * kHour;
  s.failures.push_back(f);
  const Report r = analyze(s);
  const double rate = 3 * 100e6 / (6 * kHour);
  const double backlog = (rate - 10000) * (10 - 5) * kHour;
  const double expected = 10 * kHour + backlog / 10000;
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, expected, 0.005 * expected);
  EXPECT_EQ(r.bottleneck, std::vector<std::string>{"hsm:dc1"});
  EXPECT_EQ(r.mode, "analytic");
}

Failure link_down(const std::string& link, double at_s) {
  Failure f;
  f.kind = FailureKind::LINK;
  f.target = link;
  f.at_s = at_s;
  return f;
}

TEST(AnalyticPlanner, ADataCenterCutOffFromTheWriterStopsIssuing) {
  // Both pairs sign at 40,000/s, ahead of the ARI arrivals (27,800 signatures/s at first). An hour after
  // the decision the dc1-dc2 link goes down: dc2's front end no longer reaches the writer in dc1, so
  // dc2 stops issuing and dc1's 20,000/s finish the rest alone.
  Scenario s = shipped("le-2021-hardware");
  s.failures.push_back(link_down("wan/dc1-dc2", 5 * kHour));
  const Report r = analyze(s, {0.2, false});
  const double signed_by_5h = 3 * 200e6 / 6;  // the first hour's arrivals: 1 h / 6 h of the clients
  const double expected = 5 * kHour + (600e6 - signed_by_5h) / 20000;
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, expected, 0.005 * expected);
  EXPECT_EQ(r.bottleneck, std::vector<std::string>{"hsm:dc1"});
  // The link itself offers nothing at the horizon.
  bool link_seen = false;
  for (const ResourceUse& u : r.resources) {
    if (u.name != "link:wan/dc1-dc2") continue;
    link_seen = true;
    EXPECT_FALSE(u.available);
  }
  EXPECT_TRUE(link_seen);
}

TEST(AnalyticPlanner, ALinkToTheCloudDownLeavesIssuanceAlone) {
  // Nothing of issuance crosses dc1-cloud: both pairs keep signing at 40,000/s, above the arrivals, and
  // the last replacement follows the last request, at decision + Retry-After x (1 + 20%).
  Scenario s = shipped("le-2021-hardware");
  s.failures.push_back(link_down("wan/dc1-cloud", 5 * kHour));
  const Report r = analyze(s, {0.2, false});
  const double expected = 4 * kHour + 6 * kHour * 1.2;
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, expected, 0.005 * expected);
  bool both = false;
  for (const ResourceUse& u : r.resources) both = both || u.name == "hsm:dc1+hsm:dc2";
  EXPECT_TRUE(both);
}

TEST(AnalyticPlanner, ATransferCrossingALinkThatGoesDownIsNeverDone) {
  Scenario s = shipped("le-2021-hardware", {{"workload.certificates", "20M"}});
  s.transfers = surge::testing::transfers_around_a_cut(5 * kHour);
  s.failures.push_back(link_down("wan/dc1-dc2", 5 * kHour));
  const Report r = analyze(s, {0.2, false});
  ASSERT_EQ(r.transfers.size(), 4u);
  // 1 TB over a 10 Gbps WAN link: 800 s.
  ASSERT_TRUE(r.transfers[0].done_s.has_value());
  EXPECT_NEAR(*r.transfers[0].done_s, 1e12 / (10e9 / 8), 1.0);
  EXPECT_FALSE(r.transfers[1].done_s.has_value());
  EXPECT_FALSE(r.transfers[2].done_s.has_value());
  ASSERT_TRUE(r.transfers[3].done_s.has_value());
  EXPECT_NEAR(*r.transfers[3].done_s, 5 * kHour - 400 + 1e12 / (10e9 / 8), 1.0);
}

TEST(AnalyticPlanner, StagedBatchesAskOneRetryAfterFromEachEnabling) {
  // 10M certificates (capacity to spare), ARI without jitter: one batch asks over 6 h from the 4 h decision;
  // four batches every 3 h ask until 4 h + 9 h + 6 h, and a quarter has asked when the second is enabled.
  Scenario s = uniform_arrivals(10e6);
  const Report one = analyze(s);
  for (int b = 0; b < 4; ++b) s.incident.batches.push_back(IncidentBatch{0.25, b * 3 * kHour, {}});
  const Report staged = analyze(s);
  ASSERT_TRUE(one.completion_time_s && staged.completion_time_s);
  EXPECT_NEAR(*one.completion_time_s, 10 * kHour, 0.005 * 10 * kHour);
  EXPECT_NEAR(*staged.completion_time_s, 19 * kHour, 0.005 * 19 * kHour);
  EXPECT_TRUE(staged.deadline_met);
  // Decision to replacement: the equal mixture of uniforms over [0, 6], [3, 9], [6, 12] and [9, 15] h is
  // symmetric about its median, 7.5 h.
  ASSERT_EQ(staged.classes.size(), 2u);
  EXPECT_NEAR(staged.classes[0].replaced_after_decision_s.p50, 7.5 * kHour, 0.01 * 7.5 * kHour);
}

TEST(AnalyticPlanner, ReproducesTheSeedsAnswers) {
  const Report old = analyze(shipped("le-2020-hardware-one-dc"));
  EXPECT_FALSE(old.deadline_met);
  ASSERT_TRUE(old.completion_time_s.has_value());
  EXPECT_NEAR(*old.completion_time_s, 4 * kHour + 600e6 / 2200, 0.01 * (4 * kHour + 600e6 / 2200));
  EXPECT_NEAR(*old.revocation_complete_s, 4 * kHour + 200e6 / 2200, 0.01 * (4 * kHour + 200e6 / 2200));
  EXPECT_FALSE(old.latest_decision_s.has_value());  // no decision time is early enough
  const Report now = analyze(shipped("le-2021-hardware-one-dc"));
  EXPECT_TRUE(now.deadline_met);
  EXPECT_NEAR(*now.completion_time_s, 4 * kHour + 600e6 / 20000, 0.01 * (4 * kHour + 600e6 / 20000));
  EXPECT_EQ(now.bottleneck, std::vector<std::string>{"hsm:dc1"});
  // The most replacements per second: the pair's 20,000 signatures/s over 3 signatures each.
  ASSERT_TRUE(now.max_sustainable_rate_per_s.has_value());
  EXPECT_NEAR(*now.max_sustainable_rate_per_s, 20000.0 / 3, 1e-6);
}

TEST(AnalyticPlanner, FindsTheLatestDecisionThatStillMeetsTheDeadline) {
  const Scenario s = shipped("le-2021-hardware-one-dc");
  const Report r = analyze(s);
  ASSERT_TRUE(r.latest_decision_s.has_value());
  // The pair is busy from the decision on: 600M / 20,000 s must fit between the decision and the deadline.
  const double expected = 24 * kHour - 600e6 / 20000;
  EXPECT_NEAR(*r.latest_decision_s, expected, 0.01 * expected);
  Scenario later = s;
  later.incident.decision_delay_s = *r.latest_decision_s + 10 * 60;
  EXPECT_FALSE(analyze(later, {0.2, false}).deadline_met);
  Scenario at = s;
  at.incident.decision_delay_s = *r.latest_decision_s;
  EXPECT_TRUE(analyze(at, {0.2, false}).deadline_met);
}

TEST(AnalyticPlanner, TheLatestDecisionIsThePlainBisectionsWhateverTheGuess) {
  // The planner guesses the latest decision from the finish and searches around the guess; a plain 12-step
  // bisection over [0, deadline], as the planner did before, must land on the same point. The CT outage's
  // finish is far from its guess (the outage does not move with the decision); staged batches enable later.
  AnalyticOptions plain;
  plain.search_decision = plain.recommend_window = false;
  for (const std::string name : {"le-2021-hardware-one-dc", "ct-log-outage", "staged-batches", "mixed-keys-one-dc"}) {
    const Scenario s = shipped(name);
    auto meets = [&](double decision) {
      Scenario t = s;
      t.incident.decision_delay_s = decision;
      return analyze(t, plain).deadline_met;
    };
    ASSERT_TRUE(meets(0)) << name;
    double lo = 0, hi = s.incident.deadline_s;
    for (int it = 0; it < 12; ++it) {
      const double mid = 0.5 * (lo + hi);
      (meets(mid) ? lo : hi) = mid;
    }
    AnalyticOptions search = plain;
    search.search_decision = true;
    const Report r = analyze(s, search);
    ASSERT_TRUE(r.latest_decision_s.has_value()) << name;
    EXPECT_EQ(*r.latest_decision_s, lo) << name;
  }
}

TEST(AnalyticPlanner, StatesTheCapacityEachResourceNeedsWithHeadroom) {
  const Report r = analyze(shipped("le-2020-hardware-one-dc"), {0.25, false});
  for (const ResourceUse& u : r.resources) {
    if (u.name != "hsm:dc1") continue;
    // 600M signatures arriving from 4 h on, within 7.2 h, must be done by 24 h: 600M / 20 h, +25%.
    EXPECT_NEAR(u.needed_capacity, 600e6 / (20 * kHour) * 1.25, 0.01 * 600e6 / (20 * kHour) * 1.25);
    EXPECT_DOUBLE_EQ(u.demand_per_certificate, 3);
  }
}

TEST(AnalyticPlanner, TimesEachIncidentTransferOnItsNarrowestLink) {
  const Report r = analyze(shipped("le-2021-hardware-one-dc"), {0.2, false});
  ASSERT_EQ(r.transfers.size(), 3u);
  for (const TransferOutcome& t : r.transfers) {
    ASSERT_TRUE(t.done_s.has_value()) << t.name;
    // To the cloud: the 10 Gbps WAN; within dc1: the 25 Gbps NICs.
    const double bandwidth = t.name == "replica-resync" ? 25e9 / 8 : 10e9 / 8;
    EXPECT_NEAR(*t.done_s, t.start_s + t.bytes / bandwidth, 1.0) << t.name;
  }
}

TEST(AnalyticPlanner, GivesErlangCWaitsForStationsBelowSaturation) {
  // 1M certificates over 6 h: 46 requests/s against 6,667/s on the pair: far below saturation.
  const Report r = analyze(uniform_arrivals(1e6));
  for (const ResourceUse& u : r.resources) {
    if (u.name != "hsm:dc1") continue;
    ASSERT_TRUE(u.mean_wait_s.has_value());
    const double lambda = 1e6 / (6 * kHour), service = 3 / (20000.0 / 60);  // 60 sessions, 3 signatures
    EXPECT_NEAR(*u.mean_wait_s, mmc_mean_wait_s(lambda, service, 60), 1e-12);
  }
  // Deterministic signing halves the M/M/c wait (Allen-Cunneen: (1 + 0) / 2).
  Scenario det = uniform_arrivals(1e6);
  det.hsm_service.kind = DistributionKind::DETERMINISTIC;
  Scenario expo = uniform_arrivals(1e6);
  expo.hsm_service.kind = DistributionKind::EXPONENTIAL;
  double wd = 0, we = 0;
  for (const ResourceUse& u : analyze(det, {0.2, false}).resources)
    if (u.name == "hsm:dc1") wd = u.mean_wait_s.value_or(-1);
  for (const ResourceUse& u : analyze(expo, {0.2, false}).resources)
    if (u.name == "hsm:dc1") we = u.mean_wait_s.value_or(-1);
  EXPECT_NEAR(wd, we / 2, 1e-12);
}

// Client classes in the planner: arrivals are the sum of share x CDF per class, and each class's figures
// follow from the FIFO replaced curve: with the HSMs not binding, from the classes' closed forms.
TEST(AnalyticPlanner, ReportsEachClientClassFromItsClosedForm) {
  const Scenario s = shipped("client-classes-one-dc", {{"clients.retry_after_jitter", "0%"}});
  const Report r = analyze(s);
  ASSERT_EQ(r.classes.size(), 4u);
  ASSERT_TRUE(r.bulk_revocation_start_s.has_value());
  const double decision = 4 * kHour, span = 60 * 24 * kHour, retry_after = 6 * kHour;
  const double period = 12 * kHour, sleep = 8 * 60;
  const double dt = 96 * kHour / 6000;  // the planner's grid step for a 96 h horizon
  const double x = *r.bulk_revocation_start_s - decision;
  EXPECT_EQ(r.classes[3].name, "unreached");
  EXPECT_EQ(r.classes[3].kind, "unreached");
  EXPECT_EQ(r.classes[3].certificates, 10e6);
  // Unreached: broken unless renewed on schedule by the bulk revocation, to two grid steps of arrivals:
  // with the bulk's capacity gap the writer joins the replaced curve, and the work it serves lags the
  // requests by up to one step (models/broken_sites.hpp counts on that curve).
  EXPECT_NEAR(r.classes[3].revoked_before_replaced, 10e6 * (1 - x / span), 2 * 10e6 * dt / span);
  EXPECT_EQ(r.classes[0].revoked_before_replaced, 0);
  EXPECT_EQ(r.classes[1].revoked_before_replaced, 0);
  double broken = 0;
  for (const ClassOutcome& c : r.classes) broken += c.revoked_before_replaced;
  EXPECT_NEAR(broken, r.revoked_before_replaced, 1e-6 * r.revoked_before_replaced);
  // ARI, uniform over one Retry-After: p50 at half of it; cron's last request after one period and sleep.
  EXPECT_NEAR(r.classes[0].replaced_after_decision_s.p50, retry_after / 2, 3 * dt);
  ASSERT_TRUE(r.classes[1].last_request_s.has_value());
  EXPECT_NEAR(*r.classes[1].last_request_s, decision + period + sleep, dt);
  EXPECT_FALSE(r.classes[3].last_request_s.has_value());
}

// Admission control in the fluid model: one HSM member (1,000 signatures/s, one signature per issuance,
// none per revocation), a cron class running every 30 s without sleep, so that all N certificates ask
// within one grid interval after the decision and a refused client asks again one run (30 s) later.
Scenario admission_backlog(double certificates, double queue) {
  Scenario s = parse_scenario(R"(schema: 1
name: admission
question: "q"
data_centers:
  - name: dc1
    fabric: 25g-fiber
    hsm: {model: luna-2021, count: 1, signatures_per_s: 1000/s}
    db: {model: db-2021, writer: true, replicas: 0, commits_per_s: 1G/s}
workload:
  certificates: 1
  era: seed-2021
  signatures_per_issuance: 1
  signatures_per_revocation: 0
  rpc_bytes: {acme: 0B, wfe_ra: 0B, ra_ca: 0B, ca_sa: 0B}
clients:
  classes:
    - {name: c, kind: cron, share: 100%, runs_per_day: 2880, random_sleep: 0s}
incident:
  decision_delay: 1h
  deadline: 24h
  horizon: 30h
admission: {queue: 1, retry_after: 5min}
)",
                              "a.yaml");
  s.workload.certificates = certificates;
  s.admission.queue_certificates = queue;
  return s;
}

TEST(AnalyticPlanner, AdmissionRefusesBeyondTheQueueAndAdmitsWhatEachRunFrees) {
  constexpr double kN = 1e6, kQueue = 1e5, kRate = 1000, kRun_s = 30;
  const Report r = analyze(admission_backlog(kN, kQueue));
  // The first run admits the queue's worth; every later run finds rate x 30 s places freed (the HSM never
  // idles: the queue holds more than one run's work) and refuses the rest, which asks again 30 s later.
  const double per_run = kRate * kRun_s;
  const int runs = static_cast<int>(std::ceil((kN - kQueue) / per_run));  // runs after the first
  double requests = 0, delay = 0;
  for (int w = 0; w < runs; ++w) requests += kN - kQueue - w * per_run;
  for (int w = 1; w <= runs; ++w) delay += std::min(per_run, kN - kQueue - (w - 1) * per_run) * w * kRun_s;
  ASSERT_TRUE(r.rejected_requests.has_value());
  EXPECT_NEAR(*r.rejected_requests, requests, 1e-6 * requests);
  EXPECT_NEAR(r.rejected_certificates.value_or(-1), kN - kQueue, 1e-6 * kN);
  EXPECT_NEAR(r.admission_delay_total_s.value_or(-1), delay, 1e-6 * delay);
  EXPECT_NEAR(r.admission_delay_mean_s.value_or(-1), delay / (kN - kQueue), 1e-6 * delay);
  ASSERT_EQ(r.classes.size(), 1u);
  EXPECT_NEAR(r.classes[0].rejected_requests.value_or(-1), requests, 1e-6 * requests);
  // The HSM is busy throughout, so the last replacement comes N / rate after the requests, as without
  // admission control (to one grid step).
  ASSERT_TRUE(r.completion_time_s.has_value());
  EXPECT_NEAR(*r.completion_time_s, kHour + kRun_s + kN / kRate, 2 * kRun_s);
  // The time to replace counts from the first request: the last admitted waited `runs` runs first.
  EXPECT_GT(r.time_to_replace_s.p99, runs * kRun_s);
}

TEST(AnalyticPlanner, AdmissionWithAQueueTooSmallForOneRunLeavesTheHsmIdleBetweenRuns) {
  // 10,000 places and 30,000 signatures per run: each run admits 10,000, done in 10 s, then the HSM waits
  // for the next run: 10,000 per 30 s instead of 30,000.
  constexpr double kN = 1e6, kQueue = 1e4, kRun_s = 30;
  const Report r = analyze(admission_backlog(kN, kQueue));
  ASSERT_TRUE(r.completion_time_s.has_value());
  const double runs = kN / kQueue;
  EXPECT_NEAR(*r.completion_time_s, kHour + runs * kRun_s, 2 * kRun_s);
  const Report unbounded = analyze(admission_backlog(kN, 1e12));
  ASSERT_TRUE(unbounded.completion_time_s.has_value());
  EXPECT_NEAR(*unbounded.completion_time_s, kHour + kRun_s + kN / 1000, 2 * kRun_s);
  EXPECT_EQ(unbounded.rejected_requests.value_or(-1), 0);
}

}  // namespace
}  // namespace surge
