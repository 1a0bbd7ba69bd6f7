// The workbench window: parameters and the what-ifs tried on the left; the answer, the topology (click
// to take things down) with replay, and the charts on the right. Thin over Workbench.
#pragma once

#include <QMainWindow>
#include <QtCharts/QChartView>
#include <map>

#include "gui/workbench.hpp"

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSlider;
class QTabWidget;
class QTableWidget;

namespace surge::gui {

class ParameterPanel;
class TopologyView;

/// The one window of surge-gui.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);

  /// Opens a scenario (errors shown in a dialog unless quiet; returned either way).
  bool openScenario(const QString& path, QString* error = nullptr, bool quiet = false);
  /// Opens a `surge twin` result folder in the "twin" tab: replaced and revoked over the live run, as
  /// predicted before it and as measured. False (the message in the status bar and `error`) when DIR
  /// is not a twin result.
  bool openTwinResult(const QString& dir, QString* error = nullptr);

  Workbench& workbench() { return workbench_; }
  TopologyView& topology() { return *topology_; }
  ParameterPanel& parameters() { return *parameters_; }
  /// The answer as shown: analytic and, once run, simulated.
  QString summaryText() const;
  /// A chart by tab name ("progress", "queues", "utilisation", "links", "sensitivity", "twin" once opened).
  QChart* chart(const QString& name) const;
  /// Moves the replay to simulated time t_s (the nearest sample at or before it).
  void replayAt(double t_s);
  /// Writes every chart tab as NAME.png into dir; returns the files written.
  QStringList exportCharts(const QString& dir);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  QWidget* buildLeftPane();
  QWidget* buildAnswerPane();
  QWidget* buildTabs();
  void buildMenus();
  void followWorkbench();
  void followSimulation();
  void refreshAnswer();
  void refreshCharts();
  void refreshHistory();
  void refreshCompare();
  void setChart(const QString& name, QChart* chart);
  void saveAs();
  void exportSeries();
  void rememberRecent(const QString& path);

  Workbench workbench_;
  ParameterPanel* parameters_ = nullptr;
  TopologyView* topology_ = nullptr;
  QLabel* summary_ = nullptr;
  QLabel* command_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QPushButton* cancel_ = nullptr;
  QSlider* replay_ = nullptr;
  QLabel* replay_label_ = nullptr;
  QListWidget* history_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QTableWidget* compare_ = nullptr;
  QLabel* compare_title_ = nullptr;
  std::map<QString, QChartView*> charts_;
  QMenu* recent_menu_ = nullptr;
  QString sim_status_;  // "simulating...", "simulation failed: ...", ""
};

/// The answer to a report in a few lines, as the window shows it.
QString answer_text(const Report& r);

}  // namespace surge::gui
