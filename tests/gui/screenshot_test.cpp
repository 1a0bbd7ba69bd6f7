// The workbench on a real X server (run under xvfb-run by ctest): open a shipped scenario, take one data
// center down with a click, wait for the simulation, save PNGs of the window and its charts, and check
// that what it shows is `surge run --json`'s answer for the same scenario and seed and that the progress
// chart ends where the CLI's series.csv ends. Also the scripted form, surge-gui --screenshot.
#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QLineSeries>
#include <fstream>

#include "gui/main_window.hpp"
#include "gui/topology_view.hpp"
#include "models/units.hpp"
#include "tests/gui/gui_test_support.hpp"
#include "tests/gui/readability_support.hpp"

namespace surge::gui {
namespace {

using namespace surge::testing;

const QString kShots = QStringLiteral(SURGE_SCREENSHOT_DIR);

// Distinct colours in an image: a blank or failed render has one or two.
int colours(const QImage& image) {
  QSet<QRgb> seen;
  for (int y = 0; y < image.height(); y += 4)
    for (int x = 0; x < image.width(); x += 4) seen.insert(image.pixel(x, y));
  return static_cast<int>(seen.size());
}

TEST(Screenshot, TheDefaultSizeShowsEveryParameterLabelWhole) {
  ASSERT_EQ(QGuiApplication::platformName(), "xcb") << "run under xvfb-run (a real X server)";
  QDir().mkpath(kShots);
  MainWindow w;  // no resize: the size a user first sees, with the X server's fonts
  w.workbench().setAutoSimulate(false);
  QString error;
  ASSERT_TRUE(w.openScenario(QString::fromStdString(shipped("le-2021-hardware")), &error, true)) << error.toStdString();
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  QApplication::processEvents();
  ASSERT_TRUE(w.grab().save(kShots + "/workbench-default-size.png"));
  const QStringList problems = parameter_panel_problems(w);
  EXPECT_TRUE(problems.isEmpty()) << problems.join("\n").toStdString();
}

TEST(Screenshot, OneDataCenterDownShowsTheClisAnswer) {
  ASSERT_EQ(QGuiApplication::platformName(), "xcb") << "run under xvfb-run (a real X server)";
  QDir().mkpath(kShots);
  MainWindow w;
  Workbench& bench = w.workbench();
  bench.setAutoSimulate(false);
  bench.setSeed(3);
  QString error;
  ASSERT_TRUE(w.openScenario(QString::fromStdString(shipped("le-2021-hardware")), &error, true)) << error.toStdString();
  w.resize(1280, 900);
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  ASSERT_TRUE(w.grab().save(kShots + "/workbench-both-up.png"));

  bench.setAutoSimulate(true);
  QSignalSpy finished(&bench, &Workbench::simulationFinished);
  QTest::mouseClick(w.topology().viewport(), Qt::LeftButton, {}, w.topology().elementPosition("dc2"));
  ASSERT_TRUE(finished.wait(kSimulationTimeout_ms));
  QApplication::processEvents();
  const QImage shot = w.grab().toImage();
  ASSERT_TRUE(shot.save(kShots + "/workbench-dc2-down.png"));
  EXPECT_GT(colours(shot), 50);
  EXPECT_EQ(w.exportCharts(kShots).size(), 5);

  QTemporaryDir out;
  const auto cli = run_command(cli_run(bench.document(), "--seed 3 --json --quiet --out " + out.path().toStdString()));
  ASSERT_EQ(cli.code, 0) << cli.err;
  const Report expected = report_from_json(nlohmann::json::parse(cli.out));
  EXPECT_EQ(comparable(*bench.simulated()), comparable(expected));
  // What the window shows is the CLI's answer.
  EXPECT_TRUE(w.summaryText().contains(answer_text(expected))) << w.summaryText().toStdString();
  ASSERT_TRUE(expected.completion_time_s);
  EXPECT_TRUE(w.summaryText().contains(QString::fromStdString(format_duration(*expected.completion_time_s))));

  const std::vector<double> row = last_csv_row(out.filePath("series.csv").toStdString());
  const auto* replaced = qobject_cast<QLineSeries*>(w.chart("progress")->series().at(0));
  ASSERT_NE(replaced, nullptr);
  EXPECT_DOUBLE_EQ(replaced->points().back().x() * kHour_s, row[0]);
  EXPECT_NEAR(replaced->points().back().y() * 1e6, row[2], 1e-6 * row[2]);
}

TEST(Screenshot, TheScriptedFormWritesThePngAndPrintsTheAnswer) {
  QDir().mkpath(kShots);
  const std::string png = (kShots + "/scripted-dc2-down.png").toStdString();
  std::remove(png.c_str());
  const auto r = run_command(std::string(SURGE_GUI) + " --screenshot " + png + " --down dc2 --wait-simulation " +
                             shipped("le-2021-hardware"));
  ASSERT_EQ(r.code, 0) << r.err;
  const QImage image(QString::fromStdString(png));
  ASSERT_FALSE(image.isNull());
  EXPECT_GT(colours(image), 50);
  // The printed answer is the CLI's for dc2 down.
  const auto cli = run_command(std::string(SURGE_CLI) + " run " + shipped("le-2021-hardware") +
                               " --set 'failures=[{data_center: dc2, at: 0h}]' --json --quiet");
  ASSERT_EQ(cli.code, 0) << cli.err;
  EXPECT_NE(r.out.find(answer_text(report_from_json(nlohmann::json::parse(cli.out))).toStdString()), std::string::npos)
      << r.out;

  // Bad input: exit 2, one clear line, no file.
  const std::string bad_png = (kShots + "/never-written.png").toStdString();
  const auto bad =
      run_command(std::string(SURGE_GUI) + " --screenshot " + bad_png + " --down dc9 " + shipped("le-2021-hardware"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("surge-gui: --down: 'dc9' is not a data center, HSM, db-writer or WAN link"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(QFileInfo::exists(QString::fromStdString(bad_png)));
}

}  // namespace
}  // namespace surge::gui

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
