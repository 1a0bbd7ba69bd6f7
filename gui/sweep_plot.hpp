// Charts of a sweep's results (DIR/results.csv): a metric against one parameter with its 95% confidence
// band (one line per combination of the other parameters), or a heat map over two parameters that marks
// where the deadline is met. Rendered off-screen into PNG for `surge plot`.
#pragma once

#include <QImage>
#include <QString>
#include <QStringList>
#include <map>
#include <vector>

namespace surge::gui {

/// A sweep's points as results.csv holds them.
struct SweepTable {
  QStringList columns;
  std::vector<std::map<QString, QString>> rows;
  /// The parameter columns (those before "replications").
  QStringList parameters() const;
};

/// Reads DIR/results.csv (RFC 4180 quoting); false with `error` ("FILE:LINE: why") when it cannot.
bool read_sweep_table(const QString& csv_path, SweepTable& table, QString& error);

/// The number at the start of a parameter value and its unit ("2h" -> 2, "h"); nullopt when it has none.
std::optional<std::pair<double, QString>> split_value(const QString& value);

/// What to plot.
struct PlotRequest {
  QString x;       ///< parameter on the horizontal axis
  QString y;       ///< second parameter: a heat map (empty: a line chart)
  QString metric;  ///< e.g. completion_time_s (its _mean and _ci95 columns)
  QSize size{1000, 650};
};

/// Renders the chart; false with `error` naming the missing column or parameter.
bool render_sweep_plot(const SweepTable& table, const PlotRequest& request, QImage& image, QString& error);

}  // namespace surge::gui
