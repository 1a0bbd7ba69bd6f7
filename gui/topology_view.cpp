#include "gui/topology_view.hpp"

#include <QContextMenuEvent>
#include <QGraphicsEllipseItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QInputDialog>
#include <QMenu>
#include <QMouseEvent>
#include <cmath>

#include "gui/charts.hpp"
#include "models/format_units.hpp"
#include "models/resources.hpp"
#include "models/topology.hpp"
#include "models/units.hpp"

namespace surge::gui {
namespace {

constexpr double kDcWidth = 330, kDcGap = 120, kHostW = 96, kHostH = 46, kRowGap = 14, kTitleH = 34;
constexpr double kCloudY = -150, kCloudW = 120, kCloudH = 50;
constexpr int kPerRow = 3;
const QColor kUpFill(235, 240, 248), kDownFill(150, 150, 150), kDcFill(250, 250, 252);

// "2.20k sig/s", "25.0 Gbps": the text report's units (models/format_units.hpp).
QString rate_text(double per_s, const char* noun) {
  return QString::fromStdString(format_rate(per_s, noun));
}

QString bandwidth_text(double Bps) {
  return QString::fromStdString(format_bandwidth(Bps));
}

}  // namespace

TopologyView::TopologyView(QWidget* parent) : QGraphicsView(parent) {
  setScene(&scene_);
  setRenderHint(QPainter::Antialiasing);
  setMinimumSize(420, 260);
}

namespace {

// When the scenario takes this element down (the DB writer has no target), if it does.
std::optional<double> failure_at(const Scenario& s, FailureKind kind, const std::string& target) {
  for (const Failure& f : s.failures)
    if (f.kind == kind && (kind == FailureKind::DB_WRITER || f.target == target)) return f.at_s;
  return std::nullopt;
}

// A label's font, smaller than the scene's: host and CT log boxes are small.
void shrink(QGraphicsSimpleTextItem* label) {
  QFont f = label->font();
  f.setPointSizeF(f.pointSizeF() * 0.8);
  label->setFont(f);
}

}  // namespace

void TopologyView::showScenario(const Scenario& s) {
  scene_.clear();
  elements_.clear();
  item_names_.clear();
  const Topology topo(s);
  std::map<int, QRectF> dc_boxes;
  for (size_t d = 0; d < s.data_centers.size(); ++d) dc_boxes[static_cast<int>(d)] = addDataCenter(s, topo, d);
  // The cloud, above, and the WAN links; the CT logs to the right.
  const double span = static_cast<double>(s.data_centers.size()) * (kDcWidth + kDcGap) - kDcGap;
  const QRectF cloud(span / 2 - kCloudW / 2, kCloudY, kCloudW, kCloudH);
  const bool has_cloud = addWanLinks(s, topo, dc_boxes, cloud);
  addCtLogs(s, span + kDcGap / 2);
  if (has_cloud) addCloud(cloud);
  for (auto& [name, e] : elements_) paintElement(e, std::nullopt, std::nullopt, std::nullopt);
  scene_.setSceneRect(scene_.itemsBoundingRect().adjusted(-20, -20, 20, 20));
  fitInView(scene_.sceneRect(), Qt::KeepAspectRatio);
}

void TopologyView::addElement(const QString& name, const Element& e) {
  item_names_[e.shape ? static_cast<QGraphicsItem*>(e.shape) : e.line] = name;
  if (e.label) item_names_[e.label] = name;
  elements_[name] = e;
}

QRectF TopologyView::addDataCenter(const Scenario& s, const Topology& topo, size_t d) {
  const DataCenter& dc = s.data_centers[d];
  const double x0 = static_cast<double>(d) * (kDcWidth + kDcGap);
  // Hosts in rows: services, HSM members, database servers.
  std::vector<std::vector<int>> rows(3);
  for (int v : topo.hosts()) {
    const NodeProps& n = topo.node(v);
    if (n.dc != static_cast<int>(d)) continue;
    const size_t row = n.kind == NodeKind::HSM                                             ? 1
                       : (n.kind == NodeKind::DB_WRITER || n.kind == NodeKind::DB_REPLICA) ? 2
                                                                                           : 0;
    rows[row].push_back(v);
  }
  double y = kTitleH;
  std::vector<std::pair<int, QPointF>> placed;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0 && i % kPerRow == 0) y += kHostH + kRowGap;
      placed.push_back({row[i], QPointF(x0 + 12 + static_cast<double>(i % kPerRow) * (kHostW + 10), y)});
    }
    if (!row.empty()) y += kHostH + kRowGap;
  }
  const QRectF box(x0, 0, kDcWidth, y + 4);
  Element e;
  e.kind = FailureKind::DATA_CENTER;
  e.target = QString::fromStdString(dc.name);
  e.shape = scene_.addRect(box, QPen(Qt::darkGray, 2), QBrush(kDcFill));
  e.base_text = QString("%1 · %2 fabric").arg(e.target, bandwidth_text(dc.fabric.bandwidth_Bps));
  e.label = scene_.addSimpleText(e.base_text);
  e.label->setPos(x0 + 10, 8);
  e.queue_column = queue_column(resource_name(ResourceKind::HSM, dc.name));
  e.down_at_s = failure_at(s, FailureKind::DATA_CENTER, dc.name);
  addElement(e.target, e);
  for (const auto& [v, pos] : placed) addHost(s, dc, topo.node(v), pos);
  return box;
}

void TopologyView::addHost(const Scenario& s, const DataCenter& dc, const NodeProps& n, QPointF pos) {
  const std::string role = n.name.substr(n.name.find('/') + 1);
  Element h;
  h.target = QString::fromStdString(n.name);
  h.dcs = {QString::fromStdString(dc.name)};
  h.shape = scene_.addRect(QRectF(pos, QSizeF(kHostW, kHostH)), QPen(Qt::black), QBrush(kUpFill));
  QString capacity;
  switch (n.kind) {
    case NodeKind::HSM:
      h.kind = FailureKind::HSM;
      capacity = rate_text(n.capacity, "sig");
      h.util_column = utilisation_column(resource_name(ResourceKind::HSM, dc.name));
      h.down_at_s = failure_at(s, FailureKind::HSM, n.name);
      break;
    case NodeKind::DB_WRITER:
      h.kind = FailureKind::DB_WRITER;
      capacity = rate_text(n.capacity, "commits");
      h.util_column = utilisation_column(resource_name(ResourceKind::DB));
      h.queue_column = queue_column(resource_name(ResourceKind::DB));
      h.down_at_s = failure_at(s, FailureKind::DB_WRITER, "");
      break;
    default:
      h.clickable = false;
      capacity = bandwidth_text(dc.fabric.bandwidth_Bps) + " NIC";
      h.util_column = utilisation_column(resource_name(ResourceKind::LINK, n.name + "/nic"));
      if (n.kind == NodeKind::FRONTEND) h.queue_column = queue_column(kNetworkQueue);
      break;
  }
  h.base_text = QString::fromStdString(role) + "\n" + capacity;
  h.label = scene_.addSimpleText(h.base_text);
  h.label->setPos(pos + QPointF(4, 3));
  shrink(h.label);
  // The writer is named as scenarios name it; other hosts by their topology name.
  addElement(n.kind == NodeKind::DB_WRITER ? QStringLiteral("db-writer") : h.target, h);
}

bool TopologyView::addWanLinks(const Scenario& s, const Topology& topo, const std::map<int, QRectF>& dc_boxes,
                               const QRectF& cloud) {
  bool has_cloud = false;
  for (auto [it, end] = boost::edges(topo.graph()); it != end; ++it) {
    const LinkProps& lp = topo.graph()[*it];
    if (!lp.wan) continue;
    const NodeProps& a = topo.node(static_cast<int>(boost::source(*it, topo.graph())));
    const NodeProps& b = topo.node(static_cast<int>(boost::target(*it, topo.graph())));
    auto anchor = [&](const NodeProps& n) {
      if (n.kind == NodeKind::CLOUD) {
        has_cloud = true;
        return cloud.center();
      }
      const QRectF& r = dc_boxes.at(n.dc);
      return QPointF(r.center().x(), r.top());
    };
    QPointF p = anchor(a), q = anchor(b);
    if (a.kind != NodeKind::CLOUD && b.kind != NodeKind::CLOUD) {  // between data centers: side to side
      const QRectF& ra = dc_boxes.at(a.dc);
      const QRectF& rb = dc_boxes.at(b.dc);
      p = QPointF(ra.right(), ra.top() + 20);
      q = QPointF(rb.left(), rb.top() + 20);
      if (p.x() > q.x()) std::swap(p, q), p = QPointF(rb.right(), rb.top() + 20), q = QPointF(ra.left(), ra.top() + 20);
    }
    Element e;
    e.kind = FailureKind::LINK;
    e.target = QString::fromStdString(lp.name);
    e.line = scene_.addLine(QLineF(p, q), QPen(QColor(70, 110, 170), 6, Qt::SolidLine, Qt::RoundCap));
    e.line->setZValue(-1);
    e.base_text = QString("%1\n%2").arg(e.target.mid(4), bandwidth_text(lp.bandwidth_Bps));
    e.label = scene_.addSimpleText(e.base_text);
    e.label->setPos((p + q) / 2 + QPointF(6, -8));
    e.util_column = utilisation_column(resource_name(ResourceKind::LINK, lp.name));
    e.down_at_s = failure_at(s, FailureKind::LINK, lp.name);
    for (const NodeProps* end : {&a, &b})
      if (end->dc >= 0) e.dcs << QString::fromStdString(s.data_centers[static_cast<size_t>(end->dc)].name);
    addElement(e.target, e);
  }
  return has_cloud;
}

// Certificate Transparency logs (other organisations' services), by operator: each one's rate limit; a
// click takes the log down (a ct_log failure).
void TopologyView::addCtLogs(const Scenario& s, double x0) {
  if (s.ct.logs.empty()) return;
  auto* title = scene_.addSimpleText(QString("CT logs (%1 SCTs from distinct operators)").arg(s.ct.scts_required));
  title->setPos(x0, kCloudY);
  double y = kCloudY + kTitleH;
  for (const CtLog& log : s.ct.logs) {
    Element e;
    e.kind = FailureKind::CT_LOG;
    e.target = QString::fromStdString(log.name);
    e.shape = scene_.addRect(QRectF(x0, y, kHostW * 1.6, kHostH), QPen(Qt::black), QBrush(kUpFill));
    e.base_text = QString("%1 (%2)\n%3")
                      .arg(e.target, QString::fromStdString(log.operator_name), rate_text(log.rate_per_s, "sub"));
    e.label = scene_.addSimpleText(e.base_text);
    e.label->setPos(x0 + 4, y + 3);
    shrink(e.label);
    e.util_column = utilisation_column(resource_name(ResourceKind::CT, log.name));
    for (const Failure& fl : s.failures)
      if ((fl.kind == FailureKind::CT_LOG && fl.target == log.name) ||
          (fl.kind == FailureKind::CT_OPERATOR && fl.target == log.operator_name)) {
        e.down_at_s = e.down_at_s ? std::min(*e.down_at_s, fl.at_s) : fl.at_s;
        if (std::isfinite(fl.until_s)) e.up_at_s = fl.until_s;
      }
    addElement("ct:" + e.target, e);
    y += kHostH + kRowGap;
  }
}

void TopologyView::addCloud(const QRectF& cloud) {
  auto* c = scene_.addEllipse(cloud, QPen(Qt::darkGray), QBrush(QColor(225, 235, 250)));
  c->setZValue(1);
  auto* t = scene_.addSimpleText("cloud");
  t->setPos(cloud.center() - QPointF(18, 8));
  t->setZValue(2);
}

void TopologyView::paintElement(Element& e, std::optional<double> util, std::optional<double> queue,
                                std::optional<double> t_s) {
  // Down in the scenario; during replay only from its failure time on.
  const std::optional<double> at = downAt(e);
  const bool down = at.has_value() && (!t_s || (*t_s >= *at && (!e.up_at_s || *t_s < *e.up_at_s)));
  QString text = e.base_text;
  if (e.down_at_s) text += QString("\nDOWN at %1").arg(QString::fromStdString(format_duration(*e.down_at_s)));
  if (e.up_at_s) text += QString(" until %1").arg(QString::fromStdString(format_duration(*e.up_at_s)));
  if (util) text += QString("\n%1%").arg(100 * *util, 0, 'f', 0);
  if (queue && *queue > 0) text += QString(" · %1 waiting").arg(QString::fromStdString(format_count(*queue)));
  if (e.label) e.label->setText(text);
  QColor fill = e.kind == FailureKind::DATA_CENTER ? kDcFill : kUpFill;
  if (util) fill = utilisation_colour(*util);
  if (down) fill = kDownFill;
  if (e.shape) {
    if (e.kind == FailureKind::DATA_CENTER && !down) {
      e.shape->setBrush(QBrush(kDcFill));
    } else {
      e.shape->setBrush(QBrush(fill));
    }
    e.shape->setPen(QPen(down ? QColor(200, 40, 40) : QColor(Qt::black), e.kind == FailureKind::DATA_CENTER ? 2 : 1,
                         down ? Qt::DashLine : Qt::SolidLine));
  }
  if (e.line) {
    QPen pen = e.line->pen();
    pen.setColor(down ? kDownFill : util ? utilisation_colour(*util) : QColor(70, 110, 170));
    pen.setStyle(down ? Qt::DashLine : Qt::SolidLine);
    e.line->setPen(pen);
  }
}

std::optional<double> TopologyView::downAt(const Element& e) const {
  std::optional<double> at = e.down_at_s;
  for (const QString& dc : e.dcs) {
    auto it = elements_.find(dc);
    if (it != elements_.end() && it->second.down_at_s && (!at || *it->second.down_at_s < *at))
      at = it->second.down_at_s;
  }
  return at;
}

void TopologyView::showReplay(const Report* report, std::optional<double> t_s) {
  if (!report || !t_s || report->series.empty()) {
    for (auto& [name, e] : elements_) paintElement(e, std::nullopt, std::nullopt, std::nullopt);
    return;
  }
  // The sample at or just before t_s.
  const int t = series_column(*report, "t_s");
  size_t row = 0;
  for (size_t i = 0; i < report->series.size(); ++i)
    if (report->series[i][static_cast<size_t>(t)] <= *t_s) row = i;
  const std::vector<double>& values = report->series[row];
  for (auto& [name, e] : elements_) {
    const int u = e.util_column.empty() ? -1 : series_column(*report, e.util_column);
    const int q = e.queue_column.empty() ? -1 : series_column(*report, e.queue_column);
    paintElement(e, u >= 0 ? std::optional<double>(values[static_cast<size_t>(u)]) : std::nullopt,
                 q >= 0 ? std::optional<double>(values[static_cast<size_t>(q)]) : std::nullopt, t_s);
  }
}

QStringList TopologyView::elements() const {
  QStringList out;
  for (const auto& [name, e] : elements_) out << name;
  return out;
}

QColor TopologyView::elementColour(const QString& name) const {
  auto it = elements_.find(name);
  if (it == elements_.end()) return {};
  return it->second.shape ? it->second.shape->brush().color() : it->second.line->pen().color();
}

QString TopologyView::elementText(const QString& name) const {
  auto it = elements_.find(name);
  return it == elements_.end() || !it->second.label ? QString() : it->second.label->text();
}

QPoint TopologyView::elementPosition(const QString& name) const {
  auto it = elements_.find(name);
  if (it == elements_.end()) return {};
  const Element& e = it->second;
  // A spot on the element itself, clear of its children (labels sit at the top left of boxes).
  const QPointF p = e.line ? e.line->line().center() : e.shape->boundingRect().bottomRight() - QPointF(6, 6);
  return mapFromScene(p);
}

const TopologyView::Element* TopologyView::elementAt(const QPoint& pos) const {
  for (QGraphicsItem* item : items(pos)) {
    auto it = item_names_.find(item);
    if (it == item_names_.end()) continue;
    const Element& e = elements_.at(it->second);
    if (e.clickable) return &e;
  }
  return nullptr;
}

void TopologyView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    if (const Element* e = elementAt(event->pos())) {
      emit toggleRequested(e->kind, e->target);
      return;
    }
  }
  QGraphicsView::mousePressEvent(event);
}

void TopologyView::contextMenuEvent(QContextMenuEvent* event) {
  const Element* e = elementAt(event->pos());
  if (!e) return;
  const FailureKind kind = e->kind;
  const QString target = e->target;
  QMenu menu(this);
  QAction* at = menu.addAction(QString("%1 fails at...").arg(kind == FailureKind::DB_WRITER ? "DB writer" : target));
  QAction* up = menu.addAction("Up for the whole run");
  up->setEnabled(e->down_at_s.has_value());
  QAction* chosen = menu.exec(event->globalPos());
  if (chosen == up) emit downAtRequested(kind, target, std::nullopt);
  if (chosen == at) {
    bool ok = false;
    const double hours = QInputDialog::getDouble(
        this, "Failure time", "Hours after discovery:", e->down_at_s.value_or(0) / kSecondsPerHour, 0, 1e6, 2, &ok);
    if (ok) emit downAtRequested(kind, target, hours * kSecondsPerHour);
  }
}

void TopologyView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  fitInView(scene_.sceneRect(), Qt::KeepAspectRatio);
}

}  // namespace surge::gui
