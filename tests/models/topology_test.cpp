#include "models/topology.hpp"

#include <gtest/gtest.h>

#include "models/scenario_parser.hpp"

namespace surge {
namespace {

TEST(Topology, HasEachDataCentersHostsBehindTheirNics) {
  const Scenario s = load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml");
  const Topology t(s);
  EXPECT_EQ(t.hsms(0).size(), 2u);
  EXPECT_EQ(t.hsms(1).size(), 2u);
  EXPECT_EQ(t.replicas(1).size(), 2u);
  EXPECT_GE(t.find("dc1/db-writer"), 0);
  EXPECT_EQ(t.find("dc2/db-writer"), -1);
  // Per data center: frontend, ca, sa, 2 HSMs, replicas (+ writer in dc1); plus the cloud.
  EXPECT_EQ(t.hosts().size(), (3 + 2 + 1 + 2) + (3 + 2 + 2) + 1u);
  EXPECT_EQ(t.node(t.hsms(0)[0]).capacity, 10000);
}

TEST(Topology, RoutesCrossNicsAndTheWanInTheRightDirection) {
  const Scenario s = load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml");
  const Topology t(s);
  const std::vector<LinkProps> links = t.links();
  const std::vector<RouteHop> r = t.route(t.find("dc1/frontend"), t.find("dc2/db-replica-1"));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(links[static_cast<size_t>(r[0].link)].name, "dc1/frontend/nic");
  EXPECT_TRUE(r[0].forward);  // host -> switch
  EXPECT_EQ(links[static_cast<size_t>(r[1].link)].name, "wan/dc1-dc2");
  EXPECT_TRUE(r[1].forward);
  EXPECT_EQ(links[static_cast<size_t>(r[2].link)].name, "dc2/db-replica-1/nic");
  EXPECT_FALSE(r[2].forward);  // switch -> host
  const std::vector<RouteHop> back = t.route(t.find("dc2/db-replica-1"), t.find("dc1/frontend"));
  ASSERT_EQ(back.size(), 3u);
  EXPECT_TRUE(back[0].forward);
  EXPECT_FALSE(back[1].forward);
  EXPECT_FALSE(back[2].forward);
  EXPECT_TRUE(t.route(t.find("cloud"), t.find("cloud")).empty());
}

}  // namespace
}  // namespace surge
