// The workbench reads at its default size: the parameter panel's labels show whole without a horizontal
// scroll bar, and the progress chart's replaced and revoked curves stay distinguishable where they coincide.
// Offscreen platform; the same panel check runs with real fonts in screenshot_test.cpp.
#include <gtest/gtest.h>

#include <QApplication>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <memory>

#include "gui/charts.hpp"
#include "tests/gui/gui_test_support.hpp"
#include "tests/gui/readability_support.hpp"

namespace surge::gui {
namespace {

using namespace surge::testing;

TEST(Readability, TheParameterPanelShowsEveryLabelWholeAtTheDefaultSize) {
  MainWindow w;  // its own default size, as a user first sees it
  w.workbench().setAutoSimulate(false);
  QString error;
  ASSERT_TRUE(w.openScenario(QString::fromStdString(shipped("le-2021-hardware")), &error, true)) << error.toStdString();
  w.show();
  QApplication::processEvents();
  const QStringList problems = parameter_panel_problems(w);
  EXPECT_TRUE(problems.isEmpty()) << problems.join("\n").toStdString();
}

// Replaced and revoked equal at every sample: each certificate revoked as its replacement is issued.
Report coinciding_progress() {
  Report r;
  r.certificates = 1e6;
  r.deadline_s = 10 * kHour_s;
  r.horizon_s = 20 * kHour_s;
  r.completion_time_s = r.revocation_complete_s = 5 * kHour_s;
  r.series_columns = {"t_s", "replaced", "revoked"};
  r.series = {{kHour_s, 2e5, 2e5}, {3 * kHour_s, 6e5, 6e5}, {5 * kHour_s, 1e6, 1e6}};
  return r;
}

TEST(Readability, CoincidingReplacedAndRevokedCurvesStayDistinguishable) {
  const std::unique_ptr<QChart> chart(progress_chart(coinciding_progress(), nullptr));
  auto* replaced = qobject_cast<QLineSeries*>(chart->series().at(0));
  auto* revoked = qobject_cast<QLineSeries*>(chart->series().at(1));
  ASSERT_NE(replaced, nullptr);
  ASSERT_NE(revoked, nullptr);
  ASSERT_EQ(replaced->points(), revoked->points());  // the case in point: one curve exactly over the other
  // Different dash patterns, and the one beneath wider than the one on top so that it shows around it.
  EXPECT_EQ(replaced->pen().style(), Qt::SolidLine);
  EXPECT_EQ(revoked->pen().style(), Qt::DashLine);
  EXPECT_GT(replaced->pen().widthF(), revoked->pen().widthF());
  EXPECT_LT(chart->series().indexOf(replaced), chart->series().indexOf(revoked));  // revoked drawn last, on top
  EXPECT_NE(replaced->pen().color(), revoked->pen().color());
  // The legend says so: in the names, and its markers drawn from the series' pens.
  EXPECT_TRUE(replaced->name().startsWith("replaced") && replaced->name().contains("solid"))
      << replaced->name().toStdString();
  EXPECT_TRUE(revoked->name().startsWith("revoked") && revoked->name().contains("dashed"))
      << revoked->name().toStdString();
  EXPECT_EQ(chart->legend()->markerShape(), QLegend::MarkerShapeFromSeries);
}

}  // namespace
}  // namespace surge::gui
