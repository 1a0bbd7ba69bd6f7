// The twin scenario (models/twin_scale): a scenario on this machine's parts, durations divided by f,
// capacities multiplied by s, counts by s / f. Checked against the scaling law itself: the twin's answer is
// the scenario's with its times divided by f.
#include "models/twin_scale.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <algorithm>
#include <cmath>

#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"

namespace surge {
namespace {

std::string scenario_path(const std::string& name) {
  return std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

TwinParts shipped_parts() {
  const std::string dir = std::string(SURGE_SOURCE_DIR) + "/data/profiles/";
  return {dir + "softhsm-2.6-2core-vm.json", dir + "mariadb-10.11-2core-vm.json"};
}

ResourceUse resource(const std::string& name, const std::string& kind, double capacity) {
  ResourceUse u;
  u.name = name, u.kind = kind, u.capacity = capacity;
  return u;
}

TEST(TwinScale, TheRealPartWithTheSmallestCapacityRatioSetsTheRateFactor) {
  Report scenario, twin;
  scenario.completion_time_s = 72000;
  scenario.resources = {resource("hsm:dc1", "hsm", 20000), resource("db-writer", "db", 100000),
                        resource("hsm:dc2", "hsm", 0), resource("api:dc1", "api", 5000)};
  twin.resources = {resource("hsm:dc1", "hsm", 8400), resource("db-writer", "db", 8000),
                    resource("hsm:dc2", "hsm", 8400), resource("api:dc1", "api", 1)};
  const TwinScale k = twin_scale(scenario, twin, 90);
  EXPECT_EQ(k.set_by, "db-writer");  // 8,000 / 100,000 below 8,400 / 20,000; dc2 has none in the scenario
  EXPECT_DOUBLE_EQ(k.rate_factor, 0.08);
  EXPECT_DOUBLE_EQ(k.time_factor, 800);
  EXPECT_DOUBLE_EQ(k.count_factor(), 1e-4);
  scenario.completion_time_s.reset();  // never completes: the horizon sets f
  scenario.horizon_s = 96 * 3600;
  EXPECT_DOUBLE_EQ(twin_scale(scenario, twin, 90).time_factor, 96 * 3600 / 90.0);
  EXPECT_THROW(twin_scale(scenario, Report{}, 90), std::invalid_argument);
}

TEST(TwinScale, TheHostsCpuCapsTheRateFactorWhenItWouldBindFirst) {
  Report scenario, twin;
  scenario.completion_time_s = 72000;
  scenario.max_sustainable_rate_per_s = 10000;  // certificates/s the scenario sustains
  scenario.resources = {resource("hsm:dc1", "hsm", 20000), resource("db-writer", "db", 100000)};
  twin.resources = {resource("hsm:dc1", "hsm", 8400), resource("db-writer", "db", 8000)};
  TwinHost host;
  host.cores = 2, host.cpu_s_per_certificate = 0.02, host.utilisation_cap = 0.5;
  // At s, the twin sustains 10,000 s certificates/s at 0.02 CPU-s each: half of 2 cores allows 50/s.
  TwinScale k = twin_scale(scenario, twin, 90, host);
  EXPECT_EQ(k.set_by, "host-cpu");
  EXPECT_DOUBLE_EQ(k.rate_factor, 0.5 * 2 / (0.02 * 10000));
  EXPECT_DOUBLE_EQ(k.time_factor, 800);  // time is the scenario's completion over the run, as without
  // A host with room to spare leaves s to the parts (the writer's 0.08).
  host.cores = 64;
  k = twin_scale(scenario, twin, 90, host);
  EXPECT_EQ(k.set_by, "db-writer");
  EXPECT_DOUBLE_EQ(k.rate_factor, 0.08);
  // Without the scenario's sustained rate there is nothing to cap.
  scenario.max_sustainable_rate_per_s.reset();
  host.cores = 2;
  EXPECT_EQ(twin_scale(scenario, twin, 90, host).set_by, "db-writer");
}

TEST(TwinScale, AHostProfileGivesItsEraCpuCostOrItsLargestAndNamesWhatIsWrong) {
  const std::string file = ::testing::TempDir() + "/twin-host-" + std::to_string(::getpid()) + ".json";
  auto write = [&](const std::string& text) { std::ofstream(file) << text; };
  write(R"({"kind": "surge-twin-host", "cores": 2, "cpu_s_per_certificate": {"crl": 0.02, "seed-2021": 0.03}})");
  TwinHost h;
  EXPECT_EQ(read_twin_host(file, "crl", h), std::nullopt);
  EXPECT_DOUBLE_EQ(h.cpu_s_per_certificate, 0.02);
  EXPECT_DOUBLE_EQ(h.cores, 2);
  EXPECT_DOUBLE_EQ(h.utilisation_cap, 0.5);
  EXPECT_EQ(read_twin_host(file, "precert-2021", h), std::nullopt);
  EXPECT_DOUBLE_EQ(h.cpu_s_per_certificate, 0.03);  // no figure for the era: the largest
  write(R"({"kind": "surge-twin-host", "cores": 0, "cpu_s_per_certificate": {"crl": 0.02}})");
  EXPECT_EQ(read_twin_host(file, "crl", h), file + ": field 'cores' must be a number from 1 to 4096");
  write(R"({"kind": "surge-twin-host", "cores": 2, "cpu_s_per_certificate": {}})");
  EXPECT_EQ(read_twin_host(file, "crl", h),
            file + ": field 'cpu_s_per_certificate' must map eras to CPU seconds in (0, 10]");
  write(R"({"kind": "something else"})");
  EXPECT_EQ(read_twin_host(file, "crl", h), file + ": not a twin host profile (kind: surge-twin-host)");
  std::remove(file.c_str());
}

struct Twin {
  Scenario original;
  TwinScale k;
  Scenario twin;
  Report original_answer;
};

Twin twin_of(const std::string& name, double live_s) {
  Twin t;
  t.original = load_scenario(scenario_path(name));
  t.original_answer = analyze(t.original);
  const TwinParts parts = shipped_parts();
  const Report with_parts = analyze(load_scenario(scenario_path(name), part_overrides(t.original, parts)));
  t.k = twin_scale(t.original_answer, with_parts, live_s);
  t.twin = load_scenario(scenario_path(name), twin_overrides(t.original, parts, t.k));
  return t;
}

TEST(TwinScale, CrlShardsAreACountSoThatCrlSigningScalesWithTheRestAndStayAtLeastOne) {
  const Twin t = twin_of("le-2025-crl-era", 90);
  // Signatures per second are shards over the period: the period over f and the shards times s / f
  // give the scenario's rate times s; at least one shard publishes every revocation within a period.
  EXPECT_EQ(t.twin.workload.crl_shards, std::max(1.0, std::round(128 * t.k.count_factor())));
  EXPECT_NEAR(t.twin.workload.crl_period_s, t.original.workload.crl_period_s / t.k.time_factor, 1e-9);
}

TEST(TwinScale, TheTwinsTimelineIsTheScenariosDividedByTheTimeFactor) {
  const Twin t = twin_of("le-2021-hardware-one-dc", 90);
  const double f = t.k.time_factor;
  EXPECT_NEAR(t.twin.incident.decision_delay_s, t.original.incident.decision_delay_s / f, 1e-9);
  EXPECT_NEAR(t.twin.incident.deadline_s, t.original.incident.deadline_s / f, 1e-9);
  EXPECT_NEAR(t.twin.clients.retry_after_s, t.original.clients.retry_after_s / f, 1e-9);
  EXPECT_NEAR(t.twin.transfers[0].start_s, t.original.transfers[0].start_s / f, 1e-9);
  ASSERT_EQ(t.twin.failures.size(), t.original.failures.size());
  EXPECT_NEAR(t.twin.workload.certificates, std::round(t.original.workload.certificates * t.k.count_factor()), 0.5);
  EXPECT_EQ(t.twin.effective_cohort_size(), 1);
  // Every capacity times s: the HSM members at the scenario's rate times s, the curve the profile's.
  const double s = t.k.rate_factor;
  EXPECT_NEAR(t.twin.data_centers[0].hsm.signatures_per_s, t.original.data_centers[0].hsm.signatures_per_s * s,
              1e-9 * t.original.data_centers[0].hsm.signatures_per_s);
  EXPECT_NE(t.twin.data_centers[0].hsm.source.find("profile"), std::string::npos) << t.twin.data_centers[0].hsm.source;
  EXPECT_NEAR(t.twin.wan[0].bandwidth_Bps, t.original.wan[0].bandwidth_Bps * s, 1e-6 * t.original.wan[0].bandwidth_Bps);
}

// The scaling law: with every capacity times s, every count times s / f and every duration over f, each
// resource's work over its capacity is the scenario's in scaled time, so the answer's times are the
// scenario's over f and the bottleneck is the same.
TEST(TwinScale, TheTwinsAnswerIsTheScenariosWithItsTimesDividedByTheTimeFactor) {
  for (const std::string name : {"le-2021-hardware-one-dc", "calibrated-2core-vm-one-dc", "ct-log-outage",
                                 "client-classes-one-dc", "le-2025-crl-era", "le-2021-ocsp-era-one-dc"}) {
    const Twin t = twin_of(name, 90);
    const Report twin = analyze(t.twin);
    if (t.original_answer.completion_time_s) {
      ASSERT_TRUE(twin.completion_time_s.has_value()) << name;
      // The twin completes in about the live run's span (f was chosen so).
      EXPECT_NEAR(*twin.completion_time_s, 90, 0.02 * 90) << name;
      EXPECT_NEAR(*twin.completion_time_s * t.k.time_factor, *t.original_answer.completion_time_s,
                  0.02 * *t.original_answer.completion_time_s)
          << name;
    } else {  // some clients never ask within the horizon: the horizon lasts the live run
      EXPECT_FALSE(twin.completion_time_s.has_value()) << name;
      EXPECT_NEAR(t.twin.incident.horizon_s, 90, 1e-9) << name;
    }
    EXPECT_EQ(twin.bottleneck, t.original_answer.bottleneck) << name;
    EXPECT_EQ(twin.deadline_met, t.original_answer.deadline_met) << name;
    EXPECT_NEAR(twin.replaced_by_deadline / twin.certificates,
                t.original_answer.replaced_by_deadline / t.original_answer.certificates, 0.02)
        << name;
  }
}

TEST(TwinScale, StagedBatchesAreEnabledAtTheirTimesOverTheTimeFactor) {
  const Twin t = twin_of("staged-batches", 90);  // written as count and every; the twin writes the list
  ASSERT_EQ(t.twin.incident.batches.size(), t.original.incident.batches.size());
  for (size_t i = 0; i < t.twin.incident.batches.size(); ++i) {
    EXPECT_EQ(t.twin.incident.batches[i].share, t.original.incident.batches[i].share);
    EXPECT_NEAR(t.twin.incident.batches[i].enabled_s, t.original.incident.batches[i].enabled_s / t.k.time_factor, 1e-9);
  }
  const Report twin = analyze(t.twin);
  ASSERT_TRUE(twin.completion_time_s && t.original_answer.completion_time_s);
  EXPECT_NEAR(*twin.completion_time_s * t.k.time_factor, *t.original_answer.completion_time_s,
              0.02 * *t.original_answer.completion_time_s);
  EXPECT_EQ(twin.bottleneck, t.original_answer.bottleneck);
}

}  // namespace
}  // namespace surge
