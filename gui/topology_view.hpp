// The scenario's infrastructure drawn from the simulator's own topology graph (models/topology): each data
// center with its front end, HSM members, DB writer and replicas, WAN links between data centers and to
// the cloud; every element labelled with its capacity. Clicking a data center, an HSM, the DB writer or a
// WAN link asks to take it down (or bring it back); the context menu sets the time it fails. During
// replay each element is coloured by its utilisation at the chosen simulated time, with its queue.
#pragma once

#include <QGraphicsItem>
#include <QGraphicsView>
#include <map>
#include <optional>

#include "models/report.hpp"
#include "models/scenario.hpp"
#include "models/topology.hpp"

namespace surge::gui {

/// The topology view.
class TopologyView : public QGraphicsView {
  Q_OBJECT
 public:
  explicit TopologyView(QWidget* parent = nullptr);

  /// Redraws for a scenario (its failures shown as down).
  void showScenario(const Scenario& scenario);
  /// Colours elements by utilisation and shows queues at simulated time t_s of a report's series;
  /// nullopt clears the replay colouring.
  void showReplay(const Report* report, std::optional<double> t_s);

  /// Element names as drawn (data centers, "dc/hsm-N", "db-writer", "wan/a-b"), for tests and scripts.
  QStringList elements() const;
  /// The fill colour of an element now (replay or state), for tests.
  QColor elementColour(const QString& name) const;
  /// The text shown beside an element now (capacity, utilisation, queue), for tests.
  QString elementText(const QString& name) const;
  /// Where an element is drawn, in view coordinates (to click it).
  QPoint elementPosition(const QString& name) const;

 signals:
  /// A click on an element: take it down now if up, bring it back if down.
  void toggleRequested(surge::FailureKind kind, const QString& target);
  /// The context menu's "fails at...": the time the planner typed, or nullopt to bring it back.
  void downAtRequested(surge::FailureKind kind, const QString& target, std::optional<double> at_s);

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  struct Element {
    FailureKind kind = FailureKind::DATA_CENTER;
    QString target;  // as a failure names it
    QAbstractGraphicsShapeItem* shape = nullptr;
    QGraphicsLineItem* line = nullptr;  // WAN links
    QGraphicsSimpleTextItem* label = nullptr;
    QString base_text;                // name and capacity
    std::string util_column;          // in the series: "util:hsm:dc1"
    std::string queue_column;         // "queue:hsm:dc1" (empty: no queue)
    std::optional<double> down_at_s;  // when it fails in the scenario
    std::optional<double> up_at_s;    // when it comes back (CT outages with `until`)
    QStringList dcs;                  // the data centers it is in (a WAN link: those at its ends)
    bool clickable = true;
  };
  // Drawing a scenario (showScenario), element by element.
  void addElement(const QString& name, const Element& e);
  /// Data center d with its hosts in rows (services, HSM members, databases); returns its box.
  QRectF addDataCenter(const Scenario& s, const Topology& topo, size_t d);
  void addHost(const Scenario& s, const DataCenter& dc, const NodeProps& n, QPointF pos);
  /// The WAN links, between data centers side to side and up to the cloud; true when one reaches it.
  bool addWanLinks(const Scenario& s, const Topology& topo, const std::map<int, QRectF>& dc_boxes, const QRectF& cloud);
  void addCtLogs(const Scenario& s, double x0);
  void addCloud(const QRectF& cloud);
  const Element* elementAt(const QPoint& pos) const;
  void paintElement(Element& e, std::optional<double> util, std::optional<double> queue, std::optional<double> t_s);
  std::optional<double> downAt(const Element& e) const;  // its own failure or its data center's, the earlier

  QGraphicsScene scene_;
  std::map<QString, Element> elements_;  // by name
  std::map<QGraphicsItem*, QString> item_names_;
};

}  // namespace surge::gui
