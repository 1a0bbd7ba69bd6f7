#include "gui/workbench.hpp"

#include <chrono>
#include <exception>

#include "models/analytic.hpp"
#include "models/format_units.hpp"
#include "models/units.hpp"

namespace surge::gui {
namespace {

QString hours(const std::optional<double>& s) {
  return s ? QString::fromStdString(format_duration(*s)) : QStringLiteral("not within the horizon");
}

// The report a comparison reads: the simulated one when there is one.
const Report& best(const WhatIf& w) {
  return w.simulated ? *w.simulated : w.analytic;
}

}  // namespace

QString bottleneck_label(const Report& r) {
  QStringList names;
  for (const std::string& n : r.bottleneck) names << QString::fromStdString(n);
  return names.isEmpty() ? QStringLiteral("none (client timing binds)") : names.join(", ");
}

QList<Difference> compare_results(const WhatIf& left, const WhatIf& right) {
  QList<Difference> rows;
  auto add = [&](const QString& figure, const QString& l, const QString& r) {
    if (l != r) rows.push_back(Difference{figure, l, r});
  };
  const Report& a = best(left);
  const Report& b = best(right);
  add("scenario file", left.file, right.file);
  add("result", a.mode == "simulated" ? "simulated" : "analytic", b.mode == "simulated" ? "simulated" : "analytic");
  add("answer", a.deadline_met ? "met" : "missed", b.deadline_met ? "met" : "missed");
  add("last replacement", hours(a.completion_time_s), hours(b.completion_time_s));
  add("last revocation", hours(a.revocation_complete_s), hours(b.revocation_complete_s));
  add("not replaced by the deadline", QString::fromStdString(format_count(a.not_replaced_by_deadline)),
      QString::fromStdString(format_count(b.not_replaced_by_deadline)));
  add("revoked before replaced", QString::fromStdString(format_count(a.revoked_before_replaced)),
      QString::fromStdString(format_count(b.revoked_before_replaced)));
  add("bottleneck", bottleneck_label(a), bottleneck_label(b));
  add("latest decision (analytic)", hours(left.analytic.latest_decision_s), hours(right.analytic.latest_decision_s));
  // Resources: capacity and mean utilisation, by name.
  std::map<std::string, std::pair<const ResourceUse*, const ResourceUse*>> by_name;
  for (const ResourceUse& u : a.resources) by_name[u.name].first = &u;
  for (const ResourceUse& u : b.resources) by_name[u.name].second = &u;
  for (const auto& [name, pair] : by_name) {
    auto cap = [](const ResourceUse* u) {
      return u ? QString::fromStdString(format_capacity(u->capacity, u->unit)) : QStringLiteral("-");
    };
    auto util = [](const ResourceUse* u) { return u ? QString("%1%").arg(100 * u->mean_utilisation, 0, 'f', 1) : "-"; };
    add(QString::fromStdString(name) + " capacity", cap(pair.first), cap(pair.second));
    add(QString::fromStdString(name) + " utilisation", util(pair.first), util(pair.second));
  }
  // The edits that make each state.
  std::map<std::string, std::pair<std::string, std::string>> edits;
  for (const Override& o : left.overrides) edits[o.path].first = o.value;
  for (const Override& o : right.overrides) edits[o.path].second = o.value;
  for (const auto& [path, values] : edits)
    add("--set " + QString::fromStdString(path),
        values.first.empty() ? QStringLiteral("(file)") : QString::fromStdString(values.first),
        values.second.empty() ? QStringLiteral("(file)") : QString::fromStdString(values.second));
  return rows;
}

Workbench::Workbench(QObject* parent) : QObject(parent) {
  connect(&runner_, &SimulationRunner::progress, this, &Workbench::simulationProgress);
  connect(&runner_, &SimulationRunner::failed, this, &Workbench::simulationFailed);
  connect(&runner_, &SimulationRunner::finished, this, [this](const Report& r) {
    // A result belongs to the state it was started for: attach it to that what-if.
    for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
      if (it->command == running_command_) {
        it->simulated = r;
        break;
      }
    }
    if (running_command_ == commandLine()) simulated_ = r;
    emit historyChanged();
    emit simulationFinished(r);
  });
}

bool Workbench::open(const QString& path, QString* error) {
  try {
    auto doc = std::make_unique<ScenarioDocument>(ScenarioDocument::open(path.toStdString()));
    runner_.cancel();
    document_ = std::move(doc);
    // The pinned result stays: comparing two scenario files (2020 against 2021 hardware) is the point.
    recompute("opened " + QString::fromStdString(document_->scenario().name));
    return true;
  } catch (const std::exception& e) {  // ScenarioError, or InvariantError (a bug): never through Qt
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
}

bool Workbench::edit(const std::vector<Override>& edits, const QString& description) {
  if (!document_) return false;
  try {
    document_->set(edits, description.toStdString());
  } catch (const std::exception& e) {
    emit rejected(QString::fromStdString(e.what()));
    return false;
  }
  recompute(QString::fromStdString(document_->last_change()));
  return true;
}

bool Workbench::setDown(FailureKind kind, const QString& target, std::optional<double> at_s) {
  if (!document_) return false;
  try {
    document_->set_down(kind, target.toStdString(), at_s);
  } catch (const std::exception& e) {
    emit rejected(QString::fromStdString(e.what()));
    return false;
  }
  recompute(QString::fromStdString(document_->last_change()));
  return true;
}

bool Workbench::toggleDown(FailureKind kind, const QString& target) {
  if (!document_) return false;
  const bool down = document_->down_at(kind, target.toStdString()).has_value();
  return setDown(kind, target, down ? std::nullopt : std::optional<double>(0.0));
}

bool Workbench::restore(int index) {
  if (!document_ || index < 0 || index >= history_.size()) return false;
  if (history_[index].file != QString::fromStdString(document_->path())) {
    emit rejected("that what-if was tried on " + history_[index].file + "; open it first");
    return false;
  }
  try {
    document_->set_all(history_[index].overrides, "back to: " + history_[index].description.toStdString());
  } catch (const std::exception& e) {
    emit rejected(QString::fromStdString(e.what()));
    return false;
  }
  recompute(QString::fromStdString(document_->last_change()));
  return true;
}

void Workbench::undo() {
  if (!document_ || !document_->can_undo()) return;
  document_->undo();
  recompute("undo");
}

void Workbench::redo() {
  if (!document_ || !document_->can_redo()) return;
  document_->redo();
  recompute("redo: " + QString::fromStdString(document_->last_change()));
}

QStringList Workbench::runArguments() const {
  QStringList args;
  if (!document_) return args;
  for (const std::string& a : document_->cli_arguments()) args << QString::fromStdString(a);
  if (seed_) args << "--seed" << QString::number(*seed_);
  return args;
}

QString Workbench::commandLine() const {
  if (!document_) return {};
  QString line = QString::fromStdString(document_->command_line());
  if (seed_) line += " --seed " + QString::number(*seed_);
  return line;
}

void Workbench::simulate() {
  if (!document_) return;
  running_command_ = commandLine();
  simulated_.reset();
  runner_.start(QString::fromStdString(document_->path()), runArguments());
  emit simulationStarted();
}

WhatIf Workbench::current() const {
  WhatIf w;
  if (!document_) return w;
  w.description = QString::fromStdString(document_->last_change());
  w.file = QString::fromStdString(document_->path());
  w.overrides = document_->overrides();
  w.command = commandLine();
  w.analytic = analytic_;
  w.simulated = simulated_;
  return w;
}

void Workbench::pin() {
  if (!document_) return;
  pinned_ = current();
  emit pinnedChanged();
}

void Workbench::recompute(const QString& description) {
  const auto t0 = std::chrono::steady_clock::now();
  analytic_ = analyze(document_->scenario());
  analytic_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  simulated_.reset();
  WhatIf w = current();
  w.description = description;
  history_.push_back(w);
  emit changed();
  emit historyChanged();
  if (auto_simulate_) simulate();
}

}  // namespace surge::gui
