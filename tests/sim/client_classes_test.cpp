// Client classes in the simulator: whose sites break (revoked before replaced) and when each class is
// replaced, against closed forms computed here from the scenario's figures.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

// client-classes-one-dc with 2M certificates (cohorts of 10): the HSMs are far from busy, so a request
// is replaced within seconds and the classes' timing alone decides. ARI without jitter: uniform over
// one Retry-After after the decision.
constexpr double kCertificates = 2e6;
constexpr double kCohort = 10;  // auto: ceil(2M / 200,000)
constexpr double kDecision = 4 * kHour;
constexpr double kHorizon = 96 * kHour;
constexpr double kRetryAfter = 6 * kHour;
constexpr double kCronPeriod = 12 * kHour;  // runs_per_day: 2
constexpr double kCronSleep = 8 * 60;       // random_sleep: 8min
constexpr double kSpan = 60 * 24 * kHour;   // normal_renewal_span
constexpr double kResponseMean = 2 * 24 * kHour, kResponseCv = 1;
constexpr double kShares[] = {0.55, 0.30, 0.10, 0.05};  // ari, certbot (cron), email, unreached
constexpr double kServiceSlack = 60;                    // request to replacement at this load: well under a minute

Scenario small() {
  return shipped("client-classes-one-dc", {{"workload.certificates", "2M"}, {"clients.retry_after_jitter", "0%"}});
}

double lognormal_cdf(double x, double mean, double cv) {
  if (x <= 0) return 0;
  const double s2 = std::log(1 + cv * cv), mu = std::log(mean) - s2 / 2;
  return 0.5 * std::erfc(-(std::log(x) - mu) / std::sqrt(2 * s2));
}

// Expected certificates of a class not yet asking at x after the decision, and four standard
// deviations of that count: each of its n cohorts of k asks by then independently with probability p.
struct Expected {
  double not_asked, tolerance;
};
Expected not_asked(double certificates, double p) {
  const double cohorts = certificates / kCohort;
  return {certificates * (1 - p), 4 * kCohort * std::sqrt(cohorts * p * (1 - p)) + kCohort};
}

TEST(ClientClassesSimulated, BrokenSitesAreTheClassesStillSilentWhenBulkRevocationStarts) {
  const Report r = simulate(small());
  ASSERT_EQ(r.classes.size(), 4u);
  ASSERT_TRUE(r.bulk_revocation_start_s.has_value());  // the unreached never all ask: bulk revocation must come
  const double tb = *r.bulk_revocation_start_s, x = tb - kDecision;
  for (size_t k = 0; k < 4; ++k) EXPECT_EQ(r.classes[k].certificates, kShares[k] * kCertificates) << k;

  // ARI and cron clients have all asked by the decision + max(Retry-After, period + sleep): none broken.
  ASSERT_GT(x, std::max(kRetryAfter, kCronPeriod + kCronSleep) + kServiceSlack);
  for (size_t k : {0u, 1u}) {
    EXPECT_EQ(r.classes[k].revoked_before_replaced, 0) << r.classes[k].name;
    EXPECT_EQ(r.classes[k].replaced_by_deadline, r.classes[k].certificates) << r.classes[k].name;
  }
  // E-mail clients: broken unless they had answered or renewed on schedule by then.
  const double p_email = 1 - (1 - x / kSpan) * (1 - lognormal_cdf(x, kResponseMean, kResponseCv));
  const Expected email = not_asked(kShares[2] * kCertificates, p_email);
  EXPECT_NEAR(r.classes[2].revoked_before_replaced, email.not_asked, email.tolerance);
  // Unreached clients: broken unless their normal renewal (uniform over the span) came first.
  const Expected unreached = not_asked(kShares[3] * kCertificates, x / kSpan);
  EXPECT_NEAR(r.classes[3].revoked_before_replaced, unreached.not_asked, unreached.tolerance);

  double broken = 0;
  for (const ClassOutcome& c : r.classes) broken += c.revoked_before_replaced;
  EXPECT_EQ(broken, r.revoked_before_replaced);
}

TEST(ClientClassesSimulated, EachClassIsReplacedWhenItsClosedFormSays) {
  const Report r = simulate(small());
  ASSERT_EQ(r.classes.size(), 4u);
  const ClassOutcome &ari = r.classes[0], &cron = r.classes[1], &unreached = r.classes[3];
  // Sampling error of a quantile of n cohorts: sqrt(q (1 - q) / n) / density; four of them, plus service.
  auto tolerance = [](double certificates, double q, double density_per_s) {
    return 4 * std::sqrt(q * (1 - q) / (certificates / kCohort)) / density_per_s + kServiceSlack;
  };
  // ARI: uniform over [0, Retry-After] after the decision.
  EXPECT_NEAR(ari.replaced_after_decision_s.p50, 0.5 * kRetryAfter, tolerance(ari.certificates, 0.5, 1 / kRetryAfter));
  EXPECT_NEAR(ari.replaced_after_decision_s.p99, 0.99 * kRetryAfter,
              tolerance(ari.certificates, 0.99, 1 / kRetryAfter));
  // Cron: U[0, P] + U[0, S] has CDF (x - S / 2) / P on [S, P], where both quantiles fall.
  EXPECT_NEAR(cron.replaced_after_decision_s.p50, 0.5 * kCronPeriod + kCronSleep / 2,
              tolerance(cron.certificates, 0.5, 1 / kCronPeriod));
  EXPECT_NEAR(cron.replaced_after_decision_s.p99, 0.99 * kCronPeriod + kCronSleep / 2,
              tolerance(cron.certificates, 0.99, 1 / kCronPeriod));
  // Unreached, among those replaced within the run: uniform over [0, horizon - decision].
  const double asked = unreached.certificates * (kHorizon - kDecision) / kSpan;
  EXPECT_NEAR(unreached.replaced_after_decision_s.p50, 0.5 * (kHorizon - kDecision),
              tolerance(asked, 0.5, 1 / (kHorizon - kDecision)));
  EXPECT_LT(ari.replaced_after_decision_s.p50, cron.replaced_after_decision_s.p50);
  EXPECT_LT(cron.replaced_after_decision_s.p50, unreached.replaced_after_decision_s.p50);
  // Request to replacement: the HSMs are far from busy, so every class waits only for its service.
  for (const ClassOutcome& c : r.classes) EXPECT_LT(c.time_to_replace_s.p99, kServiceSlack) << c.name;
  // Their last requests: ARI within one Retry-After, cron within a period and a sleep; the others ask
  // after the horizon.
  ASSERT_TRUE(ari.last_request_s && cron.last_request_s);
  EXPECT_LE(*ari.last_request_s, kDecision + kRetryAfter);
  EXPECT_GT(*ari.last_request_s, kDecision + 0.999 * kRetryAfter);
  EXPECT_LE(*cron.last_request_s, kDecision + kCronPeriod + kCronSleep);
  EXPECT_GT(*cron.last_request_s, kDecision + kCronPeriod);
  EXPECT_FALSE(r.classes[2].last_request_s.has_value());
  EXPECT_FALSE(unreached.last_request_s.has_value());
}

}  // namespace
}  // namespace surge::test
