// Common random numbers: two scenarios that differ in one parameter and share a seed give the same
// entities the same draws, so their difference is the parameter's effect, not noise.
#include <gtest/gtest.h>

#include <cmath>

#include "models/clients.hpp"
#include "sim/replications.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr int kReplications = 6;

std::vector<double> waits(const Scenario& s) {
  std::vector<double> out;
  for (const Report& r : sim::run_replications(s, kReplications, 2).runs)
    for (const ResourceUse& u : r.resources)
      if (u.name == "hsm:dc1") out.push_back(u.mean_wait_s.value_or(-1));
  return out;
}

TEST(CommonRandomNumbers, PairedDifferencesAreLessNoisyThanIndependentOnes) {
  // M/M/1 at 0.8 against the same queue with a 10% faster HSM.
  Scenario a = load_scenario(std::string(SURGE_SOURCE_DIR) + "/data/fixtures/queue-hsm.yaml");
  a.clients.background_issuance_per_s = 0.8;
  a.incident.horizon_s = a.warm_up_s + 40000 / 0.8;
  Scenario b = a;
  b.data_centers[0].hsm.signatures_per_s = 1.1;
  // The arrivals do not depend on the HSM: the same seed gives the same requests.
  const ArrivalPlan pa = plan_arrivals(a, 7), pb = plan_arrivals(b, 7);
  ASSERT_EQ(pa.cohorts.size(), pb.cohorts.size());
  for (size_t i = 0; i < pa.cohorts.size(); i += 997) EXPECT_EQ(pa.cohorts[i].arrival_s, pb.cohorts[i].arrival_s);

  Scenario b_other = b;
  b_other.seed = 1001;
  const std::vector<double> wa = waits(a), wb = waits(b), wo = waits(b_other);
  std::vector<double> paired, independent;
  for (int r = 0; r < kReplications; ++r) {
    paired.push_back(wa[static_cast<size_t>(r)] - wb[static_cast<size_t>(r)]);
    independent.push_back(wa[static_cast<size_t>(r)] - wo[static_cast<size_t>(r)]);
  }
  const Estimate p = estimate(paired), i = estimate(independent);
  EXPECT_GT(p.mean, 0);  // the faster HSM waits less
  EXPECT_LT(p.half_width, i.half_width);
  // The replications' waits move together when the streams are shared, and not otherwise.
  auto correlation = [](const std::vector<double>& x, const std::vector<double>& y) {
    const double mx = estimate(x).mean, my = estimate(y).mean;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t k = 0; k < x.size(); ++k) {
      sxy += (x[k] - mx) * (y[k] - my);
      sxx += (x[k] - mx) * (x[k] - mx);
      syy += (y[k] - my) * (y[k] - my);
    }
    return sxy / std::sqrt(sxx * syy);
  };
  EXPECT_GT(correlation(wa, wb), 0.6);
  EXPECT_LT(correlation(wa, wo), correlation(wa, wb) - 0.3);
}

}  // namespace
}  // namespace surge::test
