// The seed's figures (Let's Encrypt, "200 million certificates a day"), recomputed here from the
// catalogue and the cost model: a planner checks these first.
#include <gtest/gtest.h>

#include "models/scenario_parser.hpp"
#include "models/workload.hpp"

namespace surge {
namespace {

constexpr double kDay_s = 24 * 3600;

Scenario scenario(const std::string& name, const std::vector<Override>& overrides = {}) {
  return load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml", overrides);
}

TEST(SeedArithmetic, OldHsmPairSigns190080000ADay) {
  const Scenario s = scenario("le-2020-hardware-one-dc");
  const DataCenter& dc = s.data_centers[0];
  ASSERT_EQ(dc.hsm_count, 2);
  EXPECT_EQ(dc.hsm.signatures_per_s, 1100);
  // "approximately 1,100 signing operations each per second, 2,200 between the pair. That's 190,080,000"
  EXPECT_EQ(dc.hsm_count * dc.hsm.signatures_per_s * kDay_s, 190080000.0);
}

TEST(SeedArithmetic, NewHsmUnitSigns864000000ADayAndThePairTwice) {
  const Scenario s = scenario("le-2021-hardware-one-dc");
  const DataCenter& dc = s.data_centers[0];
  // The seed's "864,000,000 signing operations in 24 hours from a single data center" is one unit.
  EXPECT_EQ(dc.hsm.signatures_per_s * kDay_s, 864000000.0);
  EXPECT_EQ(dc.hsm_count * dc.hsm.signatures_per_s * kDay_s, 1728000000.0);
}

TEST(SeedArithmetic, TwoHundredMillionReplacementsNeedSixHundredMillionSignatures) {
  const Scenario s = scenario("le-2021-hardware-one-dc");
  const CostModel cost = cost_model(s);
  EXPECT_EQ(cost.signatures_per_certificate(), 3);  // OCSP revoke + certificate + OCSP new
  EXPECT_EQ(s.workload.certificates * cost.signatures_per_certificate(), 600e6);
  // The old pair falls short in a day ("That isn't enough"); one new unit alone would suffice.
  EXPECT_LT(2 * 1100 * kDay_s, 600e6);
  EXPECT_GT(10000 * kDay_s, 600e6);
}

TEST(SeedArithmetic, SignaturesPerCertificateFollowTheEra) {
  EXPECT_EQ(
      cost_model(scenario("le-2021-hardware-one-dc", {{"workload.era", "precert-2021"}})).signatures_per_certificate(),
      4);
  const CostModel crl = cost_model(scenario("le-2021-hardware-one-dc", {{"workload.era", "crl"}}));
  EXPECT_EQ(crl.issuance.signatures, 2);    // precertificate + certificate
  EXPECT_EQ(crl.revocation.signatures, 0);  // a CRL entry; shards are re-signed periodically
  EXPECT_DOUBLE_EQ(crl.crl_signatures_per_s, 128.0 / (6 * 3600));
}

TEST(SeedArithmetic, BackgroundSigningRatesFollowTheEra) {
  const Scenario ocsp = scenario("le-2021-hardware-one-dc",
                                 {{"workload.active_certificates", "150M"}, {"workload.ocsp_resign_period", "3d"}});
  EXPECT_DOUBLE_EQ(cost_model(ocsp).ocsp_resign_signatures_per_s, 150e6 / (3 * kDay_s));
  EXPECT_DOUBLE_EQ(background_signatures_per_s(ocsp), 150e6 / (3 * kDay_s));
  EXPECT_FALSE(crl_generation(ocsp));
  EXPECT_EQ(background_signatures_per_s(scenario("le-2021-hardware-one-dc")), 0);  // absent: off

  const Scenario crl = scenario("le-2021-hardware-one-dc", {{"workload.era", "crl"}});
  EXPECT_TRUE(crl_generation(crl));
  EXPECT_EQ(issuer_count(crl), 1);
  EXPECT_DOUBLE_EQ(background_signatures_per_s(crl), 128.0 / (6 * 3600));
  EXPECT_EQ(cost_model(crl).crl_read_bytes_per_revocation, 200);   // a revokedCertificates row
  EXPECT_EQ(cost_model(crl).crl_upload_bytes_per_revocation, 40);  // 200M entries: 8 GB
}

TEST(SeedArithmetic, IssuanceCommitsAsBoulderSaDoes) {
  const CostModel cost = cost_model(scenario("le-2021-hardware-one-dc"));
  // NewOrderAndAuthzs, then the ~7 finalize commits; authorizations reused (no FinalizeAuthorization2).
  std::vector<std::string> names;
  for (const CommitStep& c : cost.issuance.steps) names.push_back(c.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"NewOrderAndAuthzs", "SetOrderProcessing", "AddSerial", "AddPrecertificate",
                                      "SetCertificateStatusReady", "AddCertificate", "AddFQDNSet", "FinalizeOrder"}));
  EXPECT_EQ(cost.issuance.commits, 8);
  EXPECT_EQ(cost.revocation.commits, 1);
  // Fresh authorizations add one FinalizeAuthorization2 commit per new name.
  const CostModel fresh = cost_model(scenario(
      "le-2021-hardware-one-dc", {{"workload.new_authz_share", "1"}, {"workload.names_per_certificate", "2"}}));
  EXPECT_EQ(fresh.issuance.commits, 8 + 2);
}

}  // namespace
}  // namespace surge
