// A scenario's DB entry naming a calibration profile (`profile: PATH`, written by `surge calibrate db`):
// the writer's figures it yields, what overrides it, and every problem with it, to the letter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"
#include "models/workload.hpp"
#include "tests/models/profile_test_support.hpp"

namespace surge {
namespace {

namespace fs = std::filesystem;
using namespace profile_test;

constexpr double kHour = 3600;
constexpr double kCertificates = 200e6;   // the fixture scenario's
constexpr double kCatalogueRate = 100e3;  // data/catalogue.yaml's db-2021
constexpr int kCatalogueConnections = 64;

const std::string kScenario = kFixtures + "db-profile.yaml";
const std::string kProfile = "db-profile.json";
const std::string kSource = "profile db-profile.json (10.11.6-MariaDB, 2026-11-30T23:00:00Z)";

// The fixture profile's figures, read off data/fixtures/db-profile.json.
constexpr double kLambda = 4000, kSigma = 0.05, kKappa = 0.001;

Scenario fixture(const std::vector<Override>& overrides = {}) {
  return load_scenario(kScenario, overrides);
}

// A scratch folder holding broken profiles beside a scenario that names them.
class BrokenDbProfile : public ScratchProfile {
 protected:
  BrokenDbProfile() : ScratchProfile(kScenario, kProfile) {}
};

// A valid profile with its commits entry replaced.
std::string profile_with(const std::string& commits) {
  return R"({"surge_profile": 1, "kind": "db", "metadata": {}, "commits": )" + commits + "}";
}

// The same with commits unidentified for `reason`.
std::string unidentified(const std::string& reason) {
  return profile_with(R"({"identified": false, "reason": ")" + reason + R"(", "lambda": {"value": null}})");
}

TEST(DbProfile, RatesTheWriterAtTheEntrysConnectionsFromTheProfilesCurve) {
  const Scenario s = fixture();
  const DbSpec& db = s.data_centers[0].db;
  ASSERT_EQ(db.connections, 16);
  EXPECT_DOUBLE_EQ(db.commits_per_s, usl(kLambda, kSigma, kKappa, 16));  // 32,161/s, not db-2021's 100,000
  EXPECT_EQ(db.curve.sigma, kSigma);
  EXPECT_EQ(db.curve.kappa, kKappa);
  EXPECT_EQ(db.source, kSource);
  // The curve, normalised at the connections, gives back lambda for one busy connection.
  EXPECT_NEAR(db.curve.throughput(db.commits_per_s, 1, db.connections), kLambda, 1e-9 * kLambda);
}

TEST(DbProfile, WithoutConnectionsInTheEntryTheCataloguesAreUsed) {
  const std::string text = replace(read(kScenario), "connections: 16, ", "");
  const DbSpec db = parse_scenario(text, kScenario).data_centers[0].db;
  ASSERT_EQ(db.connections, kCatalogueConnections);
  // Past the curve's peak (about 31 connections): 64 connections commit less than 32 would.
  EXPECT_DOUBLE_EQ(db.commits_per_s, usl(kLambda, kSigma, kKappa, kCatalogueConnections));
  EXPECT_LT(db.commits_per_s, usl(kLambda, kSigma, kKappa, 32));
  // --set connections re-rates it.
  EXPECT_DOUBLE_EQ(fixture({{"data_centers.dc1.db.connections", "4"}}).data_centers[0].db.commits_per_s,
                   usl(kLambda, kSigma, kKappa, 4));
}

TEST(DbProfile, RateCurveAndSourceWrittenBesideTheProfileOverrideIt) {
  const DbSpec rate = fixture({{"data_centers.dc1.db.commits_per_s", "50k/s"}}).data_centers[0].db;
  EXPECT_EQ(rate.commits_per_s, 50000);
  EXPECT_EQ(rate.curve.sigma, kSigma);  // the curve is still the profile's
  EXPECT_EQ(rate.curve.kappa, kKappa);
  EXPECT_EQ(rate.source, kSource);
  // sigma and kappa written beside the profile replace its curve; the rate follows the new curve.
  const DbSpec curve =
      fixture({{"data_centers.dc1.db.sigma", "0.1"}, {"data_centers.dc1.db.kappa", "0"}}).data_centers[0].db;
  EXPECT_EQ(curve.curve.sigma, 0.1);
  EXPECT_EQ(curve.curve.kappa, 0);
  EXPECT_DOUBLE_EQ(curve.commits_per_s, usl(kLambda, 0.1, 0, 16));
  EXPECT_EQ(fixture({{"data_centers.dc1.db.source", "measured"}}).data_centers[0].db.source, "measured");
  // The same written in the file, in any order.
  const std::string text =
      replace(read(kScenario), "profile: " + kProfile, "commits_per_s: 20k/s, kappa: 0.002, profile: " + kProfile);
  const DbSpec written = parse_scenario(text, kScenario).data_centers[0].db;
  EXPECT_EQ(written.commits_per_s, 20000);
  EXPECT_EQ(written.curve.sigma, kSigma);
  EXPECT_EQ(written.curve.kappa, 0.002);
}

TEST(DbProfile, SetOnTheCommandLineRelativeToTheCurrentDirectory) {
  const std::string shipped = std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml";
  const Scenario s = load_scenario(
      shipped, {{"data_centers.dc1.db.profile", kFixtures + kProfile}, {"data_centers.dc1.db.connections", "16"}});
  ASSERT_TRUE(s.data_centers[0].db_writer);
  EXPECT_DOUBLE_EQ(s.data_centers[0].db.commits_per_s, usl(kLambda, kSigma, kKappa, 16));
  EXPECT_EQ(s.data_centers[1].db.commits_per_s, kCatalogueRate);  // dc2 keeps the catalogue's db-2021
  // Relative to the current directory, not to the scenario's folder.
  const std::string relative = fs::relative(kFixtures + kProfile).string();
  EXPECT_DOUBLE_EQ(load_scenario(shipped, {{"data_centers.dc1.db.profile", relative}}).data_centers[0].db.commits_per_s,
                   usl(kLambda, kSigma, kKappa, kCatalogueConnections));
  try {
    load_scenario(shipped, {{"data_centers.dc1.db.profile", "missing.json"}});
    FAIL() << "a missing profile loaded";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].headline(),
              "--set data_centers.dc1.db.profile=missing.json: profile missing.json: cannot read missing.json");
  }
}

TEST(DbProfile, AnalyzeAnswersWithTheProfilesCapacity) {
  // 9 commits per certificate in the seed-2021 era (8 to issue, 1 to revoke).
  const Scenario s = fixture();
  const double commits = cost_model(s).commits_per_certificate();
  ASSERT_EQ(commits, 9);
  // Every request arrives within 6 h of the decision, asking 200M x 9 commits of a writer that does
  // X(16) = 32,161/s (15.5 h), while the HSM pair's 600M signatures take 8.3 h: the writer binds from the
  // decision on, and the last replacement is the decision plus every commit over the writer's rate.
  const Report profiled = analyze(s);
  const double expected = 4 * kHour + kCertificates * commits / usl(kLambda, kSigma, kKappa, 16);
  ASSERT_TRUE(profiled.completion_time_s.has_value());
  EXPECT_NEAR(*profiled.completion_time_s, expected, 0.01 * expected);
  EXPECT_EQ(profiled.bottleneck, std::vector<std::string>{"db-writer"});
  EXPECT_TRUE(profiled.deadline_met);  // 19.5 h

  // The same scenario rated by the catalogue instead: the HSM pair binds (600M / 20,000/s).
  const std::string text = replace(read(kScenario), ", connections: 16, profile: " + kProfile, "");
  const Report catalogue = analyze(parse_scenario(text, kScenario));
  const double expected_catalogue = 4 * kHour + 600e6 / (2 * 10000);
  ASSERT_TRUE(catalogue.completion_time_s.has_value());
  EXPECT_NEAR(*catalogue.completion_time_s, expected_catalogue, 0.01 * expected_catalogue);
  EXPECT_EQ(catalogue.bottleneck, std::vector<std::string>{"hsm:dc1"});
  EXPECT_GT(*profiled.completion_time_s, *catalogue.completion_time_s + 7 * kHour);
}

TEST_F(BrokenDbProfile, ACatalogueEntryMayNameAProfileRelativeToTheCatalogue) {
  fs::create_directory(dir_ / "hw");
  fs::copy_file(kFixtures + kProfile, dir_ / "hw" / "mariadb.json");
  std::ofstream(dir_ / "hw" / "unfitted.json") << unidentified("only 4 levels; the fit needs at least 6");
  std::ofstream(dir_ / "hw" / "catalogue.yaml") << "schema: 1\n"
                                                   "hsm:\n"
                                                   "  luna-2021: {signatures_per_s: 10k/s, sessions: 30, source: x}\n"
                                                   "db:\n"
                                                   "  mariadb: {profile: mariadb.json, connections: 8}\n"
                                                   "  unfitted: {profile: unfitted.json, connections: 8}\n"
                                                   "fabric:\n"
                                                   "  25g-fiber: {bandwidth: 25Gbps, latency: 10us}\n";
  const std::string text =
      replace(read(kScenario), "model: db-2021, writer: true, replicas: 2, connections: 16, profile: " + kProfile,
              "model: mariadb, writer: true, replicas: 2") +
      "catalogue: hw/catalogue.yaml\n";
  const DbSpec db = parse_scenario(text, file()).data_centers[0].db;
  EXPECT_DOUBLE_EQ(db.commits_per_s, usl(kLambda, kSigma, kKappa, 8));
  EXPECT_EQ(db.curve.sigma, kSigma);
  EXPECT_EQ(db.source, "profile mariadb.json (10.11.6-MariaDB, 2026-11-30T23:00:00Z)");
  // The scenario's connections re-rate it; a rate written in the scenario overrides it.
  EXPECT_DOUBLE_EQ(
      parse_scenario(text, file(), {{"data_centers.dc1.db.connections", "2"}}).data_centers[0].db.commits_per_s,
      usl(kLambda, kSigma, kKappa, 2));
  EXPECT_EQ(
      parse_scenario(text, file(), {{"data_centers.dc1.db.commits_per_s", "1k/s"}}).data_centers[0].db.commits_per_s,
      1000);
  // A catalogue entry whose profile has no fitted curve is a problem, pointing into the catalogue, only
  // where a data center uses it without writing a rate.
  const std::string catalogue = (dir_ / "hw" / "catalogue.yaml").string();
  EXPECT_EQ(problems(text, file(), {{"data_centers.dc1.db.model", "unfitted"}}),
            catalogue +
                ":6:23: profile unfitted.json: the commits curve is unidentified (only 4 levels; the fit needs at "
                "least 6)");
  EXPECT_EQ(parse_scenario(text, file(),
                           {{"data_centers.dc1.db.model", "unfitted"}, {"data_centers.dc1.db.commits_per_s", "5k/s"}})
                .data_centers[0]
                .db.commits_per_s,
            5000);
}

TEST_F(BrokenDbProfile, ReportsAMissingOrUnreadableFile) {
  EXPECT_EQ(problems(text(), file()), at_profile() + "cannot read " + (dir_ / "x.json").string());
  fs::create_directory(dir_ / "x.json");
  EXPECT_EQ(problems(text(), file()), at_profile() + "cannot read " + (dir_ / "x.json").string());
}

TEST_F(BrokenDbProfile, ReportsInvalidJsonWithTheParsersMessage) {
  // The parser's message is nlohmann-json's (3.11 on Debian 12) without its "[json.exception...]" tag.
  EXPECT_EQ(problems_with("{\"surge_profile\": 1,\n \"kind\": }"),
            at_profile() +
                "not valid JSON (parse error at line 2, column 10: syntax error while parsing value - unexpected '}'; "
                "expected '[', '{', or a literal)");
}

TEST_F(BrokenDbProfile, ReportsAFileThatIsNotADbProfile) {
  EXPECT_EQ(problems_with("[1, 2]"), at_profile() + "not a surge profile (no 'surge_profile')");
  EXPECT_EQ(problems_with(R"({"surge_profile": 2, "kind": "db", "commits": {}})"),
            at_profile() + "unsupported surge_profile 2; this surge reads 1");
  // An HSM profile named by a DB entry, and the other way round.
  EXPECT_EQ(problems_with(read(kFixtures + "hsm-profile-softhsm.json")),
            at_profile() + "'kind' is \"hsm\", expected \"db\"");
  EXPECT_EQ(problems_with(R"({"surge_profile": 1, "commits": {}})"),
            at_profile() + "'kind' is missing, expected \"db\"");
  EXPECT_EQ(problems_with(R"({"surge_profile": 1, "kind": "db"})"), at_profile() + "'commits' must be an object");
  EXPECT_EQ(problems_with(R"({"surge_profile": 1, "kind": "db", "commits": [1]})"),
            at_profile() + "'commits' must be an object");
  const std::string hsm_scenario = kFixtures + "hsm-profile.yaml";
  const std::string hsm_text =
      replace(read(hsm_scenario), "profile: hsm-profile-softhsm.json", "profile: db-profile.json");
  EXPECT_EQ(problems(hsm_text, hsm_scenario), hsm_scenario + ":" + where(hsm_text, "db-profile.json") +
                                                  ": profile db-profile.json: 'kind' is \"db\", expected \"hsm\"");
}

TEST_F(BrokenDbProfile, ReportsAnUnidentifiedCurveQuotingWhyUnlessARateIsWritten) {
  EXPECT_EQ(problems_with(unidentified("only 4 levels; the fit needs at least 6")),
            at_profile() + "the commits curve is unidentified (only 4 levels; the fit needs at least 6)");
  EXPECT_EQ(problems_with(profile_with(R"({"identified": false})")),
            at_profile() + "the commits curve is unidentified");
  // A rate written beside it is accepted; the curve is then linear unless sigma or kappa are written too.
  const DbSpec db = parse_scenario(text(), file(), {{"data_centers.dc1.db.commits_per_s", "12k/s"}}).data_centers[0].db;
  EXPECT_EQ(db.commits_per_s, 12000);
  EXPECT_EQ(db.curve.sigma, 0);
  EXPECT_EQ(db.curve.kappa, 0);
  EXPECT_EQ(db.source, "profile x.json");  // no metadata to quote
}

TEST_F(BrokenDbProfile, ReportsMissingOrNegativeParameters) {
  const std::string lambda = R"("lambda": {"value": 4000.0})";
  const std::string sigma = R"("sigma": {"value": 0.05})";
  const std::string kappa = R"("kappa": {"value": 0.001})";
  auto commits = [](const std::string& a, const std::string& b, const std::string& c) {
    return R"({"identified": true, )" + a + ", " + b + ", " + c + "}";
  };
  EXPECT_EQ(problems_with(profile_with(commits(R"("lambda": {"value": null})", sigma, kappa))),
            at_profile() + "'commits.lambda.value' is missing");
  EXPECT_EQ(problems_with(profile_with(commits(R"("lambda": 4000.0)", sigma, kappa))),
            at_profile() + "'commits.lambda.value' is missing");
  EXPECT_EQ(problems_with(profile_with(commits(lambda, R"("sigmas": {"value": 0.05})", kappa))),
            at_profile() + "'commits.sigma.value' is missing");
  EXPECT_EQ(problems_with(profile_with(commits(lambda, sigma, R"("kappa": {})"))),
            at_profile() + "'commits.kappa.value' is missing");
  EXPECT_EQ(problems_with(profile_with(commits(R"("lambda": {"value": 0})", sigma, kappa))),
            at_profile() + "'commits.lambda.value' must be positive, got '0'");
  EXPECT_EQ(problems_with(profile_with(commits(R"("lambda": {"value": -2100.0})", sigma, kappa))),
            at_profile() + "'commits.lambda.value' must be positive, got '-2100.0'");
  EXPECT_EQ(problems_with(profile_with(commits(lambda, R"("sigma": {"value": -0.1})", kappa))),
            at_profile() + "'commits.sigma.value' must not be negative, got '-0.1'");
  EXPECT_EQ(problems_with(profile_with(commits(lambda, sigma, R"("kappa": {"value": -0.001})"))),
            at_profile() + "'commits.kappa.value' must not be negative, got '-0.001'");
  EXPECT_EQ(problems_with(profile_with(commits(lambda, sigma, R"("kappa": {"value": "small"})"))),
            at_profile() + "'commits.kappa.value' must be a number, got '\"small\"'");
  EXPECT_EQ(problems_with(profile_with(R"({"lambda": {"value": 4000.0}})")),
            at_profile() + "'commits.identified' must be true or false");
  EXPECT_EQ(problems_with(profile_with(R"({"identified": "yes"})")),
            at_profile() + "'commits.identified' must be true or false");
  // A problem with the profile is not followed by one about the rate it would have given.
  EXPECT_EQ(problems_with(profile_with("{}")), at_profile() + "'commits.identified' must be true or false");
}

TEST_F(BrokenDbProfile, ReportsAProfileThatIsNotASingleValue) {
  const std::string text = replace(this->text(), "profile: x.json", "profile: [x.json]");
  EXPECT_EQ(problems(text, file()), file() + ":" + where(text, "[x.json]") + ": 'profile' must be a single value");
}

}  // namespace
}  // namespace surge
