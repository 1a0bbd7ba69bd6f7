#include "gui/sweep_plot.hpp"

#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QTextStream>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <set>

#include "gui/charts.hpp"
#include "models/sweep_spec.hpp"
#include "models/units.hpp"

namespace surge::gui {
namespace {

constexpr int kMargin = 90, kLegend = 120;

// Splits one CSV record (RFC 4180: quotes around fields with commas, doubled quotes inside).
QStringList split_csv(const QString& line) {
  QStringList out;
  QString cell;
  bool quoted = false;
  for (int i = 0; i < line.size(); ++i) {
    const QChar c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
        cell += '"', ++i;
      else if (c == '"')
        quoted = false;
      else
        cell += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out << cell;
      cell.clear();
    } else {
      cell += c;
    }
  }
  out << cell;
  return out;
}

// Durations are plotted in hours, everything else as the CSV holds it.
double display(const QString& metric, double v) {
  return metric.endsWith("_s") ? v / kSecondsPerHour : v;
}
QString display_unit(const QString& metric) {
  return metric.endsWith("_s") ? QStringLiteral("h") : QString();
}

// Sorts parameter values numerically when they all have numbers, else as text.
QStringList sorted_values(std::set<QString> values) {
  QStringList out(values.begin(), values.end());
  const bool numeric = std::all_of(out.begin(), out.end(), [](const QString& v) { return split_value(v).has_value(); });
  if (numeric)
    std::stable_sort(out.begin(), out.end(),
                     [](const QString& a, const QString& b) { return split_value(a)->first < split_value(b)->first; });
  return out;
}

}  // namespace

QStringList SweepTable::parameters() const {
  QStringList out;
  for (const QString& c : columns) {
    if (c == "replications") break;
    if (c != "point_key" && c != "point_index") out << c;
  }
  return out;
}

bool read_sweep_table(const QString& csv_path, SweepTable& table, QString& error) {
  QFile f(csv_path);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
    error = csv_path + ": cannot read (run `surge sweep` into that directory first)";
    return false;
  }
  QTextStream in(&f);
  table.columns = split_csv(in.readLine());
  if (!table.columns.contains("replications")) {
    error = csv_path + ":1: not a sweep's results (no 'replications' column)";
    return false;
  }
  for (int line = 2; !in.atEnd(); ++line) {
    const QString text = in.readLine();
    if (text.isEmpty()) continue;
    const QStringList cells = split_csv(text);
    if (cells.size() != table.columns.size()) {
      error = QString("%1:%2: %3 fields, the header has %4")
                  .arg(csv_path)
                  .arg(line)
                  .arg(cells.size())
                  .arg(table.columns.size());
      return false;
    }
    std::map<QString, QString> row;
    for (int i = 0; i < cells.size(); ++i) row[table.columns[i]] = cells[i];
    table.rows.push_back(row);
  }
  return true;
}

std::optional<std::pair<double, QString>> split_value(const QString& value) {
  const auto v = split_number_unit(value.toStdString());  // as the sweep file wrote it
  if (!v) return std::nullopt;
  return std::pair{v->number, QString::fromStdString(v->unit)};
}

namespace {

using Row = std::map<QString, QString>;

// A line chart's x values, in order: numbers when every value has one, else positions.
struct XValues {
  QStringList values;
  bool numeric = false;
  double of(const QString& v) const { return numeric ? split_value(v)->first : static_cast<double>(values.indexOf(v)); }
};

// What is wrong with a plot request for this table ("" when nothing): parameters and the metric it names.
QString request_problem(const SweepTable& table, const PlotRequest& req) {
  const QStringList params = table.parameters();
  for (const QString& p : {req.x, req.y})
    if (!p.isEmpty() && !params.contains(p))
      return QString("'%1' is not a parameter of this sweep (parameters: %2)").arg(p, params.join(", "));
  if (!table.columns.contains(req.metric + "_mean")) {
    QStringList metrics;
    for (const QString& c : table.columns)
      if (c.endsWith("_mean")) metrics << c.chopped(5);
    return QString("'%1' is not a metric of this sweep (metrics: %2)").arg(req.metric, metrics.join(", "));
  }
  return "";
}

// One line per combination of the other parameters, each with its confidence band; [lo, hi] the values
// they span, bands included.
std::vector<QAbstractSeries*> line_series(const SweepTable& table, const PlotRequest& req, const XValues& x, double& lo,
                                          double& hi) {
  const QString mean = req.metric + "_mean", ci = req.metric + "_ci95";
  QStringList others = table.parameters();
  others.removeAll(req.x);
  std::map<QString, std::vector<const Row*>> groups;
  for (const auto& row : table.rows) {
    QStringList label;
    for (const QString& o : others) label << o + "=" + row.at(o);
    groups[label.join(", ")].push_back(&row);
  }
  lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::vector<QAbstractSeries*> series;
  for (const auto& [label, rows] : groups) {
    std::vector<const Row*> sorted = rows;
    std::sort(sorted.begin(), sorted.end(), [&](auto a, auto b) { return x.of(a->at(req.x)) < x.of(b->at(req.x)); });
    auto* line = new QLineSeries;
    auto* upper = new QLineSeries;
    auto* lower = new QLineSeries;
    line->setName(label.isEmpty() ? req.metric : label);
    for (const auto* r : sorted) {
      if (r->at(mean).isEmpty()) continue;  // no value at that point (e.g. never completed)
      const double m = display(req.metric, r->at(mean).toDouble());
      const double h = r->at(ci).isEmpty() ? 0 : display(req.metric, r->at(ci).toDouble());
      const double at = x.of(r->at(req.x));
      line->append(at, m);
      upper->append(at, m + h);
      lower->append(at, m - h);
      lo = std::min(lo, m - h), hi = std::max(hi, m + h);
    }
    auto* band = new QAreaSeries(upper, lower);
    band->setName("95% CI");
    QColor c = QColor::fromHsv(static_cast<int>(series.size() * 67 % 360), 160, 220, 70);
    band->setBrush(c);
    band->setPen(Qt::NoPen);
    series.push_back(band);
    series.push_back(line);
  }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (hi <= lo) hi = lo + 1;
  return series;
}

// The x axis: the parameter's numbers (with its unit), or its values in order.
QAbstractAxis* line_x_axis(const PlotRequest& req, const XValues& x) {
  if (x.numeric) {
    auto* a = new QValueAxis;
    const QString unit = x.values.isEmpty() ? QString() : split_value(x.values.first())->second;
    a->setTitleText(req.x + (unit.isEmpty() ? "" : " (" + unit + ")"));
    a->setLabelFormat("%.4g");
    a->setRange(x.of(x.values.first()),
                x.of(x.values.last()) > x.of(x.values.first()) ? x.of(x.values.last()) : x.of(x.values.first()) + 1);
    return a;
  }
  auto* a = new QValueAxis;
  a->setTitleText(req.x + ": " + x.values.join(" | "));
  a->setRange(0, std::max(1.0, static_cast<double>(x.values.size() - 1)));
  a->setTickCount(static_cast<int>(x.values.size()));
  a->setLabelFormat("%d");
  return a;
}

// The metric's axis, in hours for durations, with a margin around the values.
QValueAxis* line_y_axis(const PlotRequest& req, double lo, double hi) {
  auto* y_axis = new QValueAxis;
  y_axis->setTitleText(req.metric + (display_unit(req.metric).isEmpty() ? "" : " (" + display_unit(req.metric) + ")"));
  y_axis->setRange(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
  y_axis->setLabelFormat("%.4g");
  return y_axis;
}

// The metric against one parameter: a line chart with confidence bands.
QImage line_chart(const SweepTable& table, const PlotRequest& req) {
  std::set<QString> xs_set;
  for (const auto& row : table.rows) xs_set.insert(row.at(req.x));
  XValues x;
  x.values = sorted_values(xs_set);
  x.numeric =
      std::all_of(x.values.begin(), x.values.end(), [](const QString& v) { return split_value(v).has_value(); });
  auto* chart = new QChart;
  chart->setTitle(QString("%1 against %2").arg(req.metric, req.x));
  double lo = 0, hi = 0;
  const std::vector<QAbstractSeries*> series = line_series(table, req, x, lo, hi);
  QValueAxis* y_axis = line_y_axis(req, lo, hi);
  QAbstractAxis* x_axis = line_x_axis(req, x);
  chart->addAxis(x_axis, Qt::AlignBottom);
  chart->addAxis(y_axis, Qt::AlignLeft);
  for (QAbstractSeries* s : series) {
    chart->addSeries(s);
    s->attachAxis(x_axis);
    s->attachAxis(y_axis);
  }
  for (QAbstractSeries* s : series)
    if (qobject_cast<QAreaSeries*>(s))
      for (QLegendMarker* m : chart->legend()->markers(s)) m->setVisible(false);  // the band is its line's
  QChartView view(chart);
  view.setRenderHint(QPainter::Antialiasing);
  view.resize(req.size);
  return view.grab().toImage();
}

// The metric over two parameters: x across, y up; each cell coloured by the metric's mean, "met" where
// every run met the deadline.
void draw_heat_map(const SweepTable& table, const PlotRequest& req, QImage& image) {
  const QString mean = req.metric + "_mean";
  std::set<QString> xs_set, ys_set;
  for (const auto& row : table.rows) xs_set.insert(row.at(req.x)), ys_set.insert(row.at(req.y));
  const QStringList xs = sorted_values(xs_set), ys = sorted_values(ys_set);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& row : table.rows)
    if (!row.at(mean).isEmpty()) lo = std::min(lo, row.at(mean).toDouble()), hi = std::max(hi, row.at(mean).toDouble());
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  const QRect plot(kMargin, kMargin / 2, req.size.width() - kMargin - kLegend, req.size.height() - kMargin * 3 / 2);
  const double cw = static_cast<double>(plot.width()) / xs.size(), ch = static_cast<double>(plot.height()) / ys.size();
  const bool has_met = table.columns.contains("deadline_met_mean");
  for (const auto& row : table.rows) {
    const int i = static_cast<int>(xs.indexOf(row.at(req.x))), j = static_cast<int>(ys.indexOf(row.at(req.y)));
    const QRectF cell(plot.left() + i * cw, plot.bottom() - (j + 1) * ch, cw, ch);
    const bool empty = row.at(mean).isEmpty();
    const double v = empty ? 0 : row.at(mean).toDouble();
    p.fillRect(cell, empty ? QColor(200, 200, 200) : utilisation_colour(hi > lo ? (v - lo) / (hi - lo) : 0));
    p.setPen(QPen(Qt::white, 1));
    p.drawRect(cell);
    p.setPen(Qt::black);
    QString text = empty ? "-" : QString::number(display(req.metric, v), 'g', 4);
    if (has_met && row.at("deadline_met_mean").toDouble() == 1.0) text += "\nmet";
    p.drawText(cell, Qt::AlignCenter, text);
  }
  p.setPen(Qt::black);
  for (int i = 0; i < xs.size(); ++i)
    p.drawText(QRectF(plot.left() + i * cw, plot.bottom() + 4, cw, 20), Qt::AlignHCenter | Qt::AlignTop, xs[i]);
  for (int j = 0; j < ys.size(); ++j)
    p.drawText(QRectF(0, plot.bottom() - (j + 1) * ch, kMargin - 6, ch), Qt::AlignRight | Qt::AlignVCenter, ys[j]);
  p.drawText(QRectF(plot.left(), plot.bottom() + 26, plot.width(), 20), Qt::AlignHCenter, req.x);
  p.save();
  p.translate(14, plot.center().y());
  p.rotate(-90);
  p.drawText(QRectF(-plot.height() / 2.0, -10, plot.height(), 20), Qt::AlignHCenter, req.y);
  p.restore();
  QFont title = p.font();
  title.setBold(true);
  p.setFont(title);
  p.drawText(QRectF(0, 6, req.size.width(), 24), Qt::AlignHCenter,
             QString("%1%2 over %3 x %4%5")
                 .arg(req.metric, display_unit(req.metric).isEmpty() ? "" : " (" + display_unit(req.metric) + ")",
                      req.x, req.y, has_met ? "; 'met': every run met the deadline" : ""));
  // Legend: the colour scale.
  const QRect legend(plot.right() + 30, plot.top(), 24, plot.height());
  for (int k = 0; k < legend.height(); ++k)
    p.fillRect(QRect(legend.left(), legend.bottom() - k, legend.width(), 1),
               utilisation_colour(static_cast<double>(k) / legend.height()));
  p.setFont(QFont());
  p.drawText(QPointF(legend.right() + 4, legend.bottom()), QString::number(display(req.metric, lo), 'g', 4));
  p.drawText(QPointF(legend.right() + 4, legend.top() + 10), QString::number(display(req.metric, hi), 'g', 4));
}

}  // namespace

bool render_sweep_plot(const SweepTable& table, const PlotRequest& req, QImage& image, QString& error) {
  if (const QString problem = request_problem(table, req); !problem.isEmpty()) {
    error = problem;
    return false;
  }
  image = QImage(req.size, QImage::Format_ARGB32);
  image.fill(Qt::white);
  if (req.y.isEmpty()) {
    image = line_chart(table, req);
  } else {
    draw_heat_map(table, req, image);
  }
  return true;
}

}  // namespace surge::gui
