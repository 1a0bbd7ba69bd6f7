// The scenario a planner edits (the workbench's, in models/ so that every front end edits through this one
// API): the file as read plus the edits made to it, each one an override exactly as `surge run --set
// path=value` and a sweep's points apply it. So every edit is validated by the scenario
// parser with the CLI's own messages, the CLI reproduces any state of the workbench from its --set
// arguments, and saving writes YAML the CLI reads back to the same scenario. Plain C++ (no Qt).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "models/scenario_parser.hpp"

namespace surge {

/// Something a planner can take down by clicking it, at a time (a scenario failure).
struct Outage {
  FailureKind kind = FailureKind::DATA_CENTER;
  std::string target;             ///< data center name, "dc/hsm-N", a WAN link name; empty for the DB writer
  double at_s = 0;                ///< when it fails, seconds after discovery
  std::optional<double> until_s;  ///< when it comes back (CT logs and operators only); empty: never
  bool operator==(const Outage&) const = default;
};

/// The edited scenario, with undo and redo.
class ScenarioDocument {
 public:
  /// Reads and validates a scenario file; throws ScenarioError (file:line:col: message) when it is bad.
  static ScenarioDocument open(const std::string& path);

  const std::string& path() const { return path_; }
  /// The scenario with every edit applied (always valid).
  const Scenario& scenario() const { return scenario_; }
  /// The edits, in the order they were first made; one per path.
  const std::vector<Override>& overrides() const { return overrides_; }
  /// What is down and when (the file's failures, as edited).
  std::vector<Outage> outages() const;

  /// Sets fields as `--set path=value` would, as one step. Throws ScenarioError with the CLI's messages
  /// and leaves the document unchanged when the result does not validate. An empty value removes the edit
  /// (back to the file's value).
  void set(const std::vector<Override>& edits, const std::string& description = "");
  /// Sets one field.
  void set(const std::string& path, const std::string& value) { set({{path, value}}); }
  /// Replaces every edit at once (returning to an earlier what-if), as one step; validated like set().
  void set_all(const std::vector<Override>& overrides, const std::string& description);
  /// The current value of a field as the file or an edit writes it ("" when neither does).
  std::string value(const std::string& path) const;

  /// Takes something down at `at_s`, or brings it back (nullopt).
  void set_down(FailureKind kind, const std::string& target, std::optional<double> at_s);
  /// When it goes down, if it does.
  std::optional<double> down_at(FailureKind kind, const std::string& target) const;

  bool can_undo() const { return undo_.size() > 0; }
  bool can_redo() const { return redo_.size() > 0; }
  void undo();
  void redo();
  /// A short description of the last edit ("dc2 down at 0 h", "incident.deadline=20h"), for the what-if list.
  const std::string& last_change() const { return last_change_; }

  /// The `surge run` arguments that give the same scenario: {"--set", "path=value", ...}.
  std::vector<std::string> cli_arguments() const;
  /// The whole equivalent command line, quoted for a POSIX shell.
  std::string command_line(const std::string& program = "surge run") const;
  /// The edited scenario as YAML for a file at save_path (the CLI reads it back to the same scenario).
  std::string to_yaml(const std::string& save_path) const;

 private:
  struct State {
    std::vector<Override> overrides;
    std::string description;
  };
  ScenarioDocument(std::string path, std::string text);
  void apply(State next);  // validates, then takes it; pushes the current state for undo

  std::string path_;
  std::string text_;
  std::vector<Override> overrides_;
  Scenario scenario_;
  std::string last_change_;
  std::vector<State> undo_;
  std::vector<State> redo_;
};

/// The scenario-file key of a failure kind ("data_center", "hsm", "db_writer", "link").
std::string failure_key(FailureKind kind);
/// A duration written so that it reads back exactly ("0h", "90min", "7322.5s").
std::string exact_duration(double seconds);
/// Quotes an argument for a POSIX shell when it needs it.
std::string shell_quote(const std::string& arg);

}  // namespace surge
