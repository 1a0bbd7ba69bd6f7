// The fuzz targets' oracle as an ordinary test: every input kept in tests/fuzz/regressions/ (each one once
// failed a target) replayed through both checks, the shipped scenarios accepted, and the oracle itself shown
// to catch what it is meant to catch.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "tests/fuzz/fuzz_oracle.hpp"

namespace surge::fuzz {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

Scenario shipped_scenario() {
  std::optional<Scenario> s;
  const std::string text = read_text(fs::path(SURGE_SOURCE_DIR) / "scenarios" / "normal-day.yaml");
  EXPECT_EQ(check_parse(text, &s), std::nullopt);
  EXPECT_TRUE(s.has_value());
  return s.value_or(Scenario{});
}

TEST(FuzzRegressions, EveryKeptInputEndsInAScenarioOrATypedError) {
  int replayed = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(SURGE_FUZZ_DIR) / "regressions")) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
    EXPECT_EQ(check_plan(read_text(entry.path()), PlanSearch::ALL), std::nullopt) << entry.path();
    ++replayed;
  }
  RecordProperty("replayed", replayed);
}

TEST(FuzzOracle, AcceptsEveryShippedScenarioAndItsPlan) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(SURGE_SOURCE_DIR) / "scenarios")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yaml" || name.find(".sweep.") != std::string::npos) continue;
    EXPECT_EQ(check_plan(read_text(entry.path()), PlanSearch::ALL), std::nullopt) << name;
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(FuzzOracle, AcceptsTheParsersTypedErrors) {
  EXPECT_EQ(check_parse("name: [unclosed"), std::nullopt);  // YAML syntax, at its line and column
  EXPECT_EQ(check_parse("- a list\n- not a map\n"), std::nullopt);
  EXPECT_EQ(check_parse("schema: 1\nname: x\nno_such_key: 3\n"), std::nullopt);
}

TEST(FuzzOracle, FlagsADiagnosticWithoutLineColumnOrWithALibrarysText) {
  EXPECT_EQ(diagnostics_problem({Diagnostic{"a.yaml", 3, 7, "'sessions' must be a whole number", ""}}), std::nullopt);
  EXPECT_NE(diagnostics_problem({}), std::nullopt);
  EXPECT_NE(diagnostics_problem({Diagnostic{"a.yaml", 0, 0, "cannot read the hardware catalogue", ""}}), std::nullopt);
  EXPECT_NE(diagnostics_problem({Diagnostic{"", 1, 1, "x", ""}}), std::nullopt);
  EXPECT_NE(diagnostics_problem({Diagnostic{"a.yaml", 2, 1, "", ""}}), std::nullopt);
  EXPECT_NE(diagnostics_problem({Diagnostic{"a.yaml", 2, 1, "bad conversion", ""}}), std::nullopt);
  EXPECT_NE(diagnostics_problem({Diagnostic{"a.yaml", 2, 1, "stoi", ""}}), std::nullopt);
  // The input's own text echoed unquoted (a profile path holding "bad_alloc") is not a library's message.
  const Diagnostic echoed{"a.yaml", 2, 1, "cannot read data/bad_alloc/p.json", ""};
  EXPECT_NE(diagnostics_problem({echoed}), std::nullopt);
  EXPECT_EQ(diagnostics_problem({echoed}, "profile: data/bad_alloc/p.json"), std::nullopt);
  // The input's own text, quoted, may hold anything: a key named 'cohstolort_size' is not std::stol's text.
  EXPECT_EQ(diagnostics_problem({Diagnostic{"a.yaml", 2, 1, "unknown key 'stoi' in 'scenario'", ""}}), std::nullopt);
  EXPECT_EQ(diagnostics_problem({Diagnostic{"a.yaml", 2, 1, "unknown key 'x' (stolen)", ""}}), std::nullopt);
  // Apostrophes in an echoed path are not quotes around a word: "bad_a'x: y/bad_a'lloc" does not become
  // "bad_alloc" (regressions/apostrophes-in-an-echoed-path-join-a-library-phrase.yaml)...
  const Diagnostic apostrophes{"a.yaml", 5, 62, "profile d/bad_a'lloc: cannot read /w/d/bad_a'lloc", ""};
  EXPECT_EQ(diagnostics_problem({apostrophes}, "profile: d/bad_a'lloc"), std::nullopt);
  // ... while a library's phrase outside the quotes is still caught.
  EXPECT_NE(diagnostics_problem({Diagnostic{"a.yaml", 2, 1, "'x' bad_alloc 'y'", ""}}), std::nullopt);
}

TEST(FuzzOracle, FlagsANonFiniteCapacityAndTimesOutOfOrder) {
  const Scenario good = shipped_scenario();
  ASSERT_EQ(scenario_problem(good), std::nullopt);
  Scenario s = good;
  s.data_centers.front().hsm.signatures_per_s = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(scenario_problem(s), std::nullopt);
  s = good;
  s.data_centers.front().db.commits_per_s = 0;
  EXPECT_NE(scenario_problem(s), std::nullopt);
  s = good;
  s.wan.push_back(WanLink{"dc1", "cloud", std::numeric_limits<double>::infinity(), 0.01, {}});
  EXPECT_NE(scenario_problem(s), std::nullopt);
  s = good;
  s.incident.deadline_s = std::numeric_limits<double>::infinity();
  EXPECT_NE(scenario_problem(s), std::nullopt);
  s = good;
  s.incident.horizon_s = s.incident.deadline_s / 2;  // the horizon before the deadline
  EXPECT_NE(scenario_problem(s), std::nullopt);
  s = good;
  s.failures.push_back(Failure{FailureKind::CT_LOG, 100, 50, "log", {}});  // returns before it fails
  EXPECT_NE(scenario_problem(s), std::nullopt);
}

TEST(FuzzOracle, FlagsANaNInAReportAndAMissedDeadlineBlamingNothing) {
  Report r;
  r.deadline_s = 86400;
  r.deadline_met = true;
  EXPECT_EQ(report_problem(r), std::nullopt);
  r.resources.push_back(ResourceUse{});
  r.resources.back().peak_utilisation = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(report_problem(r), std::nullopt);
  r.resources.clear();
  r.latest_decision_s = std::numeric_limits<double>::infinity();
  EXPECT_NE(report_problem(r), std::nullopt);
  r.latest_decision_s.reset();

  r.deadline_met = false;  // missed, no bottleneck, and every class asked by half the deadline
  ClassOutcome c;
  c.certificates = 1000;
  c.last_request_s = r.deadline_s / 2;
  r.classes.push_back(c);
  EXPECT_NE(report_problem(r), std::nullopt);
  r.bottleneck = {"hsm:dc1"};
  EXPECT_EQ(report_problem(r), std::nullopt);
  r.bottleneck.clear();
  r.classes.back().last_request_s = r.deadline_s * 2;  // the clients ask too late: they are to blame
  EXPECT_EQ(report_problem(r), std::nullopt);
}

}  // namespace
}  // namespace surge::fuzz
