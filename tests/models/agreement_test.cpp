// Issue 15, point 8: what the planner's figures mean, each checked against a hand computation (the
// simulator's side is in tests/sim/agreement_test.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "models/analytic.hpp"
#include "models/report_check.hpp"
#include "models/scenario_parser.hpp"

namespace surge {
namespace {

constexpr double kHour = 3600;
constexpr double kDay = 24 * kHour;

Scenario shipped(const std::string& name, const std::vector<Override>& overrides = {}) {
  return load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml", overrides);
}

AnalyticOptions quick() {
  AnalyticOptions o;
  o.search_decision = false;
  o.recommend_window = false;
  return o;
}

const ResourceUse& resource(const Report& r, const std::string& name) {
  for (const ResourceUse& u : r.resources)
    if (u.name == name) return u;
  throw std::runtime_error("no resource " + name);
}

TEST(PlannerAgreement, BackgroundSigningComesOffTheSustainableRateAndAddsToThePeak) {
  // OCSP era: 4 signatures per certificate (3 to issue, 1 to revoke) on dc1's pair, 20,000/s; ocsp-updater
  // re-signs 200M responses every 3 days, 771.6/s, ahead of issuance. 10M ARI clients without jitter ask
  // evenly over the 6 h Retry-After. The writer is made fast so that the HSMs are the slowest resource.
  Scenario s = shipped("le-2021-ocsp-era-one-dc", {{"clients.retry_after_jitter", "0"}});
  s.workload.certificates = 10e6;
  s.transfers.clear();
  s.data_centers[0].db.commits_per_s = 1e6;
  const Report r = analyze(s, quick());
  const double background = 200e6 / (3 * kDay);
  ASSERT_TRUE(r.max_sustainable_rate_per_s.has_value());
  EXPECT_NEAR(*r.max_sustainable_rate_per_s, (20000 - background) / 4, 1e-6);
  const double requests_per_s = 10e6 / (6 * kHour);
  EXPECT_NEAR(resource(r, "hsm:dc1").peak_utilisation, (requests_per_s * 4 + background) / 20000, 1e-9);
}

TEST(PlannerAgreement, DbCommitsCountTheBulkRevocations) {
  // No client asks within the run (all unreached, renewing over a span of 10^12 s: 0.3 of them ask): the
  // bulk revocation revokes all 1M certificates, one commit (a transaction of two rows) and one signature
  // each (seed-2021), and nothing else happens.
  Scenario s = shipped("le-2021-hardware-one-dc", {{"clients.ari_share", "0"}});
  s.workload.certificates = 1e6;
  s.clients.normal_renewal_span_s = 1e12;
  s.transfers.clear();
  const Report r = analyze(s, quick());
  ASSERT_TRUE(r.bulk_revocation_start_s.has_value());
  EXPECT_NEAR(r.db_commits, 1e6, 1e-5 * 1e6);
  EXPECT_NEAR(r.signatures, 1e6, 1e-5 * 1e6);
  EXPECT_NEAR(r.revoked_before_replaced, 1e6, 1);  // revoked, never replaced: every site breaks
  EXPECT_LT(r.replaced_within_horizon, 1);
  EXPECT_TRUE(report_violations(r).empty());  // missed, but the clients never ask: nothing binds
}

TEST(PlannerAgreement, RequestsOfOneIntervalAreSpreadOverTheTimeTheyAreServed) {
  // 10M ARI clients polling every minute (the shortest Retry-After) ask evenly over the minute after the
  // decision, 166,667/s: nearly all in one 57.6 s grid interval. The pair replaces 20,000 / 3 = 6,667/s
  // (2 signatures to issue, 1 to revoke): the request at position x (of N) is made at 60 x / N and
  // replaced at x / 6,667, so delays are even over [0, 10M x 3 / 20,000 - 60 = 1,440 s]: p50 720 s, p99
  // 1,425.6 s (not one shared delay). Requests are timed to within one grid step.
  Scenario s =
      shipped("le-2021-hardware-one-dc", {{"clients.retry_after", "1min"}, {"clients.retry_after_jitter", "0"}});
  s.workload.certificates = 10e6;
  s.transfers.clear();
  s.data_centers[0].db.commits_per_s = 1e6;
  const Report r = analyze(s, quick());
  const double dt = 96 * kHour / 6000;
  const double longest = 10e6 * 3 / 20000 - 60;
  ASSERT_TRUE(r.time_to_replace_s.measured);
  EXPECT_NEAR(r.time_to_replace_s.p50, 0.5 * longest, dt);
  EXPECT_NEAR(r.time_to_replace_s.p99, 0.99 * longest, dt);
  // Each percentile to within a step: their spread to within two.
  EXPECT_NEAR(r.classes[0].time_to_replace_s.p99 - r.classes[0].time_to_replace_s.p50, 0.49 * longest, 2 * dt);
}

TEST(PlannerAgreement, SaysWhenADelayIsBelowItsGridStep) {
  // 1M ARI clients over 6 h on a pair that keeps up: each request is replaced within the 57.6 s step it
  // is made in, so the planner cannot tell its delay: the text says "under" the step, not a figure.
  Scenario s = shipped("le-2021-hardware-one-dc", {{"clients.retry_after_jitter", "0"}});
  s.workload.certificates = 1e6;
  s.transfers.clear();
  const Report r = analyze(s, quick());
  const double dt = 96 * kHour / 6000;
  EXPECT_EQ(r.time_to_replace_s.resolution_s, dt);
  EXPECT_LT(r.time_to_replace_s.p99, dt);
  const std::string text = render_text(r);
  EXPECT_NE(text.find("p50 under 57.6 s, p99 under 57.6 s"), std::string::npos) << text;
  EXPECT_EQ(to_json(r)["time_to_replace_s"]["resolution_s"], dt);
}

TEST(PlannerAgreement, WhenPollingSaturatesTheApiTheReportSaysNothingIsReplacedAndWhy) {
  // 200M certificates poll every 6 h: 9,259 polls/s on dc1's API (dc2 is down), which answers 5,000/s:
  // nothing is left for issuance, so nothing is replaced, and the API is what binds.
  Scenario s = shipped("revalidation-one-dc");
  s.workload.certificates = 1e6;
  for (DataCenter& dc : s.data_centers) dc.api_requests_per_s = 5000;
  const Report r = analyze(s, quick());
  EXPECT_EQ(r.replaced_within_horizon, 0);
  EXPECT_FALSE(r.completion_time_s.has_value());
  EXPECT_EQ(r.bottleneck, std::vector<std::string>{"api:dc1"});
  EXPECT_FALSE(r.time_to_replace_s.measured);
  EXPECT_EQ(report_violations(r), std::vector<std::string>{});
  const nlohmann::json j = to_json(r);
  EXPECT_TRUE(j["time_to_replace_s"]["p50"].is_null());
  EXPECT_TRUE(j["time_to_replace_s"]["p99"].is_null());
  EXPECT_FALSE(resource(r, "api:dc1").fluid_completion_s.has_value());  // never, not +inf
  const std::string text = render_text(r);
  EXPECT_EQ(text.find("nan"), std::string::npos) << text;
  EXPECT_NE(text.find("replaced   none within the horizon (96.0 h)"), std::string::npos) << text;
  EXPECT_NE(text.find("p50 n/a, p99 n/a"), std::string::npos) << text;
  EXPECT_NE(text.find("bottleneck api:dc1"), std::string::npos) << text;
  // The JSON reads back as it was written.
  EXPECT_FALSE(report_from_json(j).time_to_replace_s.measured);
}

TEST(PlannerAgreement, SignaturesByKeyAreTheCertificatesOwnNotTheCrlShards) {
  // CRL era: 2 signatures to issue, none to revoke; crl-updater's shards are counted apart. 1M ARI
  // certificates, all replaced: 2M signatures by key, and the total adds the shards.
  Scenario s = shipped("le-2025-crl-era");
  s.clients.classes.resize(1);
  s.clients.classes[0].share = 1;
  s.workload.certificates = 1e6;
  const Report r = analyze(s, quick());
  ASSERT_TRUE(r.crl_signatures.has_value());
  ASSERT_EQ(r.signatures_by_key.size(), 1u);
  EXPECT_NEAR(r.signatures_by_key.begin()->second, 2e6, 1e-6 * 2e6);
  EXPECT_NEAR(r.signatures, 2e6 + *r.crl_signatures, 1e-6 * 2e6);
}

}  // namespace
}  // namespace surge
