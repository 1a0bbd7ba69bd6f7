// Key types and issuers: certificates split between an RSA-2048 and an ECDSA P-384 intermediate, each
// signing on the same HSMs at its own rate, in the simulator and the analytic planner alike.
#include <gtest/gtest.h>

#include "models/analytic.hpp"
#include "tests/sim/sim_test_util.hpp"

namespace surge::test {
namespace {

constexpr double kCertificates = 40e6;
constexpr double kSignatures = 3;              // seed-2021: OCSP for the revocation, the certificate, OCSP for it
constexpr double kRsaPair_per_s = 2 * 10000;   // luna-2021 in data/catalogue.yaml, one pair
constexpr double kEcdsaPair_per_s = 2 * 7000;  // ... its ECDSA P-384 planning value
constexpr double kDecision_s = kHour;
const char* const kFiftyFifty = "[{key: rsa-2048, share: 50%}, {key: ecdsa-p384, share: 50%}]";

// The 2021 hardware in one data center; every client asks within a minute of the decision: a backlog.
std::vector<Override> backlog(const std::string& certificates, const std::string& cohort) {
  return {
      {"workload.certificates", certificates},
      {"workload.cohort_size", cohort},
      {"clients.retry_after", "1min"},
      {"incident.decision_delay", "1h"},
      {"incident.deadline", "6h"},
      {"incident.horizon", "6h"},
      {"transfers", "[]"},
  };
}

const ResourceUse& hsm_dc1(const Report& r) {
  for (const ResourceUse& u : r.resources)
    if (u.name == "hsm:dc1") return u;
  throw std::runtime_error("no hsm:dc1");
}

TEST(KeyTypes, AFiftyFiftyBacklogOnOnePairTakesEachKeysSigningTime) {
  std::vector<Override> o = backlog("40M", "2000");
  o.push_back({"workload.key_types", kFiftyFifty});
  o.push_back({"randomness", "off"});
  const Scenario s = shipped("le-2021-hardware-one-dc", o);
  // Half the signatures at the pair's RSA rate, half at its ECDSA rate, one after the other.
  const double expected = kDecision_s + kCertificates * kSignatures * (0.5 / kRsaPair_per_s + 0.5 / kEcdsaPair_per_s);
  const double per_key = kCertificates * 0.5 * kSignatures;  // 20M certificates per issuer, 3 signatures each
  // Capacity and work in RSA-2048 signatures: an ECDSA signature costs 10,000 / 7,000 of them.
  const double reference_work = per_key * (1 + kRsaPair_per_s / kEcdsaPair_per_s);

  const Report sim = simulate(s);
  ASSERT_TRUE(sim.completion_time_s);
  EXPECT_NEAR(*sim.completion_time_s, expected, 0.01 * expected);
  EXPECT_EQ(sim.signatures_by_key.at("rsa-2048"), per_key);
  EXPECT_EQ(sim.signatures_by_key.at("ecdsa-p384"), per_key);
  EXPECT_EQ(sim.signatures, 2 * per_key);  // actual signatures, not reference-key ones
  EXPECT_EQ(hsm_dc1(sim).unit, "signatures/s (rsa-2048 equivalent)");
  EXPECT_EQ(hsm_dc1(sim).capacity, kRsaPair_per_s);
  EXPECT_NEAR(hsm_dc1(sim).work, reference_work, 1e-9 * reference_work);
  ASSERT_EQ(sim.bottleneck.size(), 1u);
  EXPECT_EQ(sim.bottleneck[0], "hsm:dc1");
  const std::string text = render_text(sim);
  EXPECT_NE(text.find("\nby key     ecdsa-p384 60,000,000, rsa-2048 60,000,000 signatures\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\nhsm:dc1                           20.0k signatures/s "), std::string::npos) << text;
  EXPECT_NE(text.find("\n(HSM signatures/s: rsa-2048 equivalent)\n"), std::string::npos) << text;

  const Report an = analyze(s);
  ASSERT_TRUE(an.completion_time_s);
  EXPECT_NEAR(*an.completion_time_s, expected, 0.01 * expected);
  EXPECT_NEAR(an.signatures_by_key.at("rsa-2048"), per_key, 1e-9 * per_key);
  EXPECT_NEAR(an.signatures_by_key.at("ecdsa-p384"), per_key, 1e-9 * per_key);
  EXPECT_EQ(hsm_dc1(an).unit, "signatures/s (rsa-2048 equivalent)");
  EXPECT_NEAR(hsm_dc1(an).demand_per_certificate, reference_work / kCertificates,
              1e-12 * reference_work / kCertificates);
  EXPECT_EQ(an.bottleneck, sim.bottleneck);
}

TEST(KeyTypes, BulkRevocationPlansWithTheMixedSignatureCost) {
  // Nobody asks before the deadline (the window opens 7 h after the decision): every certificate is
  // revoked in bulk, one signature each, started when its time on the pair with the margin reaches the
  // latest end.
  std::vector<Override> o = backlog("10M", "1000");
  o.push_back({"workload.key_types", kFiftyFifty});
  o.push_back({"clients.window", "{start: 7h, end: 7h}"});
  o.push_back({"incident.horizon", "12h"});
  o.push_back({"randomness", "off"});
  const Scenario s = shipped("le-2021-hardware-one-dc", o);
  constexpr double kCertificates10M = 10e6, kMargin = 0.1, kSlack_s = 3600, kController_s = 60, kDeadline_s = 6 * kHour;
  const double mixed_s = kCertificates10M * (0.5 / kRsaPair_per_s + 0.5 / kEcdsaPair_per_s);  // 607 s
  const double latest = kDeadline_s - kSlack_s - kController_s;
  // The controller looks every minute from the decision; the planner's grid is 30 s, a divisor of it.
  const double start =
      kDecision_s + std::ceil((latest - mixed_s * (1 + kMargin) - kDecision_s) / kController_s) * kController_s;
  for (const Report& r : {simulate(s), analyze(s)}) {
    ASSERT_TRUE(r.bulk_revocation_start_s) << r.mode;
    EXPECT_EQ(*r.bulk_revocation_start_s, start) << r.mode;
    ASSERT_TRUE(r.revocation_complete_s) << r.mode;
    EXPECT_NEAR(*r.revocation_complete_s, start + mixed_s, 0.01 * mixed_s) << r.mode;
    EXPECT_EQ(r.revoked_before_replaced, kCertificates10M) << r.mode;
  }
}

TEST(KeyTypes, SignaturesByKeyFollowTheCohortRounding) {
  // 1,001 certificates in thirds: the cumulative share rounded gives the first issuer 334, the second the rest.
  constexpr double kThird = 0.333333333333, kTwoThirds = 0.666666666667;  // add up to 1 within 1e-9
  std::vector<Override> o = backlog("1001", "10");
  o.push_back(
      {"workload.key_types", "[{key: rsa-2048, share: 0.333333333333}, {key: ecdsa-p384, share: 0.666666666667}]"});
  const Scenario s = shipped("le-2021-hardware-one-dc", o);
  ASSERT_EQ(s.workload.key_types.size(), 2u);
  EXPECT_EQ(s.workload.key_types[1].share, kTwoThirds);
  const double rsa = std::round(1001 * kThird);
  const Report sim = simulate(s);
  EXPECT_EQ(sim.signatures_by_key.at("rsa-2048"), rsa * kSignatures);
  EXPECT_EQ(sim.signatures_by_key.at("ecdsa-p384"), (1001 - rsa) * kSignatures);
}

TEST(KeyTypes, ASingleKeyListGivesExactlyTheKeyTypeFormsReport) {
  std::vector<Override> single = backlog("1M", "1000"), listed = single;
  single.push_back({"workload.key_type", "ecdsa-p384"});
  listed.push_back({"workload.key_types", "[{key: ecdsa-p384, share: 100%}]"});
  const Scenario a = shipped("le-2021-hardware-one-dc", single), b = shipped("le-2021-hardware-one-dc", listed);
  auto same = [](const Report& x, const Report& y) {
    nlohmann::json jx = to_json(x, true), jy = to_json(y, true);
    jx.erase("wall_s"), jy.erase("wall_s");  // how long the run took: not part of the results
    EXPECT_EQ(jx.dump(), jy.dump());
  };
  const Report sim = simulate(a);
  same(sim, simulate(b));
  same(analyze(a), analyze(b));
  EXPECT_EQ(hsm_dc1(sim).unit, "signatures/s");
  EXPECT_EQ(hsm_dc1(sim).capacity, kEcdsaPair_per_s);
  EXPECT_EQ(sim.signatures_by_key.size(), 1u);
  EXPECT_EQ(sim.signatures_by_key.at("ecdsa-p384"), sim.signatures);
}

}  // namespace
}  // namespace surge::test
