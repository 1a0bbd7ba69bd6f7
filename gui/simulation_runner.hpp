// Runs one simulation at a time as a child process, `surge run FILE --set ... --progress jsonl --json
// --out DIR` (SimGrid's engine is one per process and aborts the process on fatal errors, so the GUI never
// hosts it). Streams its progress, and hands back the same Report and time series the CLI writes, or the
// child's error: a bad scenario's message, a failure's last lines, or the signal that killed it.
#pragma once

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <memory>

#include "models/report.hpp"

namespace surge::gui {

/// Progress of the running child, as its JSON lines report it.
struct RunProgress {
  double sim_time_s = 0;
  double horizon_s = 0;
  double replaced = 0;
  double certificates = 0;
  double fraction = 0;  ///< of the work done (0..1)
};

/// Where the `surge` command is: $SURGE_CLI, else beside this program or in the build tree, else PATH.
QString find_surge_cli();

/// Reads series.csv as `surge run --out` writes it into a Report's series (header into series_columns).
/// Returns false with `error` set when the text is not such a table.
bool read_series_csv(const QString& path, Report& report, QString& error);

/// One simulation in a child process.
class SimulationRunner : public QObject {
  Q_OBJECT
 public:
  explicit SimulationRunner(QObject* parent = nullptr);
  ~SimulationRunner() override;

  /// The surge program to start (default find_surge_cli()).
  void setProgram(const QString& program) { program_ = program; }
  const QString& program() const { return program_; }
  /// Starts `surge run scenarioFile args... --json --progress jsonl --out TMP`; cancels a run in progress.
  void start(const QString& scenarioFile, const QStringList& args);
  /// Stops the child (SIGTERM, then SIGKILL); emits cancelled().
  void cancel();
  bool running() const { return process_ && process_->state() != QProcess::NotRunning; }
  /// The child's process id while it runs (0 otherwise).
  qint64 processId() const { return running() ? process_->processId() : 0; }

 signals:
  void started();
  void progress(const surge::gui::RunProgress& p);
  /// The child's report with its time series.
  void finished(const surge::Report& report);
  /// The child failed: bad input (its message), a runtime failure, a crash (the signal), or no program.
  void failed(const QString& message);
  void cancelled();

 private:
  void onReadyReadStderr();
  void onFinished(int exitCode, QProcess::ExitStatus status);
  void onErrorOccurred(QProcess::ProcessError error);

  QString program_;
  QProcess* process_ = nullptr;
  std::unique_ptr<QTemporaryDir> out_dir_;
  QByteArray stderr_buffer_;
  QStringList stderr_lines_;  // what the child said that was not progress
  bool reported_ = false;     // finished, failed or cancelled was emitted for this child
};

}  // namespace surge::gui

Q_DECLARE_METATYPE(surge::gui::RunProgress)
Q_DECLARE_METATYPE(surge::Report)
