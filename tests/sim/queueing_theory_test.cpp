// The simulator against exact queueing theory: a lone HSM member (data/fixtures/queue-hsm.yaml) fed by
// Poisson arrivals is an M/M/c or M/D/1 queue. Expected waits are computed here from the closed forms.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/replications.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr int kReplications = 10;
constexpr double kJobsPerReplication = 180000;

// Erlang C by the direct sum: P(wait) = (a^c / c!) / (1 - rho) / (sum_{k<c} a^k / k! + (a^c / c!) / (1 - rho)).
double erlang_c_direct(int c, double a) {
  const double rho = a / c;
  double sum = 0, term = 1;  // a^k / k!
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double top = term / (1 - rho);
  return top / (sum + top);
}

struct Measured {
  Estimate wait, sojourn, in_system, throughput, sojourn_p50, sojourn_p99;
};

Estimate figure(const sim::Replicated& r, const std::string& path) {
  const nlohmann::json& e = r.summary.at(path);
  return Estimate{e.at("mean").get<double>(), e.at("ci95").get<double>(), e.at("n").get<int>()};
}

// c sessions at 1 job/s each, Poisson arrivals at rho * c per second, service factor `service`.
Measured queue(int c, double rho, const std::string& service) {
  Scenario s = load_scenario(std::string(SURGE_SOURCE_DIR) + "/data/fixtures/queue-hsm.yaml",
                             {{"service_times.hsm.distribution", service}});
  const double lambda = rho * c;
  s.data_centers[0].hsm.sessions = c;
  s.data_centers[0].hsm.signatures_per_s = c;  // one signature per job: 1 s of service on average
  s.clients.background_issuance_per_s = lambda;
  s.incident.horizon_s = s.warm_up_s + kJobsPerReplication / lambda;
  const sim::Replicated r = sim::run_replications(s, kReplications, 2);
  const std::string hsm = "resources.hsm:dc1.";
  return Measured{figure(r, hsm + "mean_wait_s"),    figure(r, hsm + "mean_sojourn_s"),
                  figure(r, hsm + "mean_in_system"), figure(r, hsm + "throughput_per_s"),
                  figure(r, hsm + "sojourn_p50_s"),  figure(r, hsm + "sojourn_p99_s")};
}

void expect_wait(const Measured& m, double expected) {
  EXPECT_LE(m.wait.half_width, 0.02 * m.wait.mean) << "confidence interval too wide";
  EXPECT_NEAR(m.wait.mean, expected, 0.03 * expected);
}

class MM1 : public testing::TestWithParam<double> {};
TEST_P(MM1, MeanWaitAndSojournQuantilesMatchTheory) {
  const double rho = GetParam();
  const Measured m = queue(1, rho, "exponential");
  expect_wait(m, rho / (1 - rho));  // Wq = rho / (mu - lambda), mu = 1
  // A FIFO M/M/1 job's time in system is exponential with rate mu - lambda: its q-quantile is
  // -ln(1 - q) / (1 - rho).
  EXPECT_NEAR(m.sojourn_p50.mean, std::log(2.0) / (1 - rho), 0.03 * std::log(2.0) / (1 - rho));
  EXPECT_NEAR(m.sojourn_p99.mean, std::log(100.0) / (1 - rho), 0.05 * std::log(100.0) / (1 - rho));
}
INSTANTIATE_TEST_SUITE_P(Utilisations, MM1, testing::Values(0.5, 0.7, 0.85));

class MMc : public testing::TestWithParam<double> {};
TEST_P(MMc, MeanWaitMatchesErlangC) {
  const int c = 2;
  const double rho = GetParam(), a = rho * c;
  expect_wait(queue(c, rho, "exponential"), erlang_c_direct(c, a) / (c - a));  // Wq = C / (c mu - lambda)
}
INSTANTIATE_TEST_SUITE_P(Utilisations, MMc, testing::Values(0.5, 0.7, 0.85));

TEST(MD1, MeanWaitMatchesPollaczekKhinchine) {
  // Deterministic service separates a FIFO server from processor sharing: Wq = rho / (2 mu (1 - rho)).
  const double rho = 0.9;
  const Measured m = queue(1, rho, "deterministic");
  EXPECT_NEAR(m.wait.mean, rho / (2 * (1 - rho)), 0.03 * rho / (2 * (1 - rho)));
  // Under processor sharing the wait would be that of M/M/1 in sojourn terms: far from P-K.
  EXPECT_LT(m.sojourn.mean, 0.8 * (1 / (1 - rho)));
}

TEST(LittlesLaw, NumberInSystemIsThroughputTimesTimeInSystem) {
  const Measured m = queue(4, 0.8, "exponential");
  EXPECT_NEAR(m.in_system.mean, m.throughput.mean * m.sojourn.mean, 0.01 * m.in_system.mean);
}

}  // namespace
}  // namespace surge::test
