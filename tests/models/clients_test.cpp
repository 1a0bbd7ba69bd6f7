#include "models/clients.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/scenario_parser.hpp"

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

// ---- client classes ------------------------------------------------------------------------------

constexpr double kDay = 86400;
constexpr double kSpan = 60 * kDay;  // the scenario's normal_renewal_span
constexpr double kRetryAfter = 6 * kHour;
constexpr double kClassCertificates = 100000;  // one cohort each: 100,000 independent draws
constexpr double kCronPeriod = 12 * kHour;     // two runs a day
constexpr double kWideSleep = 5 * kHour;       // a sleep comparable with the period: a marked trapezoid
constexpr double kResponseMean = 2 * kDay;
constexpr double kResponseCv = 1.0;

ClientClass client_class(const std::string& name, ClientKind kind, double share) {
  ClientClass c;
  c.name = name, c.kind = kind, c.share = share;
  return c;
}

// Four classes of 55%, 30%, 10% and 5%; ARI without jitter so that its next poll is uniform over one
// Retry-After after the decision.
Scenario with_classes(double cron_sleep_s) {
  Scenario s = base();
  s.workload.certificates = kClassCertificates;
  s.workload.cohort_size = 1;
  s.clients.retry_after_s = kRetryAfter;
  s.clients.retry_after_jitter = 0;
  ClientClass ari = client_class("ari", ClientKind::ARI, 0.55);
  ClientClass cron = client_class("certbot", ClientKind::CRON, 0.30);
  cron.runs_per_day = kDay / kCronPeriod;
  cron.random_sleep_s = cron_sleep_s;
  ClientClass email = client_class("email", ClientKind::EMAIL, 0.10);
  email.response_mean_s = kResponseMean;
  email.response.kind = DistributionKind::LOGNORMAL;
  email.response.cv = kResponseCv;
  ClientClass unreached = client_class("unreached", ClientKind::UNREACHED, 0.05);
  s.clients.classes = {ari, cron, email, unreached};
  return s;
}

// The closed forms, written here independently of models/clients.cpp; x is the time since the decision.
double uniform_cdf(double x, double width) {
  return std::clamp(x / width, 0.0, 1.0);
}
// U[0, P] + U[0, S] by numerical convolution (midpoint rule over the sleep), not the trapezoid's pieces.
double cron_cdf(double x, double period, double sleep) {
  if (sleep <= 0) return uniform_cdf(x, period);
  constexpr int kSteps = 2000;
  double sum = 0;
  for (int i = 0; i < kSteps; ++i) sum += uniform_cdf(x - (i + 0.5) * sleep / kSteps, period);
  return sum / kSteps;
}
// Lognormal with the given mean and coefficient of variation: log X ~ N(mu, s2), mean exp(mu + s2 / 2).
double lognormal_cdf(double x, double mean, double cv) {
  if (x <= 0) return 0;
  const double s2 = std::log(1 + cv * cv), mu = std::log(mean) - s2 / 2;
  return 0.5 * std::erfc(-(std::log(x) - mu) / std::sqrt(2 * s2));
}
double email_cdf(double x) {
  return 1 - (1 - uniform_cdf(x, kSpan)) * (1 - lognormal_cdf(x, kResponseMean, kResponseCv));
}

// Kolmogorov-Smirnov distance between the sample (times since the decision) and a CDF.
template <typename Cdf>
double ks_distance(std::vector<double> sample, const Cdf& cdf) {
  std::sort(sample.begin(), sample.end());
  const double n = static_cast<double>(sample.size());
  double d = 0;
  for (size_t i = 0; i < sample.size(); ++i) {
    const double f = cdf(sample[i]);
    d = std::max({d, std::abs(f - static_cast<double>(i) / n), std::abs(static_cast<double>(i + 1) / n - f)});
  }
  return d;
}

// For n independent draws from the CDF itself, P(sqrt(n) D > 1.95) is about 0.1% (Kolmogorov's limit
// distribution); with a fixed seed the test is deterministic, and a wrong shape gives D far above it
// (ARI with a 10% jitter on Retry-After gave D = 0.025 at n = 55,000, against a bound of 0.0083).
double ks_bound(size_t n) {
  constexpr double kKolmogorov999 = 1.95;
  return kKolmogorov999 / std::sqrt(static_cast<double>(n));
}

// Arrival times since the decision of each class's cohorts.
std::vector<std::vector<double>> arrivals_by_class(const Scenario& s, std::uint64_t seed) {
  std::vector<std::vector<double>> out(s.clients.classes.size());
  for (const Cohort& c : plan_arrivals(s, seed).cohorts)
    if (c.affected()) out[static_cast<size_t>(c.client_class)].push_back(c.arrival_s - s.incident.decision_delay_s);
  return out;
}

TEST(ClientClasses, EachClassHasExactlyItsShareOfTheCertificates) {
  const Scenario s = with_classes(8 * 60);
  const auto by_class = arrivals_by_class(s, 5);
  ASSERT_EQ(by_class.size(), 4u);
  EXPECT_EQ(by_class[0].size(), 55000u);
  EXPECT_EQ(by_class[1].size(), 30000u);
  EXPECT_EQ(by_class[2].size(), 10000u);
  EXPECT_EQ(by_class[3].size(), 5000u);
  // Thirds of 100 certificates: the cumulative shares are rounded, so the whole is kept exactly.
  Scenario thirds = s;
  thirds.workload.certificates = 100;
  for (ClientClass& c : thirds.clients.classes) c.share = 0;
  thirds.clients.classes.resize(3);
  for (ClientClass& c : thirds.clients.classes) c.share = 1.0 / 3;
  EXPECT_EQ(class_certificates(thirds, thirds.clients.classes), (std::vector<double>{33, 34, 33}));
}

TEST(ClientClasses, AriArrivalsAreUniformOverOneRetryAfterAfterTheDecision) {
  const auto ari = arrivals_by_class(with_classes(8 * 60), 5)[0];
  EXPECT_LT(ks_distance(ari, [](double x) { return uniform_cdf(x, kRetryAfter); }), ks_bound(ari.size()));
  EXPECT_GE(*std::min_element(ari.begin(), ari.end()), 0);
  EXPECT_LE(*std::max_element(ari.begin(), ari.end()), kRetryAfter);
}

TEST(ClientClasses, CronArrivalsAreTheNextRunPlusItsRandomSleep) {
  for (double sleep : {8 * 60.0, kWideSleep}) {
    const Scenario s = with_classes(sleep);
    const auto cron = arrivals_by_class(s, 5)[1];
    EXPECT_LT(ks_distance(cron, [&](double x) { return cron_cdf(x, kCronPeriod, sleep); }), ks_bound(cron.size()))
        << sleep;
    EXPECT_LE(*std::max_element(cron.begin(), cron.end()), kCronPeriod + sleep);
    // The planner's closed form (the trapezoid's pieces) against the convolution.
    for (double x = -kHour; x <= kCronPeriod + sleep + kHour; x += 7 * 60)
      ASSERT_NEAR(class_renewal_cdf(s, s.clients.classes[1], s.incident.decision_delay_s + x),
                  cron_cdf(x, kCronPeriod, sleep), 1e-6)
          << x;
  }
}

TEST(ClientClasses, EmailArrivalsAreTheEarlierOfTheAnswerAndTheNormalSchedule) {
  const Scenario s = with_classes(8 * 60);
  const auto email = arrivals_by_class(s, 5)[2];
  EXPECT_LT(ks_distance(email, email_cdf), ks_bound(email.size()));
  for (double x = 0; x <= 20 * kDay; x += kHour)
    ASSERT_NEAR(class_renewal_cdf(s, s.clients.classes[2], s.incident.decision_delay_s + x), email_cdf(x), 1e-9) << x;
}

TEST(ClientClasses, UnreachedClientsKeepTheirNormalSchedule) {
  const auto unreached = arrivals_by_class(with_classes(8 * 60), 5)[3];
  EXPECT_LT(ks_distance(unreached, [](double x) { return uniform_cdf(x, kSpan); }), ks_bound(unreached.size()));
}

TEST(ClientClasses, TheDefaultTwoClassesDrawExactlyAsAnExplicitAriAndUnreachedList) {
  Scenario implicit = base();
  implicit.workload.certificates = 1e6;
  implicit.clients.ari_share = 0.7;
  Scenario listed = implicit;
  listed.clients.classes = {client_class("a", ClientKind::ARI, 0.7), client_class("b", ClientKind::UNREACHED, 0.3)};
  const std::vector<ClientClass> defaults = client_classes(implicit);
  ASSERT_EQ(defaults.size(), 2u);
  EXPECT_EQ(defaults[0].name, "ari");
  EXPECT_EQ(defaults[1].name, "unreached");
  EXPECT_EQ(defaults[1].kind, ClientKind::UNREACHED);
  const ArrivalPlan a = plan_arrivals(implicit, 9), b = plan_arrivals(listed, 9);
  ASSERT_EQ(a.cohorts.size(), b.cohorts.size());
  for (size_t i = 0; i < a.cohorts.size(); ++i) {
    ASSERT_EQ(a.cohorts[i].arrival_s, b.cohorts[i].arrival_s) << i;
    ASSERT_EQ(a.cohorts[i].client_class, b.cohorts[i].client_class) << i;
  }
}

TEST(ClientClasses, AddingAClassLeavesTheOthersDrawsAlone) {
  Scenario s = with_classes(8 * 60);
  const auto before = arrivals_by_class(s, 5);
  s.clients.classes[3].share = 0.04;
  s.clients.classes.push_back(client_class("late", ClientKind::UNREACHED, 0.01));
  const auto after = arrivals_by_class(s, 5);
  for (size_t k = 0; k < 3; ++k) {
    auto x = before[k], y = after[k];
    std::sort(x.begin(), x.end()), std::sort(y.begin(), y.end());
    EXPECT_EQ(x, y) << k;
  }
}

TEST(ClientClasses, WithRandomnessOffEachClassSitsAtItsQuantiles) {
  Scenario s = with_classes(kWideSleep);
  s.randomness = false;
  s.workload.cohort_size = 100;  // 300 cron cohorts
  const auto cron = arrivals_by_class(s, 5)[1];
  ASSERT_EQ(cron.size(), 300u);
  std::vector<double> sorted = cron;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    ASSERT_NEAR(cron_cdf(sorted[i], kCronPeriod, kWideSleep), (static_cast<double>(i) + 0.5) / 300, 1e-6) << i;
}

// The cumulative rounding, written here independently of models/clients.cpp.
std::vector<double> rounded_parts(double total, const std::vector<double>& shares) {
  std::vector<double> out;
  double cumulative = 0, before = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    cumulative += shares[i];
    const double upto = i + 1 == shares.size() ? total : std::round(total * cumulative);
    out.push_back(upto - before);
    before = upto;
  }
  return out;
}

Scenario with_keys(const Scenario& s, const std::vector<double>& shares) {
  Scenario out = s;
  const char* names[] = {"rsa-2048", "ecdsa-p384", "ecdsa-p256"};
  for (size_t k = 0; k < shares.size(); ++k) out.workload.key_types.push_back(KeyShare{names[k], shares[k], {}});
  return out;
}

TEST(KeyTypes, EachClassAndTheBackgroundSplitByKeyWithCumulativeRounding) {
  Scenario s = with_classes(8 * 60);
  s.workload.certificates = 1001;
  s.clients.background_issuance_per_s = 0.001;  // over the 96 h horizon: 345.6, so 346
  const std::vector<double> shares{0.25, 0.4, 0.35};
  s = with_keys(s, shares);
  std::vector<double> class_shares;
  for (const ClientClass& c : s.clients.classes) class_shares.push_back(c.share);
  std::vector<std::vector<double>> expected;  // by class, the background last; by key
  for (double n : rounded_parts(1001, class_shares)) expected.push_back(rounded_parts(n, shares));
  expected.push_back(rounded_parts(std::round(0.001 * s.incident.horizon_s), shares));
  for (bool randomness : {true, false}) {
    s.randomness = randomness;
    for (int cohort : {1, 7}) {
      s.workload.cohort_size = cohort;
      std::vector<std::vector<double>> got(expected.size(), std::vector<double>(shares.size(), 0.0));
      for (const Cohort& c : plan_arrivals(s, 3).cohorts) {
        const size_t row = c.affected() ? static_cast<size_t>(c.client_class) : expected.size() - 1;
        got[row][static_cast<size_t>(c.key)] += c.size;
      }
      EXPECT_EQ(got, expected) << randomness << " " << cohort;
    }
  }
  double affected = 0;
  for (size_t i = 0; i + 1 < expected.size(); ++i)
    for (double n : expected[i]) affected += n;
  EXPECT_EQ(affected, 1001);
}

TEST(KeyTypes, OneKeyListPlansExactlyAsTheSingleKey) {
  Scenario s = with_classes(8 * 60);
  s.workload.cohort_size = 3;
  const Scenario listed = with_keys(s, {1.0});
  for (bool randomness : {true, false}) {
    s.randomness = randomness;
    Scenario l = listed;
    l.randomness = randomness;
    const ArrivalPlan a = plan_arrivals(s, 9), b = plan_arrivals(l, 9);
    ASSERT_EQ(a.cohorts.size(), b.cohorts.size());
    for (size_t i = 0; i < a.cohorts.size(); ++i) {
      ASSERT_EQ(a.cohorts[i].arrival_s, b.cohorts[i].arrival_s) << i;
      ASSERT_EQ(a.cohorts[i].size, b.cohorts[i].size) << i;
      ASSERT_EQ(b.cohorts[i].key, 0) << i;
    }
  }
}

TEST(KeyTypes, SplittingByKeyKeepsEachClassesDraws) {
  // One certificate per cohort: a class's issuers take its stream's draws in turn, so each class draws
  // the same times as with one key, and the issuers only label them.
  const Scenario s = with_classes(8 * 60);
  const Scenario split = with_keys(s, {0.6, 0.4});
  const auto before = arrivals_by_class(s, 5), after = arrivals_by_class(split, 5);
  for (size_t k = 0; k < before.size(); ++k) {
    auto x = before[k], y = after[k];
    std::sort(x.begin(), x.end()), std::sort(y.begin(), y.end());
    EXPECT_EQ(x, y) << k;
  }
  size_t ecdsa = 0;
  for (const Cohort& c : plan_arrivals(split, 5).cohorts) ecdsa += c.key == 1 ? 1 : 0;
  EXPECT_EQ(ecdsa, 40000u);  // 40% of 100,000
}

// ---- incident batches ----------------------------------------------------------------------------

constexpr double kBatchRetryAfter = kHour;  // every ARI client polls once an hour, no jitter
constexpr double kBatchEvery = 3 * kHour;   // four batches: at 0, 3 h, 6 h, 9 h after the decision
constexpr int kBatchCount = 4;
constexpr double kBatchCertificates = 400000;
constexpr int kBatchCohort = 10;

std::vector<IncidentBatch> equal_batches(int count, double every_s) {
  std::vector<IncidentBatch> out;
  for (int b = 0; b < count; ++b) out.push_back(IncidentBatch{1.0 / count, b * every_s, {}});
  return out;
}

// Only ARI clients, the window already open, no clustering: each batch asks over one Retry-After from
// its enabling.
Scenario staged_ari(bool randomness) {
  Scenario s = base();
  s.randomness = randomness;
  s.workload.certificates = kBatchCertificates;
  s.workload.cohort_size = kBatchCohort;
  s.clients.classes.clear();
  s.clients.ari_share = 1;
  s.clients.retry_after_s = kBatchRetryAfter;
  s.clients.retry_after_jitter = 0;
  s.clients.window_start_s = s.clients.window_end_s = 0;
  s.clients.burst_share = 0;
  s.clients.background_issuance_per_s = 0;
  s.incident.batches = equal_batches(kBatchCount, kBatchEvery);
  return s;
}

// Share asked by x after the decision: sum over batches of share x min(1, max(0, x - E_b) / RA).
double staged_ari_cdf(double x) {
  double asked = 0;
  for (int b = 0; b < kBatchCount; ++b) asked += uniform_cdf(x - b * kBatchEvery, kBatchRetryAfter) / kBatchCount;
  return asked;
}

// Affected certificates asking by x after the decision, in a plan.
double asked_by(const ArrivalPlan& plan, double decision, double x) {
  double n = 0;
  for (const Cohort& c : plan.cohorts)
    if (c.affected() && c.arrival_s - decision <= x) n += c.size;
  return n;
}

TEST(IncidentBatches, AriClientsAskOverOneRetryAfterFromEachBatchsEnabling) {
  const Scenario s = staged_ari(false);
  const ClientClass ari = client_classes(s)[0];
  const double d = s.incident.decision_delay_s;
  // The closed form the planner uses.
  for (double x = -kHour; x <= 12 * kHour; x += 5 * 60)
    ASSERT_NEAR(class_arrival_cdf(s, ari, d + x), staged_ari_cdf(x), 1e-12) << x;
  // The simulator's plan without randomness: each batch's cohorts at its quantiles, so the count by any
  // time is N x F within one cohort per batch.
  const ArrivalPlan means = plan_arrivals(s, 1);
  for (double x = 0; x <= 11 * kHour; x += 7 * 60)
    ASSERT_NEAR(asked_by(means, d, x), kBatchCertificates * staged_ari_cdf(x), kBatchCount * kBatchCohort) << x;
  EXPECT_EQ(asked_by(means, d, 10 * kHour), kBatchCertificates);
  // Random draws: within sampling tolerance of the same curve (40,000 independent cohorts).
  const ArrivalPlan drawn = plan_arrivals(staged_ari(true), 11);
  std::vector<double> times;
  for (const Cohort& c : drawn.cohorts) times.push_back(c.arrival_s - d);
  ASSERT_EQ(times.size(), static_cast<size_t>(kBatchCertificates / kBatchCohort));
  EXPECT_LT(ks_distance(times, staged_ari_cdf), ks_bound(times.size()));
}

TEST(IncidentBatches, SplitEveryClassByCumulativeRoundingIntoHomogeneousCohorts) {
  Scenario s = staged_ari(false);
  s.workload.certificates = 10;
  s.workload.cohort_size = 2;
  s.incident.batches = equal_batches(3, kBatchEvery);
  EXPECT_EQ(batch_certificates(s, 10), (std::vector<double>{3, 4, 3}));  // round(10/3), round(20/3) - 3, rest
  // Cohorts of 2, 2 | 2, 2 | 2, 1: each batch's last cohort is short rather than straddling two batches.
  std::vector<int> sizes;
  for (const Cohort& c : plan_arrivals(s, 1).cohorts) sizes.push_back(c.size);
  EXPECT_EQ(sizes, (std::vector<int>{2, 1, 2, 2, 2, 1}));
}

TEST(IncidentBatches, OneBatchAtTheDecisionDrawsExactlyAsNoBatches) {
  for (bool randomness : {true, false}) {
    Scenario none = with_classes(8 * 60);
    none.randomness = randomness;
    Scenario one = none;
    one.incident.batches = {IncidentBatch{1.0, 0.0, {}}};
    const ArrivalPlan a = plan_arrivals(none, 5), b = plan_arrivals(one, 5);
    ASSERT_EQ(a.cohorts.size(), b.cohorts.size());
    for (size_t i = 0; i < a.cohorts.size(); ++i) {
      ASSERT_EQ(a.cohorts[i].arrival_s, b.cohorts[i].arrival_s) << i;
      ASSERT_EQ(a.cohorts[i].client_class, b.cohorts[i].client_class) << i;
    }
  }
}

TEST(IncidentBatches, EmailAnswersCountFromTheBatchWhileCronAndUnreachedKeepTheirSchedule) {
  constexpr double kSecond = 12 * kHour;  // two halves: at the decision and 12 h later
  const Scenario before = with_classes(8 * 60);
  Scenario s = before;
  s.incident.batches = {IncidentBatch{0.5, 0, {}}, IncidentBatch{0.5, kSecond, {}}};
  const double d = s.incident.decision_delay_s;
  // E-mail: half answer from the decision, half from 12 h later; the normal schedule runs from the decision.
  auto email_staged = [&](double x) {
    const double late = 1 - (1 - uniform_cdf(x, kSpan)) * (1 - lognormal_cdf(x - kSecond, kResponseMean, kResponseCv));
    return 0.5 * email_cdf(x) + 0.5 * late;
  };
  for (double x = 0; x <= 20 * kDay; x += kHour)
    ASSERT_NEAR(class_arrival_cdf(s, s.clients.classes[2], d + x), email_staged(x), 1e-9) << x;
  const auto drawn = arrivals_by_class(s, 5), unstaged = arrivals_by_class(before, 5);
  EXPECT_LT(ks_distance(drawn[2], email_staged), ks_bound(drawn[2].size()));
  EXPECT_GT(ks_distance(drawn[2], email_cdf), 2 * ks_bound(drawn[2].size()));  // the shift is visible
  // Cron and unreached clients listen to neither ARI nor e-mail: the same draws, the same closed form.
  EXPECT_EQ(drawn[1], unstaged[1]);
  EXPECT_EQ(drawn[3], unstaged[3]);
  for (size_t k : {1u, 3u})
    for (double x = 0; x <= 2 * kDay; x += kHour)
      ASSERT_EQ(class_arrival_cdf(s, s.clients.classes[k], d + x),
                class_renewal_cdf(before, before.clients.classes[k], d + x));
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
