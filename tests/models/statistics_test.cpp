#include "models/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "models/distributions.hpp"

namespace surge {
namespace {

TEST(Statistics, StudentQuantilesMatchTheTables) {
  EXPECT_NEAR(student_t_975(1), 12.706, 1e-3);
  EXPECT_NEAR(student_t_975(9), 2.262, 1e-3);
  EXPECT_NEAR(student_t_975(29), 2.045, 1e-3);
}

TEST(Statistics, EstimateIsTheMeanWithATIntervalHalfWidth) {
  const Estimate e = estimate({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(e.mean, 3);
  EXPECT_NEAR(e.half_width, 2.776 * std::sqrt(2.5) / std::sqrt(5.0), 1e-3);  // s^2 = 2.5, t(4) = 2.776
  EXPECT_EQ(estimate({7}).half_width, 0);
}

TEST(Statistics, SummarizesEveryNumericFigureByPathSkippingNulls) {
  const std::vector<nlohmann::json> runs = {
      {{"completion_time_s", 10.0}, {"deadline_met", true}, {"resources", {{{"name", "hsm:dc1"}, {"work", 4.0}}}}},
      {{"completion_time_s", nullptr}, {"deadline_met", false}, {"resources", {{{"name", "hsm:dc1"}, {"work", 6.0}}}}}};
  const nlohmann::json s = summarize(runs);
  EXPECT_EQ(s["completion_time_s"]["n"], 1);
  EXPECT_DOUBLE_EQ(s["deadline_met"]["mean"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(s["resources.hsm:dc1.work"]["mean"].get<double>(), 5.0);
}

TEST(Statistics, ReplicationSeedsAreDistinctAndStable) {
  EXPECT_NE(replication_seed(1, 0), replication_seed(1, 1));
  EXPECT_NE(replication_seed(1, 0), replication_seed(2, 0));
  EXPECT_EQ(replication_seed(1, 3), replication_seed(1, 3));
}

double sample_mean(const Distribution& d, double* scv_out) {
  Rng rng(5, 0);
  constexpr int kDraws = 400000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = d.draw(rng);
    sum += x, sum2 += x * x;
  }
  const double m = sum / kDraws;
  *scv_out = (sum2 / kDraws - m * m) / (m * m);
  return m;
}

TEST(Distributions, HaveMeanOneAndTheirStatedVariability) {
  double scv = 0;
  Distribution e;
  e.kind = DistributionKind::EXPONENTIAL;
  EXPECT_NEAR(sample_mean(e, &scv), 1.0, 0.01);
  EXPECT_NEAR(scv, 1.0, 0.02);
  Distribution l;
  l.kind = DistributionKind::LOGNORMAL;
  l.cv = 0.5;
  EXPECT_NEAR(sample_mean(l, &scv), 1.0, 0.01);
  EXPECT_NEAR(scv, 0.25, 0.01);
  Distribution emp;
  emp.kind = DistributionKind::EMPIRICAL;
  emp.sample = {0.5, 1.0, 1.5};  // already mean 1
  EXPECT_NEAR(sample_mean(emp, &scv), 1.0, 0.01);
  EXPECT_NEAR(emp.scv(), (0.25 + 1 + 2.25) / 3 - 1, 1e-12);
  Distribution det;
  EXPECT_EQ(sample_mean(det, &scv), 1.0);
  EXPECT_EQ(det.scv(), 0);
}

}  // namespace
}  // namespace surge
