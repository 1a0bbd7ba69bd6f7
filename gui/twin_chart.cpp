#include "gui/twin_chart.hpp"

#include <QFile>
#include <QLineSeries>
#include <QPen>
#include <QTextStream>
#include <QValueAxis>
#include <QtCharts/QChartView>
#include <algorithm>
#include <nlohmann/json.hpp>

namespace surge::gui {
namespace {

bool read_json(const QString& path, nlohmann::json& out, QString& error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) {
    error = path + ": cannot be read (not a twin result folder?)";
    return false;
  }
  out = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
  if (!out.is_object()) {
    error = path + ": not JSON";
    return false;
  }
  return true;
}

// Columns of twin.csv by name.
bool read_samples(const QString& path, TwinResult& out, QString& error) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) {
    error = path + ": cannot be read";
    return false;
  }
  QTextStream in(&f);
  const QStringList header = in.readLine().split(',');
  const int t = header.indexOf("t_s"), rep = header.indexOf("load.replaced"), rev = header.indexOf("load.revoked");
  if (t < 0 || rep < 0 || rev < 0) {
    error = path + ": no t_s, load.replaced and load.revoked columns";
    return false;
  }
  while (!in.atEnd()) {
    const QStringList cells = in.readLine().split(',');
    if (cells.size() != header.size()) continue;
    out.measured_replaced.t_s.push_back(cells[t].toDouble());
    out.measured_replaced.count.push_back(cells[rep].toDouble());
    out.measured_revoked.t_s.push_back(cells[t].toDouble());
    out.measured_revoked.count.push_back(cells[rev].toDouble());
  }
  return true;
}

QLineSeries* line(const QString& name, const TwinCurve& c, const QColor& colour, Qt::PenStyle style) {
  auto* s = new QLineSeries;
  s->setName(name);
  for (size_t i = 0; i < c.t_s.size() && i < c.count.size(); ++i) s->append(c.t_s[i], c.count[i]);
  QPen pen(colour);
  pen.setWidth(style == Qt::SolidLine ? 3 : 2);
  pen.setStyle(style);
  s->setPen(pen);
  return s;
}

}  // namespace

bool read_twin_result(const QString& dir, TwinResult& out, QString& error) {
  nlohmann::json prediction, twin;
  if (!read_json(dir + "/prediction.json", prediction, error) || !read_json(dir + "/twin.json", twin, error))
    return false;
  try {
    const nlohmann::json& c = prediction.at("predicted_curves");
    const auto t = c.at("t_s").get<std::vector<double>>();
    out.predicted_replaced = {t, c.at("replaced").get<std::vector<double>>()};
    out.predicted_revoked = {t, c.at("revoked").get<std::vector<double>>()};
    out.name = QString::fromStdString(prediction.at("simulated").value("scenario", ""));
    out.certificates = twin.at("certificates").get<double>();
    const nlohmann::json& replaced = twin.at("curves").at("replaced");
    out.drain_error = replaced.at("drain_error").is_number() ? replaced.at("drain_error").get<double>() : 0;
    out.largest_gap_share = replaced.at("largest_gap_share").get<double>();
  } catch (const nlohmann::json::exception& e) {
    error = dir + ": not a twin result (" + QString::fromStdString(e.what()) + ")";
    return false;
  }
  return read_samples(dir + "/twin.csv", out, error);
}

QChart* twin_chart(const TwinResult& r) {
  auto* chart = new QChart;
  chart->setTitle(QString("%1: predicted before the run against measured (drain %2%3%, largest gap %4% of N)")
                      .arg(r.name)
                      .arg(r.drain_error >= 0 ? "+" : "")
                      .arg(100 * r.drain_error, 0, 'f', 1)
                      .arg(100 * r.largest_gap_share, 0, 'f', 1));
  double end = 1;
  for (const TwinCurve* c : {&r.predicted_replaced, &r.measured_replaced, &r.measured_revoked})
    if (!c->t_s.empty()) end = std::max(end, c->t_s.back());
  auto* x = new QValueAxis;
  x->setTitleText("live run time (s)");
  x->setRange(0, end);
  auto* y = new QValueAxis;
  y->setTitleText("certificates");
  y->setRange(0, std::max(1.0, r.certificates) * 1.05);
  chart->addAxis(x, Qt::AlignBottom);
  chart->addAxis(y, Qt::AlignLeft);
  const QColor replaced(31, 119, 180), revoked(214, 39, 40);
  for (QLineSeries* s : {line("replaced, predicted (dashed)", r.predicted_replaced, replaced, Qt::DashLine),
                         line("replaced, measured", r.measured_replaced, replaced, Qt::SolidLine),
                         line("revoked, predicted (dashed)", r.predicted_revoked, revoked, Qt::DashLine),
                         line("revoked, measured", r.measured_revoked, revoked, Qt::SolidLine)}) {
    chart->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
  }
  return chart;
}

QImage twin_image(const TwinResult& r, int width, int height) {
  QChartView view(twin_chart(r));
  view.setRenderHint(QPainter::Antialiasing);
  view.resize(width, height);
  return view.grab().toImage();
}

}  // namespace surge::gui
