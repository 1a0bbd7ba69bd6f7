// A scenario's HSM entry naming a calibration profile (`profile: PATH`, written by `surge calibrate hsm`):
// the figures it yields, what overrides it, and every problem with it, to the letter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"
#include "tests/models/profile_test_support.hpp"

namespace surge {
namespace {

namespace fs = std::filesystem;
using namespace profile_test;

constexpr double kHour = 3600;

const std::string kScenario = kFixtures + "hsm-profile.yaml";
const std::string kProfile = "hsm-profile-softhsm.json";

// The fixture profile's figures, read off data/fixtures/hsm-profile-softhsm.json.
constexpr double kRsaLambda = 1500, kRsaSigma = 0.08, kRsaKappa = 0.002;
constexpr double kEcLambda = 21000, kEcSigma = 0.05, kEcKappa = 0.001;

Scenario fixture(const std::vector<Override>& overrides = {}) {
  return load_scenario(kScenario, overrides);
}

// A scratch folder holding broken profiles beside a scenario that names them.
class BrokenProfile : public ScratchProfile {
 protected:
  BrokenProfile() : ScratchProfile(kScenario, kProfile) {}
};

// A valid profile with one key type's entry replaced.
std::string profile_with(const std::string& rsa_entry) {
  return R"({"surge_profile": 1, "kind": "hsm", "metadata": {}, "key_types": {"rsa-2048": )" + rsa_entry + "}}";
}

TEST(HsmProfile, RatesEachMemberAtTheEntrysSessionsFromTheProfilesCurve) {
  const Scenario s = fixture();
  const HsmSpec& hsm = s.data_centers[0].hsm;
  ASSERT_EQ(hsm.sessions, 4);
  EXPECT_DOUBLE_EQ(hsm.signatures_per_s, usl(kRsaLambda, kRsaSigma, kRsaKappa, 4));  // 4,747/s, not luna's 10,000
  EXPECT_EQ(hsm.curve.sigma, kRsaSigma);
  EXPECT_EQ(hsm.curve.kappa, kRsaKappa);
  EXPECT_EQ(hsm.source, "profile hsm-profile-softhsm.json (/usr/lib/softhsm/libsofthsm2.so, 2026-11-30T23:00:00Z)");
  // Every fitted key type is rated, at the entry's sessions.
  EXPECT_DOUBLE_EQ(hsm.signatures_per_s_by_key.at("ecdsa-p256"), usl(kEcLambda, kEcSigma, kEcKappa, 4));
  EXPECT_EQ(hsm.signatures_per_s_by_key.count("ecdsa-p384"), 0u);  // not fitted
}

TEST(HsmProfile, TheWorkloadsKeyTypePicksRateAndCurve) {
  const Scenario s = fixture({{"workload.key_type", "ecdsa-p256"}, {"data_centers.dc1.hsm.sessions", "16"}});
  const HsmSpec& hsm = s.data_centers[0].hsm;
  EXPECT_DOUBLE_EQ(hsm.signatures_per_s, usl(kEcLambda, kEcSigma, kEcKappa, 16));
  EXPECT_EQ(hsm.curve.sigma, kEcSigma);
  EXPECT_EQ(hsm.curve.kappa, kEcKappa);
  // The curve, normalised at the sessions, gives back lambda for one busy session.
  EXPECT_NEAR(hsm.curve.throughput(hsm.signatures_per_s, 1, hsm.sessions), kEcLambda, 1e-9 * kEcLambda);
}

TEST(HsmProfile, RatesAndCurveWrittenBesideTheProfileOverrideIt) {
  const Scenario rate = fixture({{"data_centers.dc1.hsm.signatures_per_s", "3000/s"}});
  EXPECT_EQ(rate.data_centers[0].hsm.signatures_per_s, 3000);
  EXPECT_EQ(rate.data_centers[0].hsm.curve.sigma, kRsaSigma);  // the curve is still the profile's
  // A rate for one key type overrides that key type only.
  const Scenario one = fixture({{"data_centers.dc1.hsm.signatures_per_s.ecdsa-p256", "50k/s"}});
  EXPECT_EQ(one.data_centers[0].hsm.signatures_per_s_by_key.at("ecdsa-p256"), 50000);
  EXPECT_DOUBLE_EQ(one.data_centers[0].hsm.signatures_per_s, usl(kRsaLambda, kRsaSigma, kRsaKappa, 4));
  // sigma and kappa written beside the profile hold for every key type; the rate follows the new curve.
  const Scenario curve = fixture({{"data_centers.dc1.hsm.sigma", "0.1"}, {"data_centers.dc1.hsm.kappa", "0"}});
  EXPECT_EQ(curve.data_centers[0].hsm.curve.sigma, 0.1);
  EXPECT_EQ(curve.data_centers[0].hsm.curve.kappa, 0);
  EXPECT_DOUBLE_EQ(curve.data_centers[0].hsm.signatures_per_s, usl(kRsaLambda, 0.1, 0, 4));
  // A key type the profile could not fit, rated in the scenario, is accepted.
  const Scenario p384 =
      fixture({{"workload.key_type", "ecdsa-p384"}, {"data_centers.dc1.hsm.signatures_per_s", "6k/s"}});
  EXPECT_EQ(p384.data_centers[0].hsm.signatures_per_s, 6000);
}

TEST(HsmProfile, SetOnTheCommandLineRelativeToTheCurrentDirectory) {
  const std::string shipped = std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml";
  const Scenario s = load_scenario(
      shipped, {{"data_centers.dc1.hsm.profile", kFixtures + kProfile}, {"data_centers.dc1.hsm.sessions", "4"}});
  EXPECT_DOUBLE_EQ(s.data_centers[0].hsm.signatures_per_s, usl(kRsaLambda, kRsaSigma, kRsaKappa, 4));
  EXPECT_EQ(s.data_centers[1].hsm.signatures_per_s, 10000);  // dc2 keeps the catalogue's luna-2021
  // Relative to the current directory, not to the scenario's folder.
  const std::string relative = fs::relative(kFixtures + kProfile).string();
  EXPECT_DOUBLE_EQ(
      load_scenario(shipped, {{"data_centers.dc1.hsm.profile", relative}}).data_centers[0].hsm.signatures_per_s,
      usl(kRsaLambda, kRsaSigma, kRsaKappa, 30));  // luna-2021's 30 sessions
  try {
    load_scenario(shipped, {{"data_centers.dc1.hsm.profile", "missing.json"}});
    FAIL() << "a missing profile loaded";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].headline(),
              "--set data_centers.dc1.hsm.profile=missing.json: profile missing.json: cannot read missing.json");
  }
}

TEST(HsmProfile, AnalyzeAnswersWithTheProfilesCapacity) {
  // The HSM pair binds from the decision on (600M signatures asked within 6 h, faster than it signs), so
  // the last replacement is the decision plus 600M signatures over the pair's rate: the catalogue's
  // 2 x 10,000/s, or the profile's 2 x X(4).
  const Report profiled = analyze(fixture());
  const double pair = 2 * usl(kRsaLambda, kRsaSigma, kRsaKappa, 4);
  const double expected = 4 * kHour + 600e6 / pair;
  ASSERT_TRUE(profiled.completion_time_s.has_value());
  EXPECT_NEAR(*profiled.completion_time_s, expected, 0.01 * expected);
  EXPECT_EQ(profiled.bottleneck, std::vector<std::string>{"hsm:dc1"});
  EXPECT_TRUE(profiled.deadline_met);  // 21.6 h

  // The same scenario rated by the catalogue instead.
  const std::string text = replace(read(kScenario), ", sessions: 4, profile: " + kProfile, "");
  const Report catalogue = analyze(parse_scenario(text, kScenario));
  const double expected_catalogue = 4 * kHour + 600e6 / (2 * 10000);
  ASSERT_TRUE(catalogue.completion_time_s.has_value());
  EXPECT_NEAR(*catalogue.completion_time_s, expected_catalogue, 0.01 * expected_catalogue);
  EXPECT_GT(*profiled.completion_time_s, *catalogue.completion_time_s + 9 * kHour);
}

TEST_F(BrokenProfile, ACatalogueEntryMayNameAProfileRelativeToTheCatalogue) {
  fs::create_directory(dir_ / "hw");
  fs::copy_file(kFixtures + kProfile, dir_ / "hw" / "softhsm.json");
  std::ofstream(dir_ / "hw" / "catalogue.yaml") << "schema: 1\n"
                                                   "hsm:\n"
                                                   "  softhsm: {profile: softhsm.json, sessions: 8}\n"
                                                   "db:\n"
                                                   "  db-2021: {commits_per_s: 100k/s, connections: 64, source: x}\n"
                                                   "fabric:\n"
                                                   "  25g-fiber: {bandwidth: 25Gbps, latency: 10us}\n";
  const std::string text = replace(read(kScenario), "model: luna-2021, count: 2, sessions: 4, profile: " + kProfile,
                                   "model: softhsm, count: 2") +
                           "catalogue: hw/catalogue.yaml\n";
  const HsmSpec hsm = parse_scenario(text, file()).data_centers[0].hsm;
  EXPECT_DOUBLE_EQ(hsm.signatures_per_s, usl(kRsaLambda, kRsaSigma, kRsaKappa, 8));
  EXPECT_EQ(hsm.curve.sigma, kRsaSigma);
  // The scenario's sessions re-rate it; a rate written in the scenario overrides it.
  EXPECT_DOUBLE_EQ(
      parse_scenario(text, file(), {{"data_centers.dc1.hsm.sessions", "2"}}).data_centers[0].hsm.signatures_per_s,
      usl(kRsaLambda, kRsaSigma, kRsaKappa, 2));
  EXPECT_EQ(parse_scenario(text, file(), {{"data_centers.dc1.hsm.signatures_per_s", "1k/s"}})
                .data_centers[0]
                .hsm.signatures_per_s,
            1000);
  // Problems that depend on the key type point into the catalogue.
  const std::string catalogue = (dir_ / "hw" / "catalogue.yaml").string();
  EXPECT_EQ(problems(text, file(), {{"workload.key_type", "ecdsa-p384"}}),
            catalogue +
                ":3:22: profile softhsm.json: key type 'ecdsa-p384' has no fitted curve (only 4 levels; the "
                "fit needs at least 6)");
}

TEST_F(BrokenProfile, ReportsAMissingOrUnreadableFile) {
  EXPECT_EQ(problems(text(), file()), at_profile() + "cannot read " + (dir_ / "x.json").string());
  fs::create_directory(dir_ / "x.json");
  EXPECT_EQ(problems(text(), file()), at_profile() + "cannot read " + (dir_ / "x.json").string());
}

TEST_F(BrokenProfile, ReportsInvalidJsonWithTheParsersMessage) {
  // The parser's message is nlohmann-json's (3.11 on Debian 12) without its "[json.exception...]" tag.
  EXPECT_EQ(problems_with("{\"surge_profile\": 1,\n \"kind\": }"),
            at_profile() +
                "not valid JSON (parse error at line 2, column 10: syntax error while parsing value - unexpected '}'; "
                "expected '[', '{', or a literal)");
}

TEST_F(BrokenProfile, ReportsAFileThatIsNotAnHsmProfile) {
  EXPECT_EQ(problems_with("[1, 2]"), at_profile() + "not a surge profile (no 'surge_profile')");
  EXPECT_EQ(problems_with(R"({"surge_profile": 2, "kind": "hsm", "key_types": {}})"),
            at_profile() + "unsupported surge_profile 2; this surge reads 1");
  EXPECT_EQ(problems_with(R"({"surge_profile": 1, "kind": "db", "key_types": {}})"),
            at_profile() + "'kind' is \"db\", expected \"hsm\"");
  EXPECT_EQ(problems_with(R"({"surge_profile": 1, "kind": "hsm", "key_types": {}})"),
            at_profile() + "'key_types' must be a non-empty object of key types");
}

TEST_F(BrokenProfile, ReportsAKeyTypeTheProfileDoesNotHaveListingThoseItHas) {
  const std::string text = replace(this->text(), "key_type: rsa-2048", "key_type: ecdsa-p521");
  std::ofstream(dir_ / "x.json") << read(kFixtures + kProfile);
  EXPECT_EQ(problems(text, file()),
            file() + ":" + where(text, "x.json") +
                ": profile x.json: no key type 'ecdsa-p521' (it has: ecdsa-p256, ecdsa-p384, rsa-2048)");
}

TEST_F(BrokenProfile, ReportsAKeyTypeWithoutAFittedCurveQuotingWhy) {
  EXPECT_EQ(
      problems_with(profile_with(R"({"identified": false, "reason": "only 4 levels; the fit needs at least 6"})")),
      at_profile() + "key type 'rsa-2048' has no fitted curve (only 4 levels; the fit needs at least 6)");
  EXPECT_EQ(problems_with(profile_with(R"({"identified": false})")),
            at_profile() + "key type 'rsa-2048' has no fitted curve");
}

TEST_F(BrokenProfile, ReportsMissingOrNegativeParameters) {
  const std::string lambda = R"("lambda": {"value": 1500.0})";
  const std::string sigma = R"("sigma": {"value": 0.08})";
  const std::string kappa = R"("kappa": {"value": 0.002})";
  auto entry = [](const std::string& a, const std::string& b, const std::string& c) {
    return R"({"identified": true, )" + a + ", " + b + ", " + c + "}";
  };
  EXPECT_EQ(problems_with(profile_with(entry(R"("lambda": {"value": null})", sigma, kappa))),
            at_profile() + "key type 'rsa-2048': 'lambda.value' is missing");
  EXPECT_EQ(problems_with(profile_with(entry(lambda, R"("sigmas": {"value": 0.08})", kappa))),
            at_profile() + "key type 'rsa-2048': 'sigma.value' is missing");
  EXPECT_EQ(problems_with(profile_with(entry(R"("lambda": {"value": 0})", sigma, kappa))),
            at_profile() + "key type 'rsa-2048': 'lambda.value' must be positive, got '0'");
  EXPECT_EQ(problems_with(profile_with(entry(lambda, R"("sigma": {"value": -0.1})", kappa))),
            at_profile() + "key type 'rsa-2048': 'sigma.value' must not be negative, got '-0.1'");
  EXPECT_EQ(problems_with(profile_with(entry(lambda, sigma, R"("kappa": {"value": "small"})"))),
            at_profile() + "key type 'rsa-2048': 'kappa.value' must be a number, got '\"small\"'");
  EXPECT_EQ(problems_with(profile_with(R"({"lambda": {"value": 1500.0}})")),
            at_profile() + "key type 'rsa-2048': 'identified' must be true or false");
}

}  // namespace
}  // namespace surge
