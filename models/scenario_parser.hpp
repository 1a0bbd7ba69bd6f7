// Reads a scenario YAML file (and the hardware catalogue it names) into a Scenario, validating
// strictly: unknown keys, missing keys, wrong or missing units, non-positive capacities, references to
// data centers or hosts that do not exist, a deadline before the decision. Every problem is reported
// as "file:line:col: message" with the source line and a caret under the offending spot.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace surge {

/// One problem found in a scenario or an override.
struct Diagnostic {
  std::string file;  ///< path as given, or "--set" for overrides
  int line = 0;      ///< 1-based, 0 when unknown
  int column = 0;    ///< 1-based
  std::string message;
  std::string source_line;  ///< the offending line of the file, for the caret display

  /// "file:line:col: message" (no caret).
  std::string headline() const;
  /// headline, then the source line and a caret under the column, when known.
  std::string render() const;
};

/// Bad user input: the scenario, the catalogue or an override. Carries every problem found.
class ScenarioError : public std::exception {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // Every diagnostic rendered, one after the other; rendered on the first call (most callers read the
  // diagnostics themselves, and a fuzzer throws thousands of these a second).
  const char* what() const noexcept override;

 private:
  std::vector<Diagnostic> diagnostics_;
  mutable std::string what_;
};

/// An override from the command line: "incident.deadline=20h", "data_centers.dc1.hsm.count=1".
struct Override {
  std::string path;
  std::string value;
};

/// Parses "path=value"; throws ScenarioError when there is no '='.
Override parse_override(const std::string& text);

/// Loads, overrides, validates. Throws ScenarioError listing every problem.
Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

/// Same, from text in memory; `file` is the name errors report.
Scenario parse_scenario(const std::string& text, const std::string& file, const std::vector<Override>& overrides = {});

/// The scenario text with the overrides written into it, as YAML that parses back to the same scenario
/// (the file's leading comment block is kept, with a note of the overrides; other comments are not).
/// Relative paths (catalogue, profiles) are rewritten for a file saved at `save_path`. Validates first and
/// throws ScenarioError exactly as parse_scenario does.
std::string write_scenario_yaml(const std::string& text, const std::string& file,
                                const std::vector<Override>& overrides, const std::string& save_path);

}  // namespace surge
