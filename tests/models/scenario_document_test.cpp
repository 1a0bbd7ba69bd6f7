// The edited scenario every front end edits through (models/scenario_document.hpp): edits are overrides
// validated with the parser's own messages, undone and redone, and reproduced by the command line and the
// saved YAML.
#include "models/scenario_document.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"

namespace surge {
namespace {

std::string shipped(const std::string& name) {
  return std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

TEST(ScenarioDocument, ABadEditIsRejectedWithTheParsersMessageAndChangesNothing) {
  const std::string file = shipped("le-2021-hardware-one-dc");
  ScenarioDocument doc = ScenarioDocument::open(file);
  const double deadline = doc.scenario().incident.deadline_s;
  std::string parser_says;
  try {
    load_scenario(file, {{"incident.deadline", "1h"}});
  } catch (const ScenarioError& e) {
    parser_says = e.what();
  }
  ASSERT_FALSE(parser_says.empty()) << "a deadline before the decision is bad input";
  try {
    doc.set("incident.deadline", "1h");
    FAIL() << "the edit was taken";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), parser_says);
  }
  EXPECT_TRUE(doc.overrides().empty());
  EXPECT_EQ(doc.scenario().incident.deadline_s, deadline);
  EXPECT_FALSE(doc.can_undo());
}

TEST(ScenarioDocument, UndoAndRedoRestoreEachEdit) {
  ScenarioDocument doc = ScenarioDocument::open(shipped("le-2021-hardware-one-dc"));
  const double deadline = doc.scenario().incident.deadline_s;
  const std::optional<double> dc2_down = doc.down_at(FailureKind::DATA_CENTER, "dc2");  // as the file has it
  doc.set("incident.deadline", "20h");
  EXPECT_EQ(doc.scenario().incident.deadline_s, 20 * 3600.0);
  doc.set_down(FailureKind::DATA_CENTER, "dc2", 7200.0);
  EXPECT_EQ(doc.down_at(FailureKind::DATA_CENTER, "dc2"), 7200.0);
  doc.undo();
  EXPECT_EQ(doc.down_at(FailureKind::DATA_CENTER, "dc2"), dc2_down);
  EXPECT_EQ(doc.scenario().incident.deadline_s, 20 * 3600.0);
  doc.undo();
  EXPECT_EQ(doc.scenario().incident.deadline_s, deadline);
  EXPECT_FALSE(doc.can_undo());
  doc.redo();
  doc.redo();
  EXPECT_EQ(doc.scenario().incident.deadline_s, 20 * 3600.0);
  EXPECT_EQ(doc.down_at(FailureKind::DATA_CENTER, "dc2"), 7200.0);
}

// The analytic answer without its wall time.
nlohmann::json answer(const Scenario& s) {
  nlohmann::json j = to_json(analyze(s));
  j.erase("wall_s");
  return j;
}

TEST(ScenarioDocument, TheCommandLineAndTheSavedYamlGiveTheSameAnswer) {
  const std::string file = shipped("le-2021-hardware-one-dc");
  ScenarioDocument doc = ScenarioDocument::open(file);
  doc.set("incident.deadline", "20h");
  doc.set_down(FailureKind::DATA_CENTER, "dc2", 3600.0);
  const nlohmann::json edited = answer(doc.scenario());
  // --set path=value pairs, as `surge run` reads them.
  const std::vector<std::string> args = doc.cli_arguments();
  ASSERT_EQ(args.size() % 2, 0u);
  std::vector<Override> sets;
  for (size_t i = 0; i < args.size(); i += 2) {
    ASSERT_EQ(args[i], "--set");
    sets.push_back(parse_override(args[i + 1]));
  }
  EXPECT_EQ(answer(load_scenario(file, sets)), edited);
  // Saved elsewhere (the catalogue's path is rebased), read back.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("surge-document-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path saved = dir / "edited.yaml";
  std::ofstream(saved) << doc.to_yaml(saved.string());
  Scenario back;
  try {
    back = load_scenario(saved.string());
  } catch (...) {
    std::filesystem::remove_all(dir);
    throw;
  }
  std::filesystem::remove_all(dir);
  EXPECT_EQ(back.failures.size(), doc.scenario().failures.size());
  EXPECT_EQ(answer(back), edited);
}

}  // namespace
}  // namespace surge
