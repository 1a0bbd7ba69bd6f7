// The failover policies the planner and the simulator share (models/failover.hpp).
#include "models/failover.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "models/scenario_parser.hpp"

namespace surge {
namespace {

Scenario two_data_centers() {
  // dc1 holds the writer; each data center has two replicas.
  return load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml");
}

TEST(Failover, PromotesAReplicaInAnotherDataCenterFirstThenTheWritersOwn) {
  const Scenario s = two_data_centers();
  const Topology t(s);
  const int writer_dc = s.writer_data_center();
  ASSERT_EQ(writer_dc, 0);
  const size_t dcs = s.data_centers.size();
  const int dc2_first = t.find("dc2/db-replica-1"), dc2_second = t.find("dc2/db-replica-2");
  const int dc1_first = t.find("dc1/db-replica-1");
  ASSERT_GE(dc2_first, 0);
  ASSERT_GE(dc1_first, 0);
  auto all = [](int) { return true; };
  EXPECT_EQ(replica_to_promote(t, dcs, writer_dc, all), dc2_first);
  // The first replica of dc2 is lost: its second.
  EXPECT_EQ(replica_to_promote(t, dcs, writer_dc, [&](int r) { return r != dc2_first; }), dc2_second);
  // dc2 is down: one in the writer's own data center.
  auto not_dc2 = [&](int r) { return t.node(r).dc != 1; };
  EXPECT_EQ(replica_to_promote(t, dcs, writer_dc, not_dc2), dc1_first);
  // The writer in dc2 instead: dc1's replicas come first.
  EXPECT_EQ(replica_to_promote(t, dcs, 1, all), dc1_first);
  EXPECT_EQ(replica_to_promote(t, dcs, writer_dc, [](int) { return false; }), -1);
}

TEST(Failover, ARouteIsCutOnlyByALinkItCrosses) {
  const Scenario s = two_data_centers();
  const Topology t(s);
  const std::vector<RouteHop> route = t.route(t.find("dc2/frontend"), t.find("dc1/db-writer"));
  ASSERT_FALSE(route.empty());
  std::set<int> crossed;
  for (const RouteHop& hop : route) crossed.insert(hop.link);
  const int wan = t.find_link("wan/dc1-dc2");
  ASSERT_GE(wan, 0);
  EXPECT_TRUE(crossed.count(wan));
  EXPECT_TRUE(route_cut(route, [&](int link) { return link == wan; }));
  EXPECT_FALSE(route_cut(route, [](int) { return false; }));
  // A link elsewhere (dc2's first replica's NIC) does not cut it.
  const int elsewhere = t.route(t.find("dc2/db-replica-1"), t.find("dc2/frontend")).front().link;
  ASSERT_FALSE(crossed.count(elsewhere));
  EXPECT_FALSE(route_cut(route, [&](int link) { return link == elsewhere; }));
}

}  // namespace
}  // namespace surge
