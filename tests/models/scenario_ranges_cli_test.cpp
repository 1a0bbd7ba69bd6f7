// The probes through the CLI: every value past its key's range is bad input (exit 2, one line
// naming the key, its range and the value) in check, analyze and run alike, before anything is computed.
#include <gtest/gtest.h>

#include <string>

#include "tests/command_result.hpp"

namespace surge {
namespace {

const std::string kScenario = std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2021-hardware-one-dc.yaml";
const std::string kCrlScenario = std::string(SURGE_SOURCE_DIR) + "/scenarios/le-2025-crl-era.yaml";

testing::CommandResult surge(const std::string& command, const std::string& file, const std::string& set) {
  return testing::run_command(std::string(SURGE_CLI) + " " + command + " " + file + " --set '" + set + "'" +
                              (command == "run" ? " --quiet" : ""));
}

struct CliProbe {
  std::string file;
  std::string set;
  std::string message;  // after "--set <set>: "
};

const std::string kHosts = " (each one is a simulated host with its own actors)";
const std::string kActors = " (each one is a simulator actor with its own stack)";

std::vector<CliProbe> cli_probes() {
  return {
      {kScenario, "data_centers.dc1.hsm.count=2147483648",
       "'data_centers.dc1.hsm.count' must be in [1, 64], got '2147483648'" + kHosts},
      {kScenario, "data_centers.dc1.hsm.count=9223372036854775808",
       "'data_centers.dc1.hsm.count' must be in [1, 64], got '9223372036854775808'" + kHosts},
      {kScenario, "data_centers.dc1.hsm.sessions=1000000",
       "'data_centers.dc1.hsm.sessions' must be in [1, 256], got '1000000'" + kActors},
      {kScenario, "data_centers.dc1.db.connections=2147483648",
       "'data_centers.dc1.db.connections' must be in [1, 1024], got '2147483648'" + kActors},
      {kScenario, "incident.batches={count: 4444444444, every: 1h}",
       "'incident.batches.count' must be in [1, 1000], got '4444444444' (the planner steps through every batch)"},
      {kScenario, "incident.deadline=1e308d",
       "'incident.deadline' must be in [1min, 90d], got '1e308d' (the simulator and the planner step through the "
       "horizon)"},
      {kScenario, "workload.certificates=1e18",
       "'workload.certificates' must be in [0, 1G], got '1e18' (about twice the Web PKI's unexpired certificates)"},
      {kCrlScenario, "workload.crl_period=1us",
       "'workload.crl_period' must be in [1min, 30d], got '1us' (the simulator and the planner step through the "
       "horizon)"},
      {kCrlScenario, "workload.crl_shards=1e18",
       "'workload.crl_shards' must be in [1, 4096], got '1e18' (each shard is re-signed every crl_period)"},
      {kScenario, "name=[a, b]", "'name' must be a single value"},
      {kScenario, "failures=[{hsm: dc1/hsm-99999999999, at: 1h}]",
       "data center 'dc1' has no host 'hsm-99999999999' (hosts: frontend, ca, sa, hsm-1..2, db-writer, "
       "db-replica-1..2)"},
  };
}

TEST(ScenarioRangesCli, EveryProbeIsBadInputInCheckAnalyzeAndRun) {
  for (const CliProbe& p : cli_probes()) {
    for (const char* command : {"check", "analyze", "run"}) {
      const testing::CommandResult r = surge(command, p.file, p.set);
      EXPECT_EQ(r.code, 2) << command << " --set " << p.set << "\n" << r.err;
      EXPECT_EQ(r.err, "--set " + p.set + ": " + p.message + "\n") << command;
      EXPECT_EQ(r.out, "") << command;
    }
  }
}

// At the top of their ranges the costly keys still give an answer (and quickly: no run of the simulator).
TEST(ScenarioRangesCli, TheCostlyKeysAtTheirMaximumStillAnalyze) {
  for (const std::string& set :
       {std::string("incident.batches={count: 1000, every: 1s}"), std::string("data_centers.dc1.db.replicas=16")}) {
    const testing::CommandResult r = surge("analyze", kScenario, set);
    EXPECT_EQ(r.code, 0) << set << "\n" << r.err;
  }
  const testing::CommandResult crl =
      testing::run_command(std::string(SURGE_CLI) + " analyze " + kCrlScenario +
                           " --set workload.crl_period=1min --set workload.crl_shards=4096 --set incident.deadline=90d"
                           " --set incident.horizon=365d");
  EXPECT_EQ(crl.code, 0) << crl.err;
}

}  // namespace
}  // namespace surge
