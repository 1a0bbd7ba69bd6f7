#include "gui/charts.hpp"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QCursor>
#include <QHorizontalBarSeries>
#include <QLegend>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>

#include "models/format_units.hpp"
#include "models/resources.hpp"
#include "models/units.hpp"

namespace surge::gui {
namespace {

constexpr double kMillion = 1e6;
constexpr double kGB = 1e9;
constexpr int kMaxBars = 12;  // resources shown in a bar chart, largest first
constexpr int kReplacedWidth_px = 5;
constexpr int kRevokedWidth_px = 2;
const QString kReplacedName = QStringLiteral("replaced (wide solid)");
const QString kRevokedName = QStringLiteral("revoked (dashed, on top)");

QValueAxis* axis(const QString& title, double lo, double hi) {
  auto* a = new QValueAxis;
  a->setTitleText(title);
  a->setRange(lo, hi);
  a->setLabelFormat("%.4g");
  return a;
}

void attach(QChart* chart, QAbstractSeries* s, QAbstractAxis* x, QAbstractAxis* y) {
  chart->addSeries(s);
  s->attachAxis(x);
  s->attachAxis(y);
}

// A value in a chart's unit for a tooltip: hours and gigabytes scaled as the text report scales them.
QString value_text(double v, const QString& unit) {
  if (unit == "h") return QString::fromStdString(format_duration(v * kSecondsPerHour));
  if (unit == "GB") return QString::fromStdString(format_size(v * kGB));
  return QString("%1 %2").arg(v, 0, 'g', 4).arg(unit);
}

// A line whose points show "name: y at T" when hovered (x in hours, T as the text report writes it).
QLineSeries* hover_line(const QString& name, const QString& unit) {
  auto* s = new QLineSeries;
  s->setName(name);
  QObject::connect(s, &QLineSeries::hovered, s, [name, unit](const QPointF& p, bool state) {
    if (state)
      QToolTip::showText(QCursor::pos(), QString("%1: %2 at %3")
                                             .arg(name, value_text(p.y(), unit),
                                                  QString::fromStdString(format_duration(p.x() * kSecondsPerHour))));
  });
  return s;
}

// The time axes end a little past the later of the deadline and the last replacement or revocation: the
// horizon may be days away.
double time_axis_end_h(const Report& r) {
  constexpr double kMargin = 1.25;
  const double last_s = std::max(
      {r.deadline_s, r.completion_time_s.value_or(r.horizon_s), r.revocation_complete_s.value_or(r.horizon_s)});
  return std::min(r.horizon_s, last_s * kMargin) / kSecondsPerHour;
}

QChart* empty_chart(const QString& title) {
  auto* c = new QChart;
  c->setTitle(title);
  return c;
}

// A horizontal bar chart of named values, largest first, `highlight` names in red.
QChart* bars(const QString& title, const QString& unit, std::vector<std::pair<QString, double>> rows,
             const std::vector<std::string>& highlight, double max_value = 0) {
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (rows.size() > kMaxBars) rows.resize(kMaxBars);
  std::reverse(rows.begin(), rows.end());  // Qt draws the first category at the bottom
  auto* chart = empty_chart(title);
  auto* normal = new QBarSet(unit);
  auto* hot = new QBarSet("bottleneck");
  hot->setColor(QColor(200, 40, 40));
  QStringList categories;
  double top = max_value;
  for (const auto& [name, value] : rows) {
    const bool is_hot = std::find(highlight.begin(), highlight.end(), name.toStdString()) != highlight.end();
    categories << name;
    *normal << (is_hot ? 0 : value);
    *hot << (is_hot ? value : 0);
    top = std::max(top, value);
  }
  auto* series = new QHorizontalBarSeries;
  series->setBarWidth(0.8);
  series->append(normal);
  series->append(hot);
  for (QBarSet* set : {normal, hot})
    QObject::connect(set, &QBarSet::hovered, set, [categories, set, unit](bool state, int i) {
      if (state && set->at(i) != 0)
        QToolTip::showText(QCursor::pos(), QString("%1: %2").arg(categories.value(i), value_text(set->at(i), unit)));
    });
  auto* y = new QBarCategoryAxis;
  y->append(categories);
  auto* x = axis(unit, 0, top > 0 ? top * 1.05 : 1);
  chart->addAxis(y, Qt::AlignLeft);
  chart->addAxis(x, Qt::AlignBottom);
  attach(chart, series, x, y);
  chart->legend()->setVisible(!highlight.empty());
  return chart;
}

}  // namespace

int series_column(const Report& r, const std::string& name) {
  auto it = std::find(r.series_columns.begin(), r.series_columns.end(), name);
  return it == r.series_columns.end() ? -1 : static_cast<int>(it - r.series_columns.begin());
}

QColor utilisation_colour(double u) {
  u = std::clamp(u, 0.0, 1.0);
  // green (0) -> amber (0.7) -> red (1)
  constexpr double kAmber = 0.7;
  if (u < kAmber) return QColor::fromRgbF(static_cast<float>(0.2 + 0.8 * u / kAmber), 0.75f, 0.25f);
  return QColor::fromRgbF(1.0f, static_cast<float>(0.35 + 0.4 * (1 - (u - kAmber) / (1 - kAmber))), 0.3f);
}

QChart* progress_chart(const Report& r, const Report* analytic) {
  auto* chart = empty_chart("Certificates replaced and revoked (millions)");
  const double end_h = time_axis_end_h(r);
  auto* x = axis("hours after discovery", 0, end_h);
  auto* y = axis("millions", 0, r.certificates / kMillion * 1.1);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  const int t = series_column(r, "t_s"), rep = series_column(r, "replaced"), rev = series_column(r, "revoked");
  if (t >= 0 && rep >= 0 && rev >= 0) {
    // The two curves often coincide (each certificate revoked as soon as it is replaced): replaced is a wide
    // pale solid line, revoked a narrow dark dashed one drawn on top of it, so both stay visible, and the
    // legend (markers drawn from the series' pens) names the styles.
    auto* replaced = hover_line(kReplacedName, "M");
    auto* revoked = hover_line(kRevokedName, "M");
    replaced->setPen(QPen(QColor(90, 160, 230), kReplacedWidth_px, Qt::SolidLine));
    revoked->setPen(QPen(QColor(200, 90, 20), kRevokedWidth_px, Qt::DashLine));
    replaced->append(0, 0);
    revoked->append(0, 0);
    for (const auto& row : r.series) {
      replaced->append(row[t] / kSecondsPerHour, row[rep] / kMillion);
      revoked->append(row[t] / kSecondsPerHour, row[rev] / kMillion);
    }
    attach(chart, replaced, x, y);
    attach(chart, revoked, x, y);
  }
  chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
  auto* deadline = new QLineSeries;
  deadline->setName(QString("deadline %1").arg(QString::fromStdString(format_duration(r.deadline_s))));
  deadline->append(r.deadline_s / kSecondsPerHour, 0);
  deadline->append(r.deadline_s / kSecondsPerHour, r.certificates / kMillion * 1.1);
  deadline->setPen(QPen(QColor(200, 40, 40), 2, Qt::DashLine));
  attach(chart, deadline, x, y);
  auto* target = new QLineSeries;
  target->setName(QString("target %1").arg(QString::fromStdString(format_count(r.certificates))));
  target->append(0, r.certificates / kMillion);
  target->append(end_h, r.certificates / kMillion);
  target->setPen(QPen(Qt::gray, 1, Qt::DotLine));
  attach(chart, target, x, y);
  if (analytic && analytic->completion_time_s) {
    auto* marker = new QScatterSeries;
    marker->setName("analytic completion");
    marker->setMarkerSize(10);
    marker->append(*analytic->completion_time_s / kSecondsPerHour, analytic->certificates / kMillion);
    attach(chart, marker, x, y);
  }
  return chart;
}

QChart* queue_chart(const Report& r) {
  auto* chart = empty_chart("Certificates waiting per stage");
  const int t = series_column(r, "t_s");
  double top = 1;
  std::vector<QLineSeries*> lines;
  for (size_t c = 0; c < r.series_columns.size(); ++c) {
    const std::string& name = r.series_columns[c];
    const std::string station = queued_station(name);
    if (station.empty() || t < 0) continue;
    auto* s = hover_line(QString::fromStdString(station), "certificates");
    for (const auto& row : r.series) {
      s->append(row[t] / kSecondsPerHour, row[c]);
      top = std::max(top, row[c]);
    }
    lines.push_back(s);
  }
  auto* x = axis("hours after discovery", 0, time_axis_end_h(r));
  auto* y = axis("certificates waiting", 0, top * 1.05);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  for (QLineSeries* s : lines) attach(chart, s, x, y);
  return chart;
}

QChart* utilisation_chart(const Report& r) {
  std::vector<std::pair<QString, double>> rows;
  for (const ResourceUse& u : r.resources)
    if (u.work > 0 || u.kind != "link") rows.push_back({QString::fromStdString(u.name), 100 * u.mean_utilisation});
  return bars("Mean utilisation over the active period (%)", "%", rows, r.bottleneck, 100);
}

QChart* link_bytes_chart(const Report& r) {
  std::vector<std::pair<QString, double>> rows;
  for (const ResourceUse& u : r.resources)
    if (u.kind == "link" && u.work > 0) rows.push_back({QString::fromStdString(u.name), u.work / kGB});
  return bars("Bytes carried per link (GB)", "GB", rows, {});
}

QChart* tornado_chart(const Report& analytic) {
  std::vector<std::pair<QString, double>> rows;
  for (const ResourceUse& u : analytic.resources)
    if (u.saved_s > 0 || u.kind != "link")
      rows.push_back({QString::fromStdString(u.name), u.saved_s / kSecondsPerHour});
  return bars("Hours saved by +10% capacity (analytic)", "h", rows, analytic.bottleneck);
}

}  // namespace surge::gui
