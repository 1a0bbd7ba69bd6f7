// What the calibration-profile tests share (hsm_profile_test.cpp, db_profile_test.cpp): the USL written
// out, text edits of a fixture scenario, and a scratch folder holding a broken profile beside a scenario
// that names it, whose problems are compared to the letter.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "models/scenario_parser.hpp"

namespace surge::profile_test {

/// The fixtures' folder, data/fixtures/ with its trailing slash.
inline const std::string kFixtures = std::string(SURGE_SOURCE_DIR) + "/data/fixtures/";

/// X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1)), written out rather than taken from CapacityCurve.
inline double usl(double lambda, double sigma, double kappa, double n) {
  return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/// The whole text of the file at `path`.
inline std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// `text` with the first occurrence of `from` replaced by `to`; a test failure if there is none.
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

/// 1-based "line:column" of the first occurrence of `needle` in `text`.
inline std::string where(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  const size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
  int line = 1;
  for (size_t i = 0; i < at; ++i) line += text[i] == '\n' ? 1 : 0;
  return std::to_string(line) + ":" + std::to_string(at - line_start + 1);
}

/// Headlines of every problem found in `text` read as if it were the file `file`; empty when it parses.
inline std::string problems(const std::string& text, const std::string& file,
                            const std::vector<Override>& overrides = {}) {
  try {
    parse_scenario(text, file, overrides);
  } catch (const ScenarioError& e) {
    std::string out;
    for (const Diagnostic& d : e.diagnostics()) out += (out.empty() ? "" : "\n") + d.headline();
    return out;
  }
  return "";
}

/// A scratch folder holding broken profiles (x.json) beside a copy of a fixture scenario (s.yaml) whose
/// `profile: NAME` is pointed at it.
class ScratchProfile : public ::testing::Test {
 protected:
  /// `scenario`: the fixture scenario's path; `profile`: the profile name it writes.
  ScratchProfile(std::string scenario, std::string profile)
      : scenario_(std::move(scenario)), profile_(std::move(profile)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("surge-profile-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_suite()->name() + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// Writes `json` as x.json and returns the problems of the fixture scenario pointed at it.
  std::string problems_with(const std::string& json) {
    std::ofstream(dir_ / "x.json") << json;
    return problems(text(), file());
  }
  /// Where the scenario is read from (it need not exist: its text is parsed).
  std::string file() const { return (dir_ / "s.yaml").string(); }
  /// The fixture scenario naming x.json.
  std::string text() const { return replace(read(scenario_), "profile: " + profile_, "profile: x.json"); }
  /// "FILE:LINE:COL: profile x.json: " for a problem reported at the profile value.
  std::string at_profile() const { return file() + ":" + where(text(), "x.json") + ": profile x.json: "; }

  std::string scenario_;
  std::string profile_;
  std::filesystem::path dir_;
};

}  // namespace surge::profile_test
