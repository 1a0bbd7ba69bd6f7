#include "gui/main_window.hpp"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>

#include "gui/charts.hpp"
#include "gui/parameter_panel.hpp"
#include "gui/topology_view.hpp"
#include "gui/twin_chart.hpp"
#include "models/units.hpp"

namespace surge::gui {
namespace {

constexpr int kMaxRecent = 8;
constexpr double kHour_s = 3600;
constexpr double kMsPerSecond = 1000;
const QStringList kChartTabs{"progress", "queues", "utilisation", "links", "sensitivity"};

QString q(const std::string& s) {
  return QString::fromStdString(s);
}

}  // namespace

QString answer_text(const Report& r) {
  QString t = QString("%1 (%2)\n").arg(r.deadline_met ? "DEADLINE MET" : "DEADLINE MISSED", q(r.mode));
  t += QString("last replacement: %1 after discovery (deadline %2)\n")
           .arg(r.completion_time_s ? q(format_duration(*r.completion_time_s)) : "not within the horizon",
                q(format_duration(r.deadline_s)));
  t += QString("not replaced by the deadline: %1; revoked before replaced: %2\n")
           .arg(q(format_count(r.not_replaced_by_deadline)), q(format_count(r.revoked_before_replaced)));
  const auto populated =
      std::count_if(r.classes.begin(), r.classes.end(), [](const ClassOutcome& c) { return c.certificates > 0; });
  if (populated > 1) {  // where the broken sites are: which clients the CA failed to reach in time
    QStringList by_class;
    for (const ClassOutcome& c : r.classes)
      by_class << QString("%1 %2").arg(q(c.name), q(format_count(c.revoked_before_replaced)));
    t += "broken sites by client class: " + by_class.join(", ") + "\n";
  }
  t += QString("bottleneck: %1").arg(bottleneck_label(r));
  if (r.latest_decision_s)
    t += QString("\nlatest decision that meets the deadline: %1").arg(q(format_duration(*r.latest_decision_s)));
  if (r.recommended_window && r.recommended_window->end_s)
    t += QString("\nrecommended window: spread renewals over %1 (%2 peaks at %3%)")
             .arg(q(format_duration(*r.recommended_window->end_s)), q(r.recommended_window->resource))
             .arg(100 * r.recommended_window->peak_utilisation, 0, 'f', 1);
  if (r.crl_signatures)
    t += QString("\nrevocations published in CRLs: %1")
             .arg(r.revocations_published_s ? q(format_duration(*r.revocations_published_s)) : "not within the run");
  return t;
}

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle("surge workbench");
  setAcceptDrops(true);
  resize(1280, 900);
  QWidget* left = buildLeftPane();
  auto* right = new QSplitter(Qt::Vertical);
  right->addWidget(buildAnswerPane());
  right->addWidget(buildTabs());
  right->setStretchFactor(0, 3);
  right->setStretchFactor(1, 2);
  auto* main = new QSplitter(Qt::Horizontal);
  main->addWidget(left);
  main->addWidget(right);
  main->setStretchFactor(1, 1);
  main->setSizes({400, 880});
  setCentralWidget(main);
  buildMenus();
  followWorkbench();
  followSimulation();
}

// Left: parameters and the what-ifs tried.
QWidget* MainWindow::buildLeftPane() {
  parameters_ = new ParameterPanel(workbench_);
  auto* scroll = new QScrollArea;
  scroll->setWidget(parameters_);
  scroll->setWidgetResizable(true);
  history_ = new QListWidget;
  history_->setToolTip("What-ifs tried this session, with their answers; double-click one to return to it");
  history_->setWordWrap(true);  // long answers wrap rather than hide behind a horizontal scroll bar
  history_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  connect(history_, &QListWidget::itemDoubleClicked, this,
          [this](QListWidgetItem* item) { workbench_.restore(history_->row(item)); });
  auto* left = new QSplitter(Qt::Vertical);
  left->addWidget(scroll);
  auto* history_box = new QWidget;
  auto* hl = new QVBoxLayout(history_box);
  hl->setContentsMargins(0, 0, 0, 0);
  hl->addWidget(new QLabel("What-ifs this session"));
  hl->addWidget(history_);
  left->addWidget(history_box);
  scroll->setMinimumWidth(380);
  return left;
}

// Right, above: the answer, the simulation's progress, the equivalent command, the topology with replay.
QWidget* MainWindow::buildAnswerPane() {
  summary_ = new QLabel;
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  summary_->setStyleSheet("font-family: monospace;");
  summary_->setWordWrap(true);
  command_ = new QLabel;
  command_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  command_->setWordWrap(true);
  command_->setStyleSheet("color: #555;");
  progress_ = new QProgressBar;
  progress_->setRange(0, 1000);
  progress_->setTextVisible(true);
  cancel_ = new QPushButton("Cancel");
  cancel_->setEnabled(false);
  auto* progress_row = new QHBoxLayout;
  progress_row->addWidget(progress_, 1);
  progress_row->addWidget(cancel_);
  topology_ = new TopologyView;
  replay_ = new QSlider(Qt::Horizontal);
  replay_->setEnabled(false);
  replay_label_ = new QLabel("replay: after a simulation");
  auto* replay_row = new QHBoxLayout;
  replay_row->addWidget(replay_label_);
  replay_row->addWidget(replay_, 1);

  auto* top = new QWidget;
  auto* tl = new QVBoxLayout(top);
  tl->addWidget(summary_);
  tl->addLayout(progress_row);
  tl->addWidget(command_);
  tl->addWidget(topology_, 1);
  tl->addLayout(replay_row);
  return top;
}

// Right, below: the charts and the comparison with a pinned result.
QWidget* MainWindow::buildTabs() {
  tabs_ = new QTabWidget;
  for (const QString& name : kChartTabs) {
    auto* view = new QChartView(new QChart);
    view->setRenderHint(QPainter::Antialiasing);
    charts_[name] = view;
    tabs_->addTab(view, name);
  }
  auto* compare_box = new QWidget;
  auto* cl = new QVBoxLayout(compare_box);
  compare_title_ = new QLabel("Pin a result (Compare > Pin) to compare it with the current one.");
  compare_title_->setWordWrap(true);
  compare_ = new QTableWidget(0, 3);
  compare_->setHorizontalHeaderLabels({"figure", "pinned", "current"});
  compare_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  cl->addWidget(compare_title_);
  cl->addWidget(compare_);
  tabs_->addTab(compare_box, "compare");
  return tabs_;
}

// Everything follows the workbench: clicks on the topology edit it, its changes redraw.
void MainWindow::followWorkbench() {
  connect(topology_, &TopologyView::toggleRequested, this,
          [this](FailureKind kind, const QString& target) { workbench_.toggleDown(kind, target); });
  connect(topology_, &TopologyView::downAtRequested, this,
          [this](FailureKind kind, const QString& target, std::optional<double> at) {
            workbench_.setDown(kind, target, at);
          });
  connect(&workbench_, &Workbench::changed, this, [this] {
    topology_->showScenario(workbench_.document().scenario());
    replay_->setEnabled(false);
    refreshAnswer();
    refreshCharts();
    refreshCompare();
  });
  connect(&workbench_, &Workbench::rejected, this,
          [this](const QString& m) { statusBar()->showMessage(m.section('\n', 0, 0)); });
  connect(&workbench_, &Workbench::historyChanged, this, &MainWindow::refreshHistory);
  connect(&workbench_, &Workbench::pinnedChanged, this, &MainWindow::refreshCompare);
}

// A simulation's start, progress, end, failure or cancellation, and the replay slider after it.
void MainWindow::followSimulation() {
  connect(&workbench_, &Workbench::simulationStarted, this, [this] {
    sim_status_ = "simulating...";
    progress_->setValue(0);
    progress_->setFormat("simulating %p%");
    cancel_->setEnabled(true);
    refreshAnswer();
  });
  connect(&workbench_, &Workbench::simulationProgress, this, [this](const RunProgress& p) {
    progress_->setValue(static_cast<int>(p.fraction * 1000));
    progress_->setFormat(
        QString("simulating: %1 of %2, %3 replaced")
            .arg(q(format_duration(p.sim_time_s)), q(format_duration(p.horizon_s)), q(format_count(p.replaced))));
  });
  connect(&workbench_, &Workbench::simulationFinished, this, [this] {
    cancel_->setEnabled(false);
    progress_->setValue(1000);
    progress_->setFormat("simulation done");
    sim_status_.clear();
    refreshAnswer();
    refreshCharts();
    refreshCompare();
    if (const auto& sim = workbench_.simulated(); sim && !sim->series.empty()) {
      replay_->setRange(0, static_cast<int>(sim->series.size()) - 1);
      replay_->setEnabled(true);
      // Start the replay in the middle of the work, where the backlog is.
      const double mid = (sim->decision_s + sim->completion_time_s.value_or(sim->horizon_s)) / 2;
      replay_->setValue(replay_->maximum());
      replayAt(mid);
    }
  });
  connect(&workbench_, &Workbench::simulationFailed, this, [this](const QString& m) {
    cancel_->setEnabled(false);
    progress_->setValue(0);
    progress_->setFormat("simulation failed");
    sim_status_ = "simulation failed: " + m;
    refreshAnswer();
  });
  connect(&workbench_.runner(), &SimulationRunner::cancelled, this, [this] {
    cancel_->setEnabled(false);
    progress_->setFormat("cancelled");
    sim_status_ = "simulation cancelled";
    refreshAnswer();
  });
  connect(cancel_, &QPushButton::clicked, this, [this] { workbench_.cancelSimulation(); });
  connect(replay_, &QSlider::valueChanged, this, [this](int row) {
    const auto& sim = workbench_.simulated();
    if (!sim || row < 0 || row >= static_cast<int>(sim->series.size())) return;
    const double t = sim->series[static_cast<size_t>(row)][0];
    replay_label_->setText(QString("replay t = %1").arg(q(format_duration(t))));
    topology_->showReplay(&*sim, t);
  });
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu("&File");
  QToolBar* bar = addToolBar("main");
  QAction* open = file->addAction("&Open scenario...", QKeySequence::Open, this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, "Open scenario", QDir::currentPath(), "Scenarios (*.yaml *.yml)");
    if (!path.isEmpty()) openScenario(path);
  });
  recent_menu_ = file->addMenu("Open &recent");
  connect(recent_menu_, &QMenu::aboutToShow, this, [this] {
    recent_menu_->clear();
    for (const QString& path : QSettings("surge", "surge-gui").value("recent").toStringList())
      recent_menu_->addAction(path, this, [this, path] { openScenario(path); });
  });
  QAction* save = file->addAction("&Save scenario as...", QKeySequence::SaveAs, this, &MainWindow::saveAs);
  file->addAction("Export charts as &PNG...", this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, "Export charts into");
    if (!dir.isEmpty()) statusBar()->showMessage("wrote " + exportCharts(dir).join(", "));
  });
  file->addAction("Export time series as &CSV...", this, &MainWindow::exportSeries);
  file->addAction("Open &twin result...", this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, "Open a surge twin result folder");
    if (!dir.isEmpty()) openTwinResult(dir);
  });
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

  QMenu* edit = menuBar()->addMenu("&Edit");
  QAction* undo = edit->addAction("&Undo", QKeySequence::Undo, this, [this] { workbench_.undo(); });
  QAction* redo = edit->addAction("&Redo", QKeySequence::Redo, this, [this] { workbench_.redo(); });

  QMenu* run = menuBar()->addMenu("&Run");
  QAction* simulate = run->addAction("&Simulate", QKeySequence(Qt::Key_F5), this, [this] { workbench_.simulate(); });
  QAction* autorun = run->addAction("Simulate on every &change");
  autorun->setCheckable(true);
  autorun->setChecked(true);
  connect(autorun, &QAction::toggled, this, [this](bool on) { workbench_.setAutoSimulate(on); });

  QMenu* compare = menuBar()->addMenu("&Compare");
  QAction* pin = compare->addAction("&Pin this result", QKeySequence(Qt::CTRL | Qt::Key_P), this, [this] {
    workbench_.pin();
    tabs_->setCurrentIndex(tabs_->count() - 1);
  });
  for (QAction* a : {open, save, undo, redo, simulate, pin}) bar->addAction(a);
}

bool MainWindow::openScenario(const QString& path, QString* error, bool quiet) {
  QString message;
  if (!workbench_.open(path, &message)) {
    if (error) *error = message;
    if (!quiet) QMessageBox::warning(this, "Cannot open the scenario", message);
    return false;
  }
  rememberRecent(QFileInfo(path).absoluteFilePath());
  setWindowTitle(QString("surge workbench: %1").arg(QFileInfo(path).fileName()));
  return true;
}

void MainWindow::rememberRecent(const QString& path) {
  QSettings settings("surge", "surge-gui");
  QStringList recent = settings.value("recent").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  settings.setValue("recent", recent.mid(0, kMaxRecent));
}

QString MainWindow::summaryText() const {
  return summary_->text();
}

QChart* MainWindow::chart(const QString& name) const {
  auto it = charts_.find(name);
  return it == charts_.end() ? nullptr : it->second->chart();
}

void MainWindow::replayAt(double t_s) {
  const auto& sim = workbench_.simulated();
  if (!sim) return;
  int row = 0;
  for (size_t i = 0; i < sim->series.size(); ++i)
    if (sim->series[i][0] <= t_s) row = static_cast<int>(i);
  replay_->setValue(row);
}

void MainWindow::refreshAnswer() {
  if (!workbench_.isOpen()) return;
  QString text = answer_text(workbench_.analytic()) +
                 QString("  [%1]").arg(q(format_duration(workbench_.analyticMs() / kMsPerSecond)));
  if (const auto& sim = workbench_.simulated())
    text += "\n\n" + answer_text(*sim);
  else if (!sim_status_.isEmpty())
    text += "\n\n" + sim_status_;
  summary_->setText(text);
  command_->setText("Same answer from the command line: " + workbench_.commandLine());
}

bool MainWindow::openTwinResult(const QString& dir, QString* error) {
  TwinResult result;
  QString message;
  if (!read_twin_result(dir, result, message)) {
    if (error) *error = message;
    statusBar()->showMessage(message);
    return false;
  }
  if (!charts_.count("twin")) {
    auto* view = new QChartView(new QChart);
    view->setRenderHint(QPainter::Antialiasing);
    charts_["twin"] = view;
    tabs_->addTab(view, "twin");
  }
  setChart("twin", twin_chart(result));
  tabs_->setCurrentWidget(charts_.at("twin"));
  statusBar()->showMessage("twin result " + dir);
  return true;
}

void MainWindow::setChart(const QString& name, QChart* chart) {
  QChartView* view = charts_.at(name);
  QChart* old = view->chart();
  view->setChart(chart);
  delete old;
}

void MainWindow::refreshCharts() {
  if (!workbench_.isOpen()) return;
  const Report& analytic = workbench_.analytic();
  const auto& sim = workbench_.simulated();
  const Report& shown = sim ? *sim : analytic;
  setChart("progress", progress_chart(shown, &analytic));
  setChart("queues", queue_chart(shown));
  setChart("utilisation", utilisation_chart(shown));
  setChart("links", link_bytes_chart(shown));
  setChart("sensitivity", tornado_chart(analytic));
}

void MainWindow::refreshHistory() {
  history_->clear();
  for (const WhatIf& w : workbench_.history()) {
    auto answer = [](const Report& r) {
      return QString("%1 %2").arg(r.deadline_met ? "met" : "missed",
                                  r.completion_time_s ? q(format_duration(*r.completion_time_s)) : "-");
    };
    QString line = (w.file == q(workbench_.document().path()) ? QString() : QFileInfo(w.file).fileName() + ": ") +
                   w.description + ": " + answer(w.analytic) + " (analytic)";
    if (w.simulated) line += ", " + answer(*w.simulated) + " (simulated)";
    auto* item = new QListWidgetItem(line);
    item->setToolTip(w.command);
    history_->addItem(item);
  }
  history_->scrollToBottom();
}

void MainWindow::refreshCompare() {
  const auto& pinned = workbench_.pinned();
  if (!pinned || !workbench_.isOpen()) {
    compare_->setRowCount(0);
    return;
  }
  compare_title_->setText(QString("pinned: %1\ncurrent: %2").arg(pinned->command, workbench_.commandLine()));
  const QList<Difference> rows = compare_results(*pinned, workbench_.current());
  compare_->setRowCount(static_cast<int>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    compare_->setItem(i, 0, new QTableWidgetItem(rows[i].figure));
    compare_->setItem(i, 1, new QTableWidgetItem(rows[i].left));
    compare_->setItem(i, 2, new QTableWidgetItem(rows[i].right));
  }
}

void MainWindow::saveAs() {
  if (!workbench_.isOpen()) return;
  const QString path =
      QFileDialog::getSaveFileName(this, "Save scenario as", QDir::currentPath(), "Scenarios (*.yaml)");
  if (path.isEmpty()) return;
  try {
    const std::string text = workbench_.document().to_yaml(path.toStdString());
    QSaveFile f(path);  // written whole or not at all
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), static_cast<qint64>(text.size())) < 0 || !f.commit())
      throw std::runtime_error(("cannot write " + path).toStdString());
    statusBar()->showMessage("saved " + path);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, "Cannot save", e.what());
  }
}

void MainWindow::exportSeries() {
  const auto& sim = workbench_.simulated();
  if (!sim) {
    statusBar()->showMessage("no simulated series yet");
    return;
  }
  const QString path = QFileDialog::getSaveFileName(this, "Export time series", QDir::currentPath(), "CSV (*.csv)");
  if (path.isEmpty()) return;
  const std::string csv = render_series_csv(*sim);
  QSaveFile f(path);
  if (f.open(QIODevice::WriteOnly) && f.write(csv.data(), static_cast<qint64>(csv.size())) >= 0 && f.commit())
    statusBar()->showMessage("wrote " + path);
  else
    QMessageBox::warning(this, "Cannot export", "cannot write " + path);
}

QStringList MainWindow::exportCharts(const QString& dir) {
  QStringList written;
  for (const auto& [name, view] : charts_) {
    const QString path = QDir(dir).filePath(name + ".png");
    if (view->grab().save(path)) written << path;
  }
  return written;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile() && (url.toLocalFile().endsWith(".yaml") || url.toLocalFile().endsWith(".yml"))) {
      openScenario(url.toLocalFile());
      return;
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  workbench_.cancelSimulation();
  event->accept();
}

}  // namespace surge::gui
