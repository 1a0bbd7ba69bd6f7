// The post-parse invariant check: silent on a valid scenario, a bug report naming the value on a scenario
// broken by hand (the parser's ranges keep such values out).
#include "models/scenario_invariants.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "models/scenario_parser.hpp"

namespace surge {
namespace {

const std::string kValid = R"(schema: 1
name: t
question: "q"
data_centers:
  - {name: dc1, fabric: 25g-fiber, hsm: {model: luna-2021, count: 2}, db: {model: db-2021, writer: true}}
workload: {certificates: 1M, era: seed-2021}
clients: {ari_share: 1.0}
incident: {decision_delay: 4h, deadline: 24h}
)";

Scenario valid() {
  return parse_scenario(kValid, "ok.yaml");
}

std::string violation(const Scenario& s) {
  try {
    check_invariants(s);
  } catch (const InvariantError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioInvariants, HoldOnAValidScenario) {
  EXPECT_EQ(violation(valid()), "");
}

TEST(ScenarioInvariants, ANegativeCapacityIsABug) {
  Scenario s = valid();
  s.data_centers[0].hsm.signatures_per_s = -2e13;
  EXPECT_EQ(violation(s),
            "internal error: data_centers.dc1.hsm.signatures_per_s (a capacity, finite and > 0) = -20000000000000");
}

TEST(ScenarioInvariants, AnInfiniteDeadlineIsABug) {
  Scenario s = valid();
  s.incident.deadline_s = std::numeric_limits<double>::infinity();
  EXPECT_EQ(violation(s), "internal error: incident.deadline (finite and >= 0) = inf");
}

TEST(ScenarioInvariants, TimesOutOfOrderAreABug) {
  Scenario s = valid();
  s.incident.horizon_s = 3600;  // before the 24 h deadline
  EXPECT_EQ(violation(s), "internal error: incident.deadline (not after incident.horizon = 3600) = 86400");
}

TEST(ScenarioInvariants, AWrappedCountIsABug) {
  Scenario s = valid();
  s.data_centers[0].hsm_count = -2147483648;
  EXPECT_EQ(violation(s), "internal error: data_centers.dc1.hsm.count (at least 1) = -2147483648");
}

TEST(ScenarioInvariants, ANotANumberCapacityIsABug) {
  Scenario s = valid();
  s.data_centers[0].db.commits_per_s = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(violation(s), "internal error: data_centers.dc1.db.commits_per_s (a capacity, finite and > 0) = nan");
}

}  // namespace
}  // namespace surge
