#include "clients.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "scenario_parser.hpp"

namespace surge {
namespace {

constexpr double kHour = 3600;
constexpr int kDraws = 200000;

Scenario base() {
  return load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml");
}

TEST(AriClients, LearnAtTheirNextPollWithTheForwardRecurrenceMean) {
  const Scenario s = base();  // Retry-After 6 h +/- 20%, window already open
  Rng rng(7, 0);
  const double a = 4.8 * kHour, b = 7.2 * kHour, decision = s.incident.decision_delay_s;
  double sum = 0, lo = 1e18, hi = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double t = draw_ari_renewal(s, rng) - decision;
    sum += t, lo = std::min(lo, t), hi = std::max(hi, t);
  }
  // Renewal theory: the wait until the next poll has mean E[X^2] / (2 E[X]) = (a^2 + ab + b^2) / (3 (a + b)).
  const double expected = (a * a + a * b + b * b) / (3 * (a + b));
  EXPECT_NEAR(sum / kDraws, expected, 0.01 * expected);
  EXPECT_GE(lo, 0);
  EXPECT_LE(hi, b);
}

TEST(AriClients, RenewAtAUniformTimeInAWindowSpreadIntoTheFuture) {
  Scenario s = base();
  s.clients.window_start_s = 0;
  s.clients.window_end_s = 12 * kHour;
  Rng rng(7, 0);
  int late = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double t = draw_ari_renewal(s, rng) - s.incident.decision_delay_s;
    ASSERT_LE(t, 12 * kHour);
    if (t > 7.2 * kHour) ++late;  // past the latest poll, only the window's draw decides
  }
  EXPECT_NEAR(static_cast<double>(late) / kDraws, (12 - 7.2) / 12, 0.005);
}

TEST(AriClients, RetryAfterIsClampedToOneMinuteAtLeast) {
  Scenario s = base();
  s.clients.retry_after_s = 1;  // clients clamp to [1 min, 1 day]
  s.clients.retry_after_jitter = 0;
  Rng rng(3, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_LE(draw_ari_renewal(s, rng) - s.incident.decision_delay_s, 60.0);
}

TEST(Clustering, MovesTheConfiguredShareToTheTopOfTheHour) {
  Clients c;
  c.burst_share = 0.3;
  c.burst_width_s = 60;
  Rng rng(11, 0);
  int in_burst = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double t = apply_clustering(c, 1800 + rng.uniform() * 1000, rng);  // never near a top of hour itself
    if (std::fmod(t, kHour) < 60) ++in_burst;
  }
  EXPECT_NEAR(static_cast<double>(in_burst) / kDraws, 0.3, 0.005);
}

TEST(ArrivalPlan, CoversEveryCertificateInCohortsAndIsReproducible) {
  Scenario s = base();
  s.workload.certificates = 1e6;
  s.workload.cohort_size = 0;  // auto: ceil(1M / 200,000) = 5
  s.clients.ari_share = 0.5;
  const ArrivalPlan p = plan_arrivals(s, 42);
  double total = 0;
  for (const Cohort& c : p.cohorts) {
    total += c.size;
    EXPECT_LE(c.size, 5);
  }
  EXPECT_EQ(total, 1e6);
  EXPECT_TRUE(std::is_sorted(p.cohorts.begin(), p.cohorts.end(),
                             [](const Cohort& x, const Cohort& y) { return x.arrival_s < y.arrival_s; }));
  // Clients without ARI renew uniformly over 60 days: about 96 h / 60 d of them within the horizon.
  EXPECT_NEAR(p.affected_beyond_horizon / 5e5, 1 - (96.0 - 4.0) / (60 * 24), 0.01);

  const ArrivalPlan again = plan_arrivals(s, 42);
  ASSERT_EQ(again.cohorts.size(), p.cohorts.size());
  for (size_t i = 0; i < p.cohorts.size(); ++i) ASSERT_EQ(again.cohorts[i].arrival_s, p.cohorts[i].arrival_s);
  const ArrivalPlan other = plan_arrivals(s, 43);
  EXPECT_NE(other.cohorts[0].arrival_s, p.cohorts[0].arrival_s);
}

TEST(Rng, IsTheSameSequenceOnEveryMachine) {
  // xoshiro256** from splitmix64(seed ^ golden * (stream + 1)): a fixed seed gives fixed bits.
  Rng a(1, 0), b(1, 0), c(1, 1);
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
  }
  double sum = 0;
  Rng u(5, 0);
  for (int i = 0; i < kDraws; ++i) sum += u.exponential(2.0);
  EXPECT_NEAR(sum / kDraws, 2.0, 0.02);
}

}  // namespace
}  // namespace surge
