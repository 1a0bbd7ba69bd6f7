// A twin result (`surge twin`, docs/TWIN.md) as a chart: the certificates replaced and revoked over the
// live run's time, as predicted (prediction.json's curves, made before the run) and as measured (twin.csv),
// for the workbench and for `surge plot --twin`.
#pragma once

#include <QImage>
#include <QString>
#include <QtCharts/QChart>
#include <vector>

namespace surge::gui {

/// One cumulative curve: times (s) and counts.
struct TwinCurve {
  std::vector<double> t_s;
  std::vector<double> count;
};

/// What a twin folder holds for the chart.
struct TwinResult {
  QString name;  ///< the twin scenario's name
  double certificates = 0;
  TwinCurve predicted_replaced, predicted_revoked, measured_replaced, measured_revoked;
  double drain_error = 0;        ///< replaced, (measured - predicted) / predicted
  double largest_gap_share = 0;  ///< replaced, of N
};

/// Reads DIR/prediction.json, DIR/twin.json and DIR/twin.csv; false with a message naming the file when
/// one is missing or not a twin's.
bool read_twin_result(const QString& dir, TwinResult& out, QString& error);

/// The four curves against the live run's seconds, the errors in the title.
QChart* twin_chart(const TwinResult& r);

/// The chart drawn off-screen at `width` x `height` pixels.
QImage twin_image(const TwinResult& r, int width = 1000, int height = 600);

}  // namespace surge::gui
