// The parser keeps each catalogue and calibration profile it has read (issue 15: parsing fast enough to
// fuzz); a file that changes on disk is read again, whether its size or only its modification time changed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "models/scenario_parser.hpp"

namespace surge {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Every occurrence of `from` replaced (there must be one).
std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  EXPECT_NE(text.find(from), std::string::npos) << from;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

class CatalogueCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("surge-catalogue-cache-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    catalogue_ = read(fs::path(SURGE_SOURCE_DIR) / "data" / "catalogue.yaml");
    scenario_ = read(fs::path(SURGE_SOURCE_DIR) / "scenarios" / "normal-day.yaml") +
                "catalogue: " + (dir_ / "catalogue.yaml").string() + "\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The luna-2021 RSA-2048 rate the scenario's first data center gets, with the catalogue written as `text`.
  double rate_with(const std::string& text) {
    std::ofstream(dir_ / "catalogue.yaml") << text;
    return parse_scenario(scenario_, (dir_ / "scenario.yaml").string()).data_centers.at(0).hsm.signatures_per_s;
  }

  fs::path dir_;
  std::string catalogue_;
  std::string scenario_;
};

TEST_F(CatalogueCache, ReadsTheCatalogueAgainWhenItsSizeChanges) {
  EXPECT_EQ(rate_with(catalogue_), 10000);  // the seed's figure for luna-2021 (data/catalogue.yaml)
  EXPECT_EQ(rate_with(replace(catalogue_, "rsa-2048: 10000/s", "rsa-2048: 123456/s")), 123456);
}

TEST_F(CatalogueCache, ReadsTheCatalogueAgainWhenOnlyItsTimeChanges) {
  EXPECT_EQ(rate_with(catalogue_), 10000);
  const fs::path file = dir_ / "catalogue.yaml";
  const auto written = fs::last_write_time(file);
  std::ofstream(file) << replace(catalogue_, "rsa-2048: 10000/s", "rsa-2048: 20000/s");  // same size
  fs::last_write_time(file, written + std::chrono::seconds(1));
  EXPECT_EQ(parse_scenario(scenario_, (dir_ / "scenario.yaml").string()).data_centers.at(0).hsm.signatures_per_s,
            20000);
}

TEST_F(CatalogueCache, ReportsTheSameProblemsFromACachedCatalogue) {
  std::ofstream(dir_ / "catalogue.yaml") << replace(catalogue_, "sessions: 30", "sessions: 30\n    bogus: 1");
  auto problems = [&] {
    try {
      parse_scenario(scenario_, (dir_ / "scenario.yaml").string());
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string first = problems();
  EXPECT_NE(first.find("bogus"), std::string::npos) << first;
  EXPECT_EQ(problems(), first);  // the second parse uses the cache and reports the same
}

TEST_F(CatalogueCache, ReadsAProfileAgainWhenItChanges) {
  const fs::path profile = dir_ / "softhsm.json";
  const std::string fitted = read(fs::path(SURGE_SOURCE_DIR) / "data" / "profiles" / "softhsm-2.6-2core-vm.json");
  std::ofstream(profile) << fitted;
  const std::string scenario =
      replace_all(read(fs::path(SURGE_SOURCE_DIR) / "scenarios" / "softhsm-calibrated-one-dc.yaml"),
                  "profile: ../data/profiles/softhsm-2.6-2core-vm.json", "profile: " + profile.string());
  auto rate = [&] {
    return parse_scenario(scenario, (dir_ / "s.yaml").string()).data_centers.at(0).hsm.signatures_per_s;
  };
  const double before = rate();
  EXPECT_GT(before, 0);
  // The USL rate is proportional to lambda: double rsa-2048's lambda (same number of characters).
  const auto written = fs::last_write_time(profile);
  std::ofstream(profile) << replace(fitted, "\"value\": 2893.0390042326767", "\"value\": 5786.0780084653534");
  fs::last_write_time(profile, written + std::chrono::seconds(1));
  EXPECT_NEAR(rate(), 2 * before, 1e-9 * before);
}

}  // namespace
}  // namespace surge
