// Certificate Transparency: logs slower than the HSMs bind, and an operator's outage stops issuance
// until it returns, in the simulator and the analytic planner alike.
#include <gtest/gtest.h>

#include <algorithm>

#include "models/analytic.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kCertificates = 10e6;
constexpr double kLogRate = 2000;  // submissions/s per log, one log per operator
constexpr double kOutageStart_s = 1000, kOutageEnd_s = 2000;

// The 2021 hardware in one data center (20,000 signatures/s: 5,000 certificates/s in precert-2021's 4
// signatures) behind two CT operators of 2,000 submissions/s each: 2 SCTs each, 2,000 certificates/s.
// Every client asks within a minute of the decision at t = 0: a backlog.
std::vector<Override> ct_bound(bool outage) {
  std::vector<Override> o = {
      {"workload.certificates", "10M"},
      {"workload.era", "precert-2021"},
      {"workload.cohort_size", "1000"},
      {"clients.retry_after", "1min"},
      {"incident.decision_delay", "0h"},
      {"incident.deadline", "6h"},
      {"incident.horizon", "6h"},
      {"transfers", "[]"},
      {"ct",
       "{scts_required: 2, logs: [{name: argon, operator: google, rate: 2000/s, latency: 300ms},"
       " {name: oak, operator: letsencrypt, rate: 2000/s, latency: 300ms}]}"},
  };
  o.push_back({"failures", outage ? "[{data_center: dc2, at: 0h}, {ct_operator: google, at: 1000s, until: 2000s}]"
                                  : "[{data_center: dc2, at: 0h}]"});
  return o;
}

bool names_ct(const std::vector<std::string>& bottleneck) {
  return bottleneck.size() == 1 && bottleneck[0] == "ct:argon+ct:oak";
}

double ct_submissions(const Report& r) {
  double sum = 0;
  for (const ResourceUse& u : r.resources)
    if (u.kind == "ct") sum += u.work;
  return sum;
}

TEST(CertificateTransparency, LogsSlowerThanTheHsmsBindAndSetTheCompletion) {
  const Scenario s = shipped("le-2021-hardware-one-dc", ct_bound(false));
  const double expected = kCertificates / kLogRate;  // decision at 0: 5,000 s
  const Report sim = simulate(s);
  ASSERT_TRUE(sim.completion_time_s);
  EXPECT_NEAR(*sim.completion_time_s, expected, 0.02 * expected);
  EXPECT_TRUE(names_ct(sim.bottleneck)) << sim.bottleneck.size();
  // Every certificate issued got 2 SCTs: the logs' submissions add up to twice the issuance.
  EXPECT_DOUBLE_EQ(ct_submissions(sim), 2 * sim.replaced_within_horizon);
  EXPECT_EQ(sim.replaced_within_horizon, kCertificates);
  ASSERT_TRUE(sim.sct_wait_mean_s);
  EXPECT_GT(*sim.sct_wait_mean_s, 0.3);  // at least the logs' latency
  auto it = std::find(sim.series_columns.begin(), sim.series_columns.end(), "util:ct:argon");
  EXPECT_NE(it, sim.series_columns.end());
  EXPECT_NE(std::find(sim.series_columns.begin(), sim.series_columns.end(), "queue:ct"), sim.series_columns.end());

  const Report an = analyze(s);
  ASSERT_TRUE(an.completion_time_s);
  EXPECT_NEAR(*an.completion_time_s, expected, 0.02 * expected);
  EXPECT_TRUE(names_ct(an.bottleneck));
}

TEST(CertificateTransparency, OneOfTwoOperatorsDownStopsIssuanceUntilItReturns) {
  const Scenario s = shipped("le-2021-hardware-one-dc", ct_bound(true));
  const double expected = kCertificates / kLogRate + (kOutageEnd_s - kOutageStart_s);
  const Report sim = simulate(s);
  ASSERT_TRUE(sim.completion_time_s);
  EXPECT_NEAR(*sim.completion_time_s, expected, 0.02 * expected);
  EXPECT_TRUE(names_ct(sim.bottleneck));
  EXPECT_DOUBLE_EQ(ct_submissions(sim), 2 * sim.replaced_within_horizon);

  const size_t t = 0;
  const size_t replaced = static_cast<size_t>(
      std::find(sim.series_columns.begin(), sim.series_columns.end(), "replaced") - sim.series_columns.begin());
  ASSERT_LT(replaced, sim.series_columns.size());
  constexpr double kSample_s = 60;  // the series' step: work in flight at the outage's start may finish in it
  double flat = -1, at_return = -1, after = -1;
  for (const std::vector<double>& row : sim.series) {
    if (row[t] >= kOutageStart_s + kSample_s && row[t] <= kOutageEnd_s) {
      if (flat < 0) flat = row[replaced];
      EXPECT_EQ(row[replaced], flat) << "issued at t = " << row[t] << " s while google was down";
    }
    if (row[t] <= kOutageEnd_s) at_return = row[replaced];
    if (row[t] <= kOutageEnd_s + 2 * kSample_s) after = row[replaced];
  }
  EXPECT_GT(flat, 0);
  EXPECT_GT(after, at_return);  // issuance resumes when the operator returns

  const Report an = analyze(s);
  ASSERT_TRUE(an.completion_time_s);
  EXPECT_NEAR(*an.completion_time_s, expected, 0.02 * expected);
  EXPECT_TRUE(names_ct(an.bottleneck));
}

}  // namespace
}  // namespace surge::test
