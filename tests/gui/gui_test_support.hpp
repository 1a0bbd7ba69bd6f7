// Shared by the GUI tests: paths, the CLI's answer for comparison, a QApplication-aware main.
#pragma once

#include <QString>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/report.hpp"
#include "models/scenario_document.hpp"
#include "tests/command_result.hpp"

namespace surge::testing {

constexpr double kHour_s = 3600;
/// How long a test waits for one simulation child (a 200M scenario takes about 3 s here).
constexpr int kSimulationTimeout_ms = 120000;

/// A shipped scenario by name.
inline std::string shipped(const std::string& name) {
  return std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

/// The command line `surge run` for a document's state, with extra arguments.
inline std::string cli_run(const ScenarioDocument& doc, const std::string& extra) {
  std::string cmd = shell_quote(SURGE_CLI) + " run " + shell_quote(doc.path());
  for (const std::string& a : doc.cli_arguments()) cmd += " " + shell_quote(a);
  return cmd + " " + extra;
}

/// A report's JSON without what differs from run to run (wall time).
inline nlohmann::json comparable(const Report& r) {
  nlohmann::json j = to_json(r);
  j.erase("wall_s");
  return j;
}

/// The last row of a series.csv, as numbers.
inline std::vector<double> last_csv_row(const std::string& path) {
  std::ifstream csv(path);
  std::string line, last;
  while (std::getline(csv, line)) last = line;
  std::vector<double> row;
  std::stringstream cells(last);
  for (std::string c; std::getline(cells, c, ',');) row.push_back(std::stod(c));
  return row;
}

}  // namespace surge::testing
