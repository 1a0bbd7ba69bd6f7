#include "models/ct.hpp"

#include <gtest/gtest.h>

#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"

namespace surge {
namespace {

TEST(CtCertificateRate, TwoSctsAreTheSmallerOfHalfTheSumAndAllButTheLargest) {
  EXPECT_DOUBLE_EQ(ct_certificate_rate({2000, 2000}, 2), 2000);
  EXPECT_DOUBLE_EQ(ct_certificate_rate({10000, 5000, 5000}, 2), 10000);  // min(20,000 / 2, 10,000)
  EXPECT_DOUBLE_EQ(ct_certificate_rate({30000, 2000, 1000}, 2), 3000);   // the big operator waits for partners
  EXPECT_DOUBLE_EQ(ct_certificate_rate({5000}, 2), 0);                   // one operator cannot give 2 SCTs
  EXPECT_DOUBLE_EQ(ct_certificate_rate({5000, 0}, 2), 0);                // the other one is down
  // Three SCTs: min(sum / 3, (sum - largest) / 2, sum - two largest).
  EXPECT_DOUBLE_EQ(ct_certificate_rate({3000, 3000, 3000}, 3), 3000);
  EXPECT_DOUBLE_EQ(ct_certificate_rate({9000, 3000, 1000}, 3), 1000);
}

TEST(CtCertificateRate, TheTimelineDropsWhileAnOperatorIsDownAndComesBack) {
  Scenario s;
  s.ct.logs = {{"a", "x", 2000, 0, {}}, {"b", "y", 2000, 0, {}}, {"c", "z", 1000, 0, {}}};
  Failure f;
  f.kind = FailureKind::CT_OPERATOR;
  f.target = "y";
  f.at_s = 100;
  f.until_s = 200;
  s.failures.push_back(f);
  const CapacityTimeline t = ct_certificate_timeline(s);
  EXPECT_DOUBLE_EQ(t.at(50), 2500);   // min(5,000 / 2, 3,000)
  EXPECT_DOUBLE_EQ(t.at(150), 1000);  // x and z: min(1,500, 1,000)
  EXPECT_DOUBLE_EQ(t.at(250), 2500);
}

TEST(CtPrecertificate, OnlyErasThatCountThePrecertificateSignItBeforeTheScts) {
  Workload w;
  w.signatures_per_issuance = 2;
  w.era = Era::SEED_2021;
  EXPECT_EQ(precertificate_signatures(w), 0);
  w.era = Era::CRL;
  EXPECT_EQ(precertificate_signatures(w), 1);
  w.era = Era::PRECERT_2021;
  w.signatures_per_issuance = 3;
  EXPECT_EQ(precertificate_signatures(w), 1);
}

}  // namespace
}  // namespace surge
