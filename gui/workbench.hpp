// The workbench's logic, without a window: the edited scenario, its analytic answer (recomputed on every
// edit, in milliseconds), the simulation of the current state in a child process, undo and redo, the
// what-ifs tried this session and a pinned result to compare against. Widgets only display it and call
// it; tests drive it with QSignalSpy on the offscreen platform.
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

#include "gui/simulation_runner.hpp"
#include "models/report.hpp"
#include "models/scenario_document.hpp"

namespace surge::gui {

/// One state tried this session, with its answers.
struct WhatIf {
  QString description;              ///< what changed ("dc2 down at 0h", "incident.deadline=20h")
  QString file;                     ///< the scenario file it edits
  std::vector<Override> overrides;  ///< the edits that make it
  QString command;                  ///< the equivalent `surge run` command line
  Report analytic;                  ///< the analytic answer
  std::optional<Report> simulated;  ///< the simulated answer, once its run finished
};

/// One row of a comparison of two results.
struct Difference {
  QString figure;  ///< "completion", "bottleneck", "override incident.deadline", ...
  QString left;
  QString right;
};

/// The bottleneck as the window and comparisons show it: names joined, or "none (client timing binds)".
QString bottleneck_label(const Report& r);

/// Rows that differ between two results (and their scenarios' edits), the summary's figures first.
QList<Difference> compare_results(const WhatIf& left, const WhatIf& right);

/// The workbench state and its actions.
class Workbench : public QObject {
  Q_OBJECT
 public:
  explicit Workbench(QObject* parent = nullptr);

  /// Opens a scenario; on bad input returns false with the parser's message and keeps the current one.
  bool open(const QString& path, QString* error = nullptr);
  bool isOpen() const { return document_ != nullptr; }
  const ScenarioDocument& document() const { return *document_; }

  /// Applies edits as `--set`; on a validation error emits rejected(message) and changes nothing.
  bool edit(const std::vector<Override>& edits, const QString& description = {});
  /// Takes something down at at_s, or brings it back (nullopt).
  bool setDown(FailureKind kind, const QString& target, std::optional<double> at_s);
  /// Down at 0 if up, up if down.
  bool toggleDown(FailureKind kind, const QString& target);
  void undo();
  void redo();
  /// Returns to a what-if of this session (by index in history()), as one more undoable edit.
  bool restore(int index);

  /// The analytic answer for the current state, and how long it took (wall ms).
  const Report& analytic() const { return analytic_; }
  double analyticMs() const { return analytic_ms_; }
  /// The simulated answer for the current state, once a run finished (and no edit came since).
  const std::optional<Report>& simulated() const { return simulated_; }

  /// Every edit starts a simulation when on (default on).
  void setAutoSimulate(bool on) { auto_simulate_ = on; }
  /// The seed the simulations use (default: the scenario's).
  void setSeed(std::optional<std::uint64_t> seed) { seed_ = seed; }
  /// Starts a simulation of the current state (cancels one in progress).
  void simulate();
  void cancelSimulation() { runner_.cancel(); }
  bool simulating() const { return runner_.running(); }
  SimulationRunner& runner() { return runner_; }
  /// The `surge run` arguments after the file for the current state (edits, seed).
  QStringList runArguments() const;
  /// The whole `surge run` command line that gives the current state's simulated answer.
  QString commandLine() const;

  /// The what-ifs tried this session, oldest first.
  const QList<WhatIf>& history() const { return history_; }
  /// Pins the current result for comparison.
  void pin();
  const std::optional<WhatIf>& pinned() const { return pinned_; }
  /// The current state as a WhatIf (with its simulated answer when there is one).
  WhatIf current() const;

 signals:
  /// The scenario changed (open, edit, undo, redo) and analytic() is its new answer.
  void changed();
  /// An edit did not validate: the parser's message, as the CLI prints it.
  void rejected(const QString& message);
  void simulationStarted();
  void simulationProgress(const surge::gui::RunProgress& p);
  void simulationFinished(const surge::Report& report);
  void simulationFailed(const QString& message);
  void historyChanged();
  void pinnedChanged();

 private:
  void recompute(const QString& description);  // analytic answer, history entry, simulation

  std::unique_ptr<ScenarioDocument> document_;
  Report analytic_;
  double analytic_ms_ = 0;
  std::optional<Report> simulated_;
  SimulationRunner runner_;
  QString running_command_;  // the run in progress, to match its result to the what-if it was started for
  bool auto_simulate_ = true;
  std::optional<std::uint64_t> seed_;
  QList<WhatIf> history_;
  std::optional<WhatIf> pinned_;
};

}  // namespace surge::gui
