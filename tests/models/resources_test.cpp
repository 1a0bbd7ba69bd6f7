// The resource inventory the planner and the simulator share (models/resources.hpp).
#include "models/resources.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"

namespace surge {
namespace {

Scenario shipped(const std::string& name) {
  return load_scenario(std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
}

TEST(Resources, NamesPlaceEachResourceAndTheSingletonsHaveTheirOwn) {
  EXPECT_EQ(resource_name(ResourceKind::HSM, "dc1"), "hsm:dc1");
  EXPECT_EQ(resource_name(ResourceKind::API, "dc2"), "api:dc2");
  EXPECT_EQ(resource_name(ResourceKind::LINK, "wan/dc1-dc2"), "link:wan/dc1-dc2");
  EXPECT_EQ(resource_name(ResourceKind::CT), "ct");
  EXPECT_EQ(resource_name(ResourceKind::DB, "dc1"), "db-writer");
  EXPECT_EQ(resource_name(ResourceKind::READS), "db-replica-reads");
}

TEST(Resources, TheHsmUnitCountsReferenceKeySignaturesWhenKeysAreMixed) {
  const Scenario one = shipped("le-2021-hardware-one-dc");
  EXPECT_EQ(resource_unit(ResourceKind::HSM, one), "signatures/s");
  const Scenario mixed = shipped("mixed-keys-one-dc");
  ASSERT_GT(mixed.workload.keys().size(), 1u);
  EXPECT_EQ(resource_unit(ResourceKind::HSM, mixed),
            "signatures/s (" + mixed.workload.keys().front().key + " equivalent)");
  EXPECT_EQ(resource_unit(ResourceKind::LINK, one), "bytes/s");
}

TEST(Resources, EveryResourceOfTheAnalyticAnswerHasAKindAndTheUnitOfItsKind) {
  const std::set<std::string> kinds = {"hsm", "db", "ct", "link", "api", "va", "reads"};
  for (const char* name : {"le-2021-hardware-one-dc", "mixed-keys-one-dc", "le-2025-crl-era"}) {
    const Scenario s = shipped(name);
    const Report r = analyze(s);
    ASSERT_FALSE(r.resources.empty()) << name;
    for (const ResourceUse& u : r.resources) {
      ASSERT_TRUE(kinds.count(u.kind)) << name << ": " << u.name << " has kind " << u.kind;
      for (ResourceKind k : {ResourceKind::HSM, ResourceKind::DB, ResourceKind::CT, ResourceKind::LINK,
                             ResourceKind::API, ResourceKind::VA, ResourceKind::READS})
        if (u.kind == resource_kind_name(k)) {
          EXPECT_EQ(u.unit, resource_unit(k, s)) << name << ": " << u.name;
        }
    }
  }
}

TEST(Resources, SeriesColumnsAreTheResourcesNamesAsDocsOutputWritesThem) {
  // docs/OUTPUT.md: util:RESOURCE, busy:RESOURCE, queue:hsm:DC, queue:network, queue:db-writer, queue:ct.
  EXPECT_EQ(utilisation_column(resource_name(ResourceKind::HSM, "dc1")), "util:hsm:dc1");
  EXPECT_EQ(utilisation_column(resource_name(ResourceKind::LINK, "dc1/nic")), "util:link:dc1/nic");
  EXPECT_EQ(busy_column(resource_name(ResourceKind::DB)), "busy:db-writer");
  EXPECT_EQ(queue_column(resource_name(ResourceKind::HSM, "dc2")), "queue:hsm:dc2");
  EXPECT_EQ(queue_column(kNetworkQueue), "queue:network");
  EXPECT_EQ(queue_column(resource_name(ResourceKind::DB)), "queue:db-writer");
  EXPECT_EQ(queue_column(resource_name(ResourceKind::CT)), "queue:ct");
  EXPECT_EQ(queued_station("queue:hsm:dc2"), "hsm:dc2");
  EXPECT_EQ(queued_station("util:hsm:dc1"), "");
  EXPECT_EQ(queued_station("queue"), "");
}

}  // namespace
}  // namespace surge
