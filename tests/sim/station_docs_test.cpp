// A station has one name in every layer: each station file of sim/ has its heading in docs/MODEL.md,
// named after the file (e.g. "## HSM (`hsm_station`)").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

// The headings of docs/MODEL.md.
std::set<std::string> model_headings() {
  std::ifstream in(fs::path(SURGE_SOURCE_DIR) / "docs" / "MODEL.md");
  std::set<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind('#', 0) == 0) out.insert(line);
  return out;
}

TEST(StationDocs, EveryStationFileHasAModelHeadingNamedAfterIt) {
  // sim/'s files that are not stations: the run API and wiring, the platform, child processes.
  const std::set<std::string> not_stations = {"simulation", "platform", "child_process", "replications"};
  const std::set<std::string> headings = model_headings();
  ASSERT_GT(headings.size(), 10u) << "docs/MODEL.md not read";
  int stations = 0;
  for (const auto& e : fs::directory_iterator(fs::path(SURGE_SOURCE_DIR) / "sim")) {
    if (e.path().extension() != ".cpp" || not_stations.count(e.path().stem().string())) continue;
    const std::string tag = "(`" + e.path().stem().string() + "`)";
    bool found = false;
    for (const std::string& h : headings) found = found || h.find(tag) != std::string::npos;
    EXPECT_TRUE(found) << "docs/MODEL.md has no heading ending " << tag << " for " << e.path().filename();
    ++stations;
  }
  EXPECT_GE(stations, 10);
}

}  // namespace
