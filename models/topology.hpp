// The CA's infrastructure as a graph (Boost.Graph): in each data center a switch, and hosts hanging off
// it by their NICs (front end, CA, SA, HSM members, DB writer and replicas); WAN links join the data
// centers' switches to each other and to the cloud. The simulator builds its platform from this graph
// and the GUI will draw it.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace surge {

/// What a vertex is.
enum class NodeKind { SWITCH, FRONTEND, CA, SA, HSM, DB_WRITER, DB_REPLICA, CLOUD };

/// A vertex: a host or a switch.
struct NodeProps {
  std::string name;  ///< "dc1/hsm-1", "dc1/switch", "cloud"
  NodeKind kind = NodeKind::SWITCH;
  int dc = -1;          ///< data center index, -1 for the cloud
  double capacity = 0;  ///< HSM: signatures/s; DB: commits/s; others 0
};

/// An edge: a host NIC (host <-> switch) or a WAN link (switch <-> switch or cloud).
struct LinkProps {
  std::string name;          ///< "dc1/hsm-1/nic", "wan/dc1-dc2"
  double bandwidth_Bps = 0;  ///< each direction
  double latency_s = 0;
  bool wan = false;
  int dc = -1;         ///< data center of a NIC; -1 for WAN links
  int index = 0;       ///< position in Topology::links()
  int first_end = -1;  ///< the vertex the link was added from: crossing from it is "forward"
};

using TopologyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, NodeProps, LinkProps>;

/// One link on a route, and whether it is crossed from its first end to its second.
struct RouteHop {
  int link = 0;  ///< index into links()
  bool forward = true;
};

/// The graph with lookups.
class Topology {
 public:
  /// Builds the graph of a scenario.
  explicit Topology(const Scenario& scenario);

  const TopologyGraph& graph() const { return g_; }
  /// Vertex by name, or -1.
  int find(const std::string& name) const;
  /// Vertex of a place as scenarios name it: "dc/host", "cloud", or a data center (its front end).
  int place(const std::string& name) const;
  /// Every vertex that is a host (not a switch), in creation order.
  std::vector<int> hosts() const;
  /// The HSM member vertices of a data center.
  std::vector<int> hsms(int dc) const;
  /// The DB replica vertices of a data center.
  std::vector<int> replicas(int dc) const;
  /// Every link's properties, by index.
  std::vector<LinkProps> links() const;
  /// The links from one vertex to another (fewest hops; the graph is a tree of stars).
  std::vector<RouteHop> route(int from, int to) const;
  /// Index in links() of the link with this name ("wan/dc1-dc2"), or -1.
  int find_link(const std::string& name) const;
  /// Vertex name.
  const std::string& name(int v) const { return g_[static_cast<size_t>(v)].name; }
  /// Vertex properties.
  const NodeProps& node(int v) const { return g_[static_cast<size_t>(v)]; }

 private:
  TopologyGraph g_;
};

/// The canonical host name "dc/role".
std::string host_name(const std::string& dc, const std::string& role);

/// The canonical name of the WAN link written {from, to} in the scenario: "wan/from-to".
std::string wan_link_name(const std::string& from, const std::string& to);

}  // namespace surge
