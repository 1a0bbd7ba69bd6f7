#include "gui/simulation_runner.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTextStream>
#include <algorithm>
#include <csignal>
#include <cstring>

#include "models/exit_codes.hpp"

namespace surge::gui {
namespace {

constexpr int kKillAfter_ms = 2000;  // SIGTERM first; a child still alive after this gets SIGKILL
constexpr int kErrorLinesShown = 6;  // of a failed child's stderr

}  // namespace

QString find_surge_cli() {
  if (const QString env = qEnvironmentVariable("SURGE_CLI"); !env.isEmpty()) return env;
  const QString here = QCoreApplication::applicationDirPath();
  for (const QString& candidate : {here + "/surge", here + "/../cli/surge"})
    if (QFileInfo(candidate).isExecutable()) return QDir::cleanPath(candidate);
#ifdef SURGE_CLI_DEFAULT
  if (QFileInfo(QStringLiteral(SURGE_CLI_DEFAULT)).isExecutable()) return QStringLiteral(SURGE_CLI_DEFAULT);
#endif
  return QStandardPaths::findExecutable("surge");
}

bool read_series_csv(const QString& path, Report& report, QString& error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
    error = "cannot read " + path;
    return false;
  }
  QTextStream in(&f);
  const QStringList header = in.readLine().split(',');
  if (header.isEmpty() || header.first() != "t_s") {
    error = path + ": not a surge time series (no t_s column)";
    return false;
  }
  report.series_columns.clear();
  for (const QString& h : header) report.series_columns.push_back(h.toStdString());
  report.series.clear();
  for (int line = 2; !in.atEnd(); ++line) {
    const QString text = in.readLine();
    if (text.isEmpty()) continue;
    const QStringList cells = text.split(',');
    if (cells.size() != header.size()) {
      error = QString("%1:%2: %3 values, the header has %4").arg(path).arg(line).arg(cells.size()).arg(header.size());
      return false;
    }
    std::vector<double> row;
    for (const QString& c : cells) {
      bool ok = false;
      row.push_back(c.toDouble(&ok));
      if (!ok) {
        error = QString("%1:%2: '%3' is not a number").arg(path).arg(line).arg(c);
        return false;
      }
    }
    report.series.push_back(std::move(row));
  }
  return true;
}

SimulationRunner::SimulationRunner(QObject* parent) : QObject(parent), program_(find_surge_cli()) {
  qRegisterMetaType<RunProgress>();
  qRegisterMetaType<Report>();
}

SimulationRunner::~SimulationRunner() {
  if (process_) {
    process_->disconnect(this);
    process_->kill();
    process_->waitForFinished(kKillAfter_ms);
  }
}

void SimulationRunner::start(const QString& scenarioFile, const QStringList& args) {
  if (running()) cancel();
  out_dir_ = std::make_unique<QTemporaryDir>();
  stderr_buffer_.clear();
  stderr_lines_.clear();
  reported_ = false;
  const QStringList arguments =
      QStringList{"run", scenarioFile} + args + QStringList{"--json", "--progress", "jsonl", "--out", out_dir_->path()};
  process_ = new QProcess(this);
  connect(process_, &QProcess::readyReadStandardError, this, &SimulationRunner::onReadyReadStderr);
  connect(process_, &QProcess::finished, this, &SimulationRunner::onFinished);
  connect(process_, &QProcess::errorOccurred, this, &SimulationRunner::onErrorOccurred);
  if (program_.isEmpty()) {
    reported_ = true;
    emit failed("cannot find the surge command: build it, or set SURGE_CLI to its path");
    return;
  }
  process_->start(program_, arguments);
  emit started();
}

void SimulationRunner::cancel() {
  if (!process_) return;
  QProcess* p = process_;
  process_ = nullptr;
  p->disconnect(this);
  if (p->state() != QProcess::NotRunning) {
    p->terminate();
    if (!p->waitForFinished(kKillAfter_ms)) {
      p->kill();
      p->waitForFinished(kKillAfter_ms);
    }
  }
  p->deleteLater();
  if (!reported_) {
    reported_ = true;
    emit cancelled();
  }
}

void SimulationRunner::onReadyReadStderr() {
  stderr_buffer_ += process_->readAllStandardError();
  int nl;
  while ((nl = stderr_buffer_.indexOf('\n')) >= 0) {
    const QByteArray line = stderr_buffer_.left(nl);
    stderr_buffer_.remove(0, nl + 1);
    const QJsonDocument doc = QJsonDocument::fromJson(line);
    if (doc.isObject() && doc.object().contains("t_s")) {
      const QJsonObject o = doc.object();
      RunProgress p;
      p.sim_time_s = o["t_s"].toDouble();
      p.horizon_s = o["horizon_s"].toDouble();
      p.replaced = o["replaced"].toDouble();
      p.certificates = o["certificates"].toDouble();
      const double done = p.certificates > 0 ? (p.replaced + o["revoked"].toDouble()) / (2 * p.certificates) : 0;
      p.fraction = std::clamp(std::max(p.horizon_s > 0 ? p.sim_time_s / p.horizon_s : 0, done), 0.0, 1.0);
      emit progress(p);
    } else if (!line.trimmed().isEmpty()) {
      stderr_lines_ << QString::fromUtf8(line);
    }
  }
}

void SimulationRunner::onFinished(int exitCode, QProcess::ExitStatus status) {
  if (reported_) return;
  onReadyReadStderr();
  if (!stderr_buffer_.trimmed().isEmpty()) stderr_lines_ << QString::fromUtf8(stderr_buffer_);
  reported_ = true;
  const QString said =
      stderr_lines_.mid(std::max(0, static_cast<int>(stderr_lines_.size()) - kErrorLinesShown)).join('\n');
  if (status == QProcess::CrashExit) {
    // Qt reports the signal that ended the child as its exit code.
    emit failed(QString("the simulation crashed: killed by signal %1 (%2)%3")
                    .arg(exitCode)
                    .arg(QString::fromLocal8Bit(strsignal(exitCode)))
                    .arg(said.isEmpty() ? "" : "\n" + said));
    return;
  }
  if (exitCode != 0) {
    emit failed(
        exitCode == kExitBadInput
            ? said
            : QString("the simulation failed (exit code %1)%2").arg(exitCode).arg(said.isEmpty() ? "" : ":\n" + said));
    return;
  }
  try {
    Report r = report_from_json(nlohmann::json::parse(process_->readAllStandardOutput().toStdString()));
    QString error;
    if (!read_series_csv(out_dir_->filePath("series.csv"), r, error)) {
      emit failed(error);
      return;
    }
    emit finished(r);
  } catch (const std::exception& e) {
    emit failed(QString("the simulation's report could not be read: %1").arg(e.what()));
  }
}

void SimulationRunner::onErrorOccurred(QProcess::ProcessError error) {
  if (error != QProcess::FailedToStart || reported_) return;  // crashes arrive through finished()
  reported_ = true;
  emit failed(QString("cannot start %1: %2").arg(program_, process_->errorString()));
}

}  // namespace surge::gui
