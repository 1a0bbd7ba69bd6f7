// The workbench's logic without a window (offscreen platform, QSignalSpy): edits and failures change the
// analytic answer as the seed's arithmetic says, edits are validated with the CLI's messages, undo and
// redo, save round trips, a simulation started from the GUI equals `surge run`, crashes are reported.
#include <gtest/gtest.h>
#include <signal.h>

#include <QApplication>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLineSeries>
#include <algorithm>
#include <cmath>
#include <fstream>

#include "gui/charts.hpp"
#include "gui/main_window.hpp"
#include "gui/parameter_panel.hpp"
#include "gui/topology_view.hpp"
#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"
#include "models/units.hpp"
#include "tests/gui/gui_test_support.hpp"

namespace surge::gui {
namespace {

using namespace surge::testing;

// The seed's arithmetic: 200M certificates x 3 signatures, decision 4 h after discovery.
constexpr double kSignatures = 200e6 * 3;
constexpr double kDecision_s = 4 * kHour_s;
// The analytic planner's fluid grid resolves completion to well within this share.
constexpr double kFluidTolerance = 0.005;

// Both data centers up, no failures: the what-ifs start from here.
std::unique_ptr<MainWindow> open_window(const std::string& scenario = shipped("le-2021-hardware")) {
  auto w = std::make_unique<MainWindow>();
  w->workbench().setAutoSimulate(false);
  QString error;
  EXPECT_TRUE(w->openScenario(QString::fromStdString(scenario), &error, true)) << error.toStdString();
  w->resize(1280, 900);
  w->show();
  QApplication::processEvents();
  return w;
}

void click(TopologyView& view, const QString& element) {
  ASSERT_TRUE(view.elements().contains(element)) << element.toStdString();
  QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.elementPosition(element));
}

TEST(Workbench, ClickingADataCenterDownGivesTheSeedsOnePairArithmetic) {
  auto w = open_window();
  Workbench& bench = w->workbench();
  const Report both_up = bench.analytic();
  ASSERT_TRUE(both_up.completion_time_s);

  QSignalSpy changed(&bench, &Workbench::changed);
  click(w->topology(), "dc2");
  ASSERT_EQ(changed.count(), 1);
  // One pair of 10,000 signatures/s units: 600M / 20,000/s after the decision.
  const double expected = kDecision_s + kSignatures / (2 * 10000.0);
  ASSERT_TRUE(bench.analytic().completion_time_s);
  EXPECT_NEAR(*bench.analytic().completion_time_s, expected, expected * kFluidTolerance);
  EXPECT_EQ(bench.analytic().bottleneck, std::vector<std::string>{"hsm:dc1"});
  EXPECT_TRUE(bench.analytic().deadline_met);
  EXPECT_EQ(bench.document().down_at(FailureKind::DATA_CENTER, "dc2"), 0.0);
  EXPECT_NE(bench.commandLine().indexOf("failures=[{data_center: dc2, at: 0h}]"), -1)
      << bench.commandLine().toStdString();
  EXPECT_TRUE(w->topology().elementText("dc2").contains("DOWN")) << w->topology().elementText("dc2").toStdString();

  // Clicked again: back up, and the answer is the first one again.
  click(w->topology(), "dc2");
  EXPECT_EQ(comparable(bench.analytic()), comparable(both_up));
}

TEST(Workbench, ClickingTheWanLinkToTheWritersDataCenterLeavesOnePairSigning) {
  auto w = open_window();
  Workbench& bench = w->workbench();
  click(w->topology(), "wan/dc1-dc2");
  // dc2 no longer reaches the writer in dc1: only dc1's pair issues, as with dc2 down.
  const double expected = kDecision_s + kSignatures / (2 * 10000.0);
  ASSERT_TRUE(bench.analytic().completion_time_s);
  EXPECT_NEAR(*bench.analytic().completion_time_s, expected, expected * kFluidTolerance);
  EXPECT_EQ(bench.document().down_at(FailureKind::LINK, "wan/dc1-dc2"), 0.0);
  EXPECT_NE(bench.commandLine().indexOf("failures=[{link: wan/dc1-dc2, at: 0h}]"), -1)
      << bench.commandLine().toStdString();
  // The cloud link of the writer's data center carries no issuance: its loss changes nothing.
  click(w->topology(), "wan/dc1-dc2");
  const Report both_up = bench.analytic();
  click(w->topology(), "wan/dc1-cloud");
  EXPECT_EQ(bench.analytic().completion_time_s, both_up.completion_time_s);
}

TEST(Workbench, TheSeeds2020HardwareMissesByItsArithmetic) {
  auto w = open_window(shipped("le-2021-hardware-one-dc"));
  QLineEdit* rate = w->parameters().field("HSM signatures/s");
  ASSERT_NE(rate, nullptr);
  rate->setText("1100/s");
  emit rate->editingFinished();
  const Report& r = w->workbench().analytic();
  // The old pair: 2,200 signatures/s, 190,080,000 a day: 600M takes 600M / 2,200 s after the decision.
  // The edit reached the model: the pair the planner rates signs the seed's 190,080,000 in 24 hours.
  const auto pair =
      std::find_if(r.resources.begin(), r.resources.end(), [](const ResourceUse& u) { return u.name == "hsm:dc1"; });
  ASSERT_NE(pair, r.resources.end());
  EXPECT_DOUBLE_EQ(pair->capacity * 86400, 190080000.0);
  const double expected = kDecision_s + kSignatures / 2200.0;
  ASSERT_TRUE(r.completion_time_s);
  EXPECT_NEAR(*r.completion_time_s, expected, expected * kFluidTolerance);
  EXPECT_FALSE(r.deadline_met);
  EXPECT_TRUE(w->summaryText().contains("DEADLINE MISSED"));
}

TEST(Workbench, TheTornadoPutsTheBottleneckFirstWithTheHoursTenPercentSaves) {
  auto w = open_window(shipped("le-2021-hardware-one-dc"));
  QChart* chart = w->chart("sensitivity");
  ASSERT_NE(chart, nullptr);
  auto* bars = qobject_cast<QHorizontalBarSeries*>(chart->series().at(0));
  ASSERT_NE(bars, nullptr);
  auto* axis = qobject_cast<QBarCategoryAxis*>(chart->axes(Qt::Vertical).at(0));
  ASSERT_NE(axis, nullptr);
  // Qt draws the first category at the bottom: the top bar is the last.
  const int top = static_cast<int>(axis->count()) - 1;
  EXPECT_EQ(axis->at(top), "hsm:dc1");
  // The bottleneck's bar is in the highlighted set: one pair at 20,000/s against 22,000/s.
  const double saved_h = (kSignatures / 20000.0 - kSignatures / 22000.0) / kHour_s;
  EXPECT_NEAR(bars->barSets().at(1)->at(top), saved_h, saved_h * 0.01);
  EXPECT_EQ(bars->barSets().at(0)->at(top), 0.0);
}

TEST(Workbench, AScenarioWithClientClassesShowsBrokenSitesPerClass) {
  auto w = open_window(shipped("client-classes-one-dc"));
  const Report& r = w->workbench().analytic();
  ASSERT_GT(r.classes.size(), 1u);
  double total = 0;
  for (const ClassOutcome& c : r.classes) {
    EXPECT_TRUE(
        w->summaryText().contains(QString::fromStdString(c.name + " " + format_count(c.revoked_before_replaced))))
        << c.name;
    total += c.revoked_before_replaced;
  }
  EXPECT_NEAR(total, r.revoked_before_replaced, 1.0);
  // No single ARI share to edit: the classes' shares sum to 1.
  EXPECT_FALSE(w->parameters().field("ARI share")->isEnabled());
}

TEST(Workbench, TakingADataCenterDownKeepsTheScenariosCtOutageAndItsEnd) {
  auto w = open_window(shipped("ct-log-outage"));
  Workbench& bench = w->workbench();
  const auto ct_outage = [&] {
    for (const Failure& f : bench.document().scenario().failures)
      if (f.kind == FailureKind::CT_OPERATOR) return std::optional<Failure>(f);
    return std::optional<Failure>();
  };
  ASSERT_TRUE(ct_outage());
  const Failure before = *ct_outage();
  click(w->topology(), "dc2");
  ASSERT_TRUE(ct_outage());
  EXPECT_EQ(ct_outage()->target, before.target);
  EXPECT_EQ(ct_outage()->at_s, before.at_s);
  EXPECT_EQ(ct_outage()->until_s, before.until_s);
  EXPECT_EQ(bench.document().down_at(FailureKind::DATA_CENTER, "dc2"), 0.0);
}

TEST(Workbench, ClickingACtLogDownLeavesOneOperatorDuringTheOutageAndSlowsIssuanceAfter) {
  auto w = open_window(shipped("ct-log-outage"));
  Workbench& bench = w->workbench();
  ASSERT_TRUE(w->topology().elements().contains("ct:nimbus"));
  click(w->topology(), "ct:nimbus");  // cloudflare's only log, down from the start
  EXPECT_EQ(bench.document().down_at(FailureKind::CT_LOG, "nimbus"), 0.0);
  // From the decision (4 h) to google's return (10 h) only digicert is up: no precertificate gets its two
  // SCTs. Then google (2 x 5,000/s) and digicert (5,000/s): min(15,000 / 2, 15,000 - 10,000) = 5,000
  // certificates/s for the whole backlog of 200M (every ARI client has asked within 6 h of the decision).
  const double expected = 10 * kHour_s + 200e6 / 5000.0;
  ASSERT_TRUE(bench.analytic().completion_time_s);
  EXPECT_NEAR(*bench.analytic().completion_time_s, expected, 0.01 * expected);
  EXPECT_TRUE(w->topology().elementText("ct:nimbus").contains("DOWN"));
  EXPECT_TRUE(w->topology().elementText("ct:argon").contains("until 10.0 h"))
      << w->topology().elementText("ct:argon").toStdString();
}

TEST(Workbench, ABadEditIsRejectedWithTheClisMessageAndChangesNothing) {
  auto w = open_window();
  Workbench& bench = w->workbench();
  const nlohmann::json before = comparable(bench.analytic());
  QSignalSpy rejected(&bench, &Workbench::rejected);
  QLineEdit* deadline = w->parameters().field("deadline");
  deadline->setText("20 parsecs");
  emit deadline->editingFinished();
  ASSERT_EQ(rejected.count(), 1);
  const std::string shown = rejected.at(0).at(0).toString().toStdString();
  const auto cli = run_command(surge::shell_quote(SURGE_CLI) + " check " + shipped("le-2021-hardware") +
                               " --set 'incident.deadline=20 parsecs'");
  EXPECT_EQ(cli.code, 2);
  EXPECT_EQ(shown + "\n", cli.err);
  EXPECT_EQ(w->parameters().error().toStdString(), shown);
  EXPECT_FALSE(bench.document().can_undo());
  EXPECT_EQ(comparable(bench.analytic()), before);
}

TEST(Workbench, AnOutOfRangeEditMarksTheFieldNamesTheRangeAndRunsNothing) {
  auto w = open_window();
  Workbench& bench = w->workbench();
  const nlohmann::json before = comparable(bench.analytic());
  QSignalSpy rejected(&bench, &Workbench::rejected);
  QSignalSpy changed(&bench, &Workbench::changed);
  QLineEdit* hsms = w->parameters().field("HSMs per data center");
  hsms->setText("2147483648");  // 2^31: once wrapped to a negative capacity
  emit hsms->editingFinished();
  ASSERT_EQ(rejected.count(), 1);
  const std::string shown = rejected.at(0).at(0).toString().toStdString();
  EXPECT_NE(shown.find("hsm.count' must be in [1, 64], got '2147483648'"), std::string::npos) << shown;
  EXPECT_NE(hsms->styleSheet().indexOf("background"), -1) << "the field is marked";
  EXPECT_EQ(w->parameters().error().toStdString(), shown);
  EXPECT_EQ(changed.count(), 0);
  EXPECT_FALSE(bench.document().can_undo());
  EXPECT_EQ(comparable(bench.analytic()), before);
}

TEST(Workbench, UndoAndRedoRestoreEveryAnswer) {
  auto w = open_window();
  Workbench& bench = w->workbench();
  const nlohmann::json a = comparable(bench.analytic());
  ASSERT_TRUE(bench.edit({{"incident.decision_delay", "10h"}}));
  const nlohmann::json b = comparable(bench.analytic());
  ASSERT_TRUE(bench.setDown(FailureKind::HSM, "dc1/hsm-1", 2 * kHour_s));
  const nlohmann::json c = comparable(bench.analytic());
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  bench.undo();
  EXPECT_EQ(comparable(bench.analytic()), b);
  bench.undo();
  EXPECT_EQ(comparable(bench.analytic()), a);
  EXPECT_FALSE(bench.document().can_undo());
  bench.redo();
  bench.redo();
  EXPECT_EQ(comparable(bench.analytic()), c);
  EXPECT_EQ(bench.document().down_at(FailureKind::HSM, "dc1/hsm-1"), 2 * kHour_s);
  // Every state tried is in the session's list.
  EXPECT_EQ(bench.history().size(), 7);  // opened, 2 edits, 2 undos, 2 redos
}

TEST(Workbench, SavedYamlReadsBackToTheSameScenario) {
  QTemporaryDir dir;
  for (const std::string name : {"le-2021-hardware", "softhsm-calibrated-one-dc"}) {
    ScenarioDocument doc = ScenarioDocument::open(shipped(name));
    doc.set({{"incident.deadline", "20h"}, {"clients.ari_share", "70%"}});
    doc.set_down(FailureKind::DATA_CENTER, doc.scenario().data_centers.back().name, 1.5 * kHour_s);
    // Elsewhere than scenarios/: relative paths (catalogue, profiles) must still resolve.
    const std::string path = dir.filePath(QString::fromStdString(name) + ".yaml").toStdString();
    std::ofstream(path) << doc.to_yaml(path);
    const Scenario back = load_scenario(path);
    nlohmann::json a = to_json(analyze(back)), b = to_json(analyze(doc.scenario()));
    a.erase("wall_s");
    b.erase("wall_s");
    EXPECT_EQ(a, b) << name;
    EXPECT_EQ(back.incident.deadline_s, 20 * kHour_s);
    ASSERT_EQ(back.failures.size(), doc.scenario().failures.size());
    EXPECT_EQ(back.failures.back().at_s, 1.5 * kHour_s);
  }
}

TEST(Workbench, ASimulationStartedFromTheGuiEqualsSurgeRun) {
  auto w = open_window();
  Workbench& bench = w->workbench();
  bench.setSeed(7);
  click(w->topology(), "dc2");
  QSignalSpy finished(&bench, &Workbench::simulationFinished);
  QSignalSpy progress(&bench, &Workbench::simulationProgress);
  bench.simulate();
  ASSERT_TRUE(finished.wait(kSimulationTimeout_ms));
  ASSERT_TRUE(bench.simulated());
  const Report& gui = *bench.simulated();

  QTemporaryDir out;
  const auto cli = run_command(cli_run(bench.document(), "--seed 7 --json --quiet --out " + out.path().toStdString()));
  ASSERT_EQ(cli.code, 0) << cli.err;
  const Report expected = report_from_json(nlohmann::json::parse(cli.out));
  EXPECT_EQ(comparable(gui), comparable(expected));
  EXPECT_EQ(gui.seed, 7u);
  EXPECT_GT(progress.count(), 0);

  // The chart shows the same series: its last point is the CSV's last row.
  const std::vector<double> row = last_csv_row(out.filePath("series.csv").toStdString());
  auto* replaced = qobject_cast<QLineSeries*>(w->chart("progress")->series().at(0));
  ASSERT_NE(replaced, nullptr);
  EXPECT_TRUE(replaced->name().startsWith("replaced")) << replaced->name().toStdString();
  const QPointF p = replaced->points().back();
  EXPECT_DOUBLE_EQ(p.x() * kHour_s, row[0]);
  EXPECT_NEAR(p.y() * 1e6, row[2], 1e-6 * row[2]);

  // The history records the simulated answer beside the analytic one.
  ASSERT_TRUE(bench.history().back().simulated);
  EXPECT_EQ(bench.history().back().simulated->completion_time_s, gui.completion_time_s);
  EXPECT_TRUE(w->summaryText().contains("(simulated)"));
}

TEST(Workbench, ReplayColoursEachElementByItsUtilisationAtThatTime) {
  auto w = open_window(shipped("le-2021-hardware-one-dc"));
  Workbench& bench = w->workbench();
  QSignalSpy finished(&bench, &Workbench::simulationFinished);
  bench.simulate();
  ASSERT_TRUE(finished.wait(kSimulationTimeout_ms));
  const Report& r = *bench.simulated();
  const int util = series_column(r, "util:hsm:dc1"), queue = series_column(r, "queue:hsm:dc1");
  ASSERT_GE(util, 0);
  // Mid-way through the work the pair is busy; after the end it is idle.
  for (const double t : {8 * kHour_s, r.horizon_s}) {
    w->replayAt(t);
    size_t row = 0;
    for (size_t i = 0; i < r.series.size(); ++i)
      if (r.series[i][0] <= t) row = i;
    const double u = r.series[row][static_cast<size_t>(util)];
    EXPECT_EQ(w->topology().elementColour("dc1/hsm-1"), utilisation_colour(u)) << t;
    EXPECT_TRUE(w->topology().elementText("dc1/hsm-1").contains(QString("%1%").arg(100 * u, 0, 'f', 0))) << t;
    EXPECT_EQ(w->topology().elementText("dc1").contains("waiting"), r.series[row][static_cast<size_t>(queue)] > 0);
  }
}

TEST(Workbench, PinnedResultIsComparedWithTheCurrentOne) {
  auto w = open_window();
  Workbench& bench = w->workbench();
  bench.pin();
  ASSERT_TRUE(bench.edit(
      {{"data_centers.dc1.hsm.signatures_per_s", "1100/s"}, {"data_centers.dc2.hsm.signatures_per_s", "1100/s"}}));
  const QList<Difference> rows = compare_results(*bench.pinned(), bench.current());
  auto find = [&](const QString& figure) {
    for (const Difference& d : rows)
      if (d.figure == figure) return d;
    return Difference{};
  };
  EXPECT_EQ(find("answer").left, "met");
  EXPECT_EQ(find("answer").right, "missed");
  // The analytic planner pools the two data centers' HSMs: 2 x 2 x 10,000 against 2 x 2 x 1,100.
  EXPECT_EQ(find("hsm:dc1+hsm:dc2 capacity").left, "40.0k signatures/s");
  EXPECT_EQ(find("hsm:dc1+hsm:dc2 capacity").right, "4.40k signatures/s");
  EXPECT_EQ(find("--set data_centers.dc1.hsm.signatures_per_s").right, "1100/s");
  EXPECT_TRUE(find("db-writer capacity").figure.isEmpty());  // unchanged rows are not listed
}

TEST(Workbench, ComparesTwoScenarioFilesAndReturnsToAnEarlierWhatIf) {
  auto w = open_window(shipped("le-2021-hardware-one-dc"));
  Workbench& bench = w->workbench();
  bench.pin();  // 2021 hardware
  QString error;
  ASSERT_TRUE(w->openScenario(QString::fromStdString(shipped("le-2020-hardware-one-dc")), &error, true));
  ASSERT_TRUE(bench.pinned());
  const QList<Difference> rows = compare_results(*bench.pinned(), bench.current());
  ASSERT_GE(rows.size(), 3);
  EXPECT_EQ(rows[0].figure, "scenario file");
  EXPECT_EQ(rows[1].figure, "answer");
  EXPECT_EQ(rows[1].left, "met");
  EXPECT_EQ(rows[1].right, "missed");

  // Back to an earlier what-if of this file: its edits and its answer again.
  ASSERT_TRUE(bench.edit({{"incident.deadline", "90h"}}));
  const nlohmann::json relaxed = comparable(bench.analytic());
  ASSERT_TRUE(bench.edit({{"incident.deadline", "30h"}}));
  const int index = static_cast<int>(bench.history().size()) - 2;
  ASSERT_TRUE(bench.restore(index));
  EXPECT_EQ(comparable(bench.analytic()), relaxed);
  EXPECT_EQ(bench.document().value("incident.deadline"), "90h");
  // A what-if of the other file cannot be restored onto this one.
  QSignalSpy rejected(&bench, &Workbench::rejected);
  EXPECT_FALSE(bench.restore(0));
  EXPECT_EQ(rejected.count(), 1);
}

// A twin result folder as `surge twin` writes it, with curves chosen here.
void write_twin_result(const QString& dir) {
  std::ofstream(dir.toStdString() + "/prediction.json")
      << R"({"predicted_curves": {"t_s": [0, 5, 10], "arrived": [0, 60, 100], "replaced": [0, 50, 100],)"
      << R"( "revoked": [0, 40, 100]}, "simulated": {"scenario": "twin-example"}})";
  std::ofstream(dir.toStdString() + "/twin.json")
      << R"({"certificates": 100, "curves": {"replaced": {"drain_error": 0.02, "largest_gap_share": 0.125}}})";
  std::ofstream(dir.toStdString() + "/twin.csv") << "t_s,load.arrived,load.replaced,load.revoked\n"
                                                 << "1,10,4,2\n6,70,45,40\n10.2,100,100,100\n";
}

std::vector<QPointF> points_of(QChart* c, const QString& name) {
  for (QAbstractSeries* s : c->series())
    if (s->name() == name) {
      const QList<QPointF> p = qobject_cast<QLineSeries*>(s)->points();
      return {p.begin(), p.end()};
    }
  return {};
}

TEST(Workbench, OpensATwinResultWithItsPredictedAndMeasuredCurves) {
  QTemporaryDir dir;
  write_twin_result(dir.path());
  MainWindow w;
  QString error;
  ASSERT_TRUE(w.openTwinResult(dir.path(), &error)) << error.toStdString();
  QChart* c = w.chart("twin");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->series().size(), 4);
  EXPECT_EQ(points_of(c, "replaced, predicted (dashed)"), (std::vector<QPointF>{{0, 0}, {5, 50}, {10, 100}}));
  EXPECT_EQ(points_of(c, "replaced, measured"), (std::vector<QPointF>{{1, 4}, {6, 45}, {10.2, 100}}));
  EXPECT_EQ(points_of(c, "revoked, measured"), (std::vector<QPointF>{{1, 2}, {6, 40}, {10.2, 100}}));
  EXPECT_TRUE(c->title().contains("twin-example")) << c->title().toStdString();
  EXPECT_TRUE(c->title().contains("drain +2.0%")) << c->title().toStdString();
  EXPECT_TRUE(c->title().contains("12.5% of N")) << c->title().toStdString();
  // A folder that is no twin result is refused, naming what is missing.
  QTemporaryDir empty;
  EXPECT_FALSE(w.openTwinResult(empty.path(), &error));
  EXPECT_TRUE(error.contains("prediction.json")) << error.toStdString();
}

TEST(SimulationRunner, AChildKilledBySegfaultIsReportedNotHidden) {
  SimulationRunner runner;
  QSignalSpy started(&runner, &SimulationRunner::started);
  QSignalSpy failed(&runner, &SimulationRunner::failed);
  QSignalSpy finished(&runner, &SimulationRunner::finished);
  runner.start(QString::fromStdString(shipped("le-2020-hardware-one-dc")), {});
  ASSERT_EQ(started.count(), 1);
  QSignalSpy progress(&runner, &SimulationRunner::progress);
  ASSERT_TRUE(progress.wait(kSimulationTimeout_ms));  // it is simulating
  ASSERT_GT(runner.processId(), 0);
  ::kill(static_cast<pid_t>(runner.processId()), SIGSEGV);
  ASSERT_TRUE(failed.wait(kSimulationTimeout_ms));
  EXPECT_EQ(finished.count(), 0);
  EXPECT_TRUE(failed.at(0).at(0).toString().startsWith("the simulation crashed: killed by signal 11"))
      << failed.at(0).at(0).toString().toStdString();
  EXPECT_FALSE(runner.running());
}

TEST(SimulationRunner, BadInputAndAMissingProgramAreReported) {
  SimulationRunner runner;
  QSignalSpy failed(&runner, &SimulationRunner::failed);
  runner.start(QString::fromStdString(shipped("le-2021-hardware")), {"--set", "incident.deadline=-3h"});
  ASSERT_TRUE(failed.wait(kSimulationTimeout_ms));
  const auto cli = run_command(surge::shell_quote(SURGE_CLI) + " check " + shipped("le-2021-hardware") +
                               " --set incident.deadline=-3h");
  EXPECT_EQ(failed.at(0).at(0).toString().toStdString() + "\n", cli.err);

  runner.setProgram("/nonexistent/surge");
  runner.start(QString::fromStdString(shipped("le-2021-hardware")), {});
  ASSERT_TRUE(failed.count() == 2 || failed.wait(kSimulationTimeout_ms));
  EXPECT_TRUE(failed.at(1).at(0).toString().startsWith("cannot start /nonexistent/surge"))
      << failed.at(1).at(0).toString().toStdString();
}

TEST(SimulationRunner, CancelStopsTheChild) {
  SimulationRunner runner;
  QSignalSpy cancelled(&runner, &SimulationRunner::cancelled);
  QSignalSpy finished(&runner, &SimulationRunner::finished);
  runner.start(QString::fromStdString(shipped("le-2020-hardware-one-dc")), {});
  QSignalSpy progress(&runner, &SimulationRunner::progress);
  ASSERT_TRUE(progress.wait(kSimulationTimeout_ms));
  const pid_t pid = static_cast<pid_t>(runner.processId());
  runner.cancel();
  EXPECT_EQ(cancelled.count(), 1);
  EXPECT_FALSE(runner.running());
  EXPECT_EQ(::kill(pid, 0), -1);  // gone (reaped by Qt)
  QTest::qWait(200);
  EXPECT_EQ(finished.count(), 0);
}

}  // namespace
}  // namespace surge::gui

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
