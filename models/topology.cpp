#include "models/topology.hpp"

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>

namespace surge {

std::string host_name(const std::string& dc, const std::string& role) {
  return dc + "/" + role;
}

std::string wan_link_name(const std::string& from, const std::string& to) {
  return "wan/" + from + "-" + to;
}

Topology::Topology(const Scenario& s) {
  auto add_node = [&](NodeProps p) { return static_cast<int>(boost::add_vertex(p, g_)); };
  int link_count = 0;
  auto add_link = [&](int a, int b, LinkProps p) {
    p.index = link_count++;
    p.first_end = a;
    boost::add_edge(static_cast<size_t>(a), static_cast<size_t>(b), p, g_);
  };

  std::vector<int> switches;
  for (size_t d = 0; d < s.data_centers.size(); ++d) {
    const DataCenter& dc = s.data_centers[d];
    const int dci = static_cast<int>(d);
    const int sw = add_node(NodeProps{host_name(dc.name, "switch"), NodeKind::SWITCH, dci, 0});
    switches.push_back(sw);
    auto host = [&](const std::string& role, NodeKind kind, double capacity) {
      const int v = add_node(NodeProps{host_name(dc.name, role), kind, dci, capacity});
      add_link(
          v, sw,
          LinkProps{host_name(dc.name, role) + "/nic", dc.fabric.bandwidth_Bps, dc.fabric.latency_s, false, dci, 0});
    };
    host("frontend", NodeKind::FRONTEND, 0);
    host("ca", NodeKind::CA, 0);
    host("sa", NodeKind::SA, 0);
    for (int i = 1; i <= dc.hsm_count; ++i) host("hsm-" + std::to_string(i), NodeKind::HSM, dc.hsm.signatures_per_s);
    if (dc.db_writer) host("db-writer", NodeKind::DB_WRITER, dc.db.commits_per_s);
    for (int i = 1; i <= dc.db_replicas; ++i)
      host("db-replica-" + std::to_string(i), NodeKind::DB_REPLICA, dc.db.commits_per_s);
  }
  int cloud = -1;
  for (const WanLink& w : s.wan) {
    const int a = switches[static_cast<size_t>(s.data_center_index(w.from))];
    int b = -1;
    if (w.to == "cloud") {
      if (cloud < 0) cloud = add_node(NodeProps{"cloud", NodeKind::CLOUD, -1, 0});
      b = cloud;
    } else {
      b = switches[static_cast<size_t>(s.data_center_index(w.to))];
    }
    add_link(a, b, LinkProps{wan_link_name(w.from, w.to), w.bandwidth_Bps, w.latency_s, true, -1, 0});
  }
}

int Topology::find(const std::string& name) const {
  for (size_t v = 0; v < boost::num_vertices(g_); ++v)
    if (g_[v].name == name) return static_cast<int>(v);
  return -1;
}

int Topology::place(const std::string& name) const {
  if (name == "cloud" || name.find('/') != std::string::npos) return find(name);
  return find(host_name(name, "frontend"));
}

std::vector<int> Topology::hosts() const {
  std::vector<int> out;
  for (size_t v = 0; v < boost::num_vertices(g_); ++v)
    if (g_[v].kind != NodeKind::SWITCH) out.push_back(static_cast<int>(v));
  return out;
}

std::vector<int> Topology::hsms(int dc) const {
  std::vector<int> out;
  for (size_t v = 0; v < boost::num_vertices(g_); ++v)
    if (g_[v].kind == NodeKind::HSM && g_[v].dc == dc) out.push_back(static_cast<int>(v));
  return out;
}

std::vector<int> Topology::replicas(int dc) const {
  std::vector<int> out;
  for (size_t v = 0; v < boost::num_vertices(g_); ++v)
    if (g_[v].kind == NodeKind::DB_REPLICA && g_[v].dc == dc) out.push_back(static_cast<int>(v));
  return out;
}

std::vector<LinkProps> Topology::links() const {
  std::vector<LinkProps> out(boost::num_edges(g_));
  for (auto [it, end] = boost::edges(g_); it != end; ++it) out[static_cast<size_t>(g_[*it].index)] = g_[*it];
  return out;
}

int Topology::find_link(const std::string& name) const {
  for (auto [it, end] = boost::edges(g_); it != end; ++it)
    if (g_[*it].name == name) return g_[*it].index;
  return -1;
}

std::vector<RouteHop> Topology::route(int from, int to) const {
  using Vertex = TopologyGraph::vertex_descriptor;
  using Edge = TopologyGraph::edge_descriptor;
  const size_t n = boost::num_vertices(g_);
  std::vector<Edge> via(n);
  std::vector<bool> seen(n, false);
  // Breadth-first search from `from`, recording the edge that reached each vertex.
  struct Recorder : boost::default_bfs_visitor {
    std::vector<Edge>* via;
    std::vector<bool>* seen;
    void tree_edge(Edge e, const TopologyGraph& g) {
      Vertex t = boost::target(e, g);
      (*via)[t] = e;
      (*seen)[t] = true;
    }
  } rec;
  rec.via = &via;
  rec.seen = &seen;
  boost::breadth_first_search(g_, static_cast<Vertex>(from), boost::visitor(rec));
  std::vector<RouteHop> hops;
  if (from == to || !seen[static_cast<size_t>(to)]) return hops;
  for (Vertex v = static_cast<Vertex>(to); v != static_cast<Vertex>(from);) {
    const Edge e = via[v];
    // BFS hands out edges in the direction it walked them, so the other end is where we came from.
    const Vertex prev = boost::source(e, g_) == v ? boost::target(e, g_) : boost::source(e, g_);
    hops.push_back(RouteHop{g_[e].index, static_cast<int>(prev) == g_[e].first_end});
    v = prev;
  }
  std::reverse(hops.begin(), hops.end());
  return hops;
}

}  // namespace surge
