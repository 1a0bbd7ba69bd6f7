#include "sim/platform.hpp"

namespace surge::sim {
namespace {

constexpr double kControlSpeed = 1e9;  // flops/s of the control host; it runs no work, only actors

// Sets a FIFO multi-server's sharing: n concurrent cohorts of k certificates keep min(n k, c) of the c
// servers busy, and share X(min(n k, c)), the calibrated throughput curve.
void set_curve(sg4::Host* host, double rated, int concurrency, const CapacityCurve& curve, int cohort) {
  const int per_cohort = std::min(cohort, concurrency);
  host->set_sharing_policy(sg4::Host::SharingPolicy::NONLINEAR,
                           [rated, concurrency, curve, per_cohort](double /*capacity*/, int n) {
                             return curve.throughput(rated, std::min(n * per_cohort, concurrency), concurrency);
                           });
}

}  // namespace

Platform build_platform(const Scenario& s, const Topology& topo) {
  Platform p;
  auto* zone = sg4::create_full_zone("surge");
  const TopologyGraph& g = topo.graph();
  const size_t n = boost::num_vertices(g);
  p.hosts.assign(n, nullptr);
  const int k = s.effective_cohort_size();
  for (size_t v = 0; v < n; ++v) {
    const NodeProps& node = g[v];
    if (node.kind == NodeKind::SWITCH) continue;
    const double speed = node.capacity > 0 ? node.capacity : kControlSpeed;
    sg4::Host* h = zone->create_host(node.name, speed);
    if (node.kind == NodeKind::HSM) {
      const DataCenter& dc = s.data_centers[static_cast<size_t>(node.dc)];
      set_curve(h, dc.hsm.signatures_per_s, dc.hsm.sessions, dc.hsm.curve, k);
    } else if (node.kind == NodeKind::DB_WRITER || node.kind == NodeKind::DB_REPLICA) {
      const DataCenter& dc = s.data_centers[static_cast<size_t>(node.dc)];
      set_curve(h, dc.db.commits_per_s, dc.db.connections, dc.db.curve, k);
    }
    p.hosts[v] = h;
  }
  p.control = zone->create_host("control", kControlSpeed);

  for (const LinkProps& l : topo.links()) {
    sg4::SplitDuplexLink* link = zone->create_split_duplex_link(l.name, l.bandwidth_Bps);
    link->set_latency(l.latency_s);
    p.links.push_back(link);
  }
  for (auto& link : p.links) link->seal();

  // Static routes between every ordered pair of hosts, from the graph.
  const std::vector<int> hosts = topo.hosts();
  for (int a : hosts) {
    for (int b : hosts) {
      if (a == b) continue;
      std::vector<sg4::LinkInRoute> route;
      for (const RouteHop& hop : topo.route(a, b))
        route.emplace_back(p.links[static_cast<size_t>(hop.link)],
                           hop.forward ? sg4::LinkInRoute::Direction::UP : sg4::LinkInRoute::Direction::DOWN);
      if (route.empty()) continue;  // not connected (e.g. a data center without a WAN link)
      zone->add_route(p.hosts[static_cast<size_t>(a)]->get_netpoint(), p.hosts[static_cast<size_t>(b)]->get_netpoint(),
                      nullptr, nullptr, route, false);
    }
  }
  zone->seal();
  return p;
}

}  // namespace surge::sim
