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

}  // namespace
}  // namespace surge
