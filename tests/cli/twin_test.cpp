// `surge twin --predict-only` (issue 18): the twin scenario and the prediction written before
// any live run, checked against the scaling law (models/twin_scale) and against `surge run` of the file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "models/analytic.hpp"
#include "models/scenario_parser.hpp"
#include "models/twin_compare.hpp"
#include "tests/command_result.hpp"

namespace {

namespace fs = std::filesystem;
using surge::testing::run_command;

std::string scenario(const std::string& name) {
  return std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

fs::path fresh_dir(const std::string& tag) {
  const fs::path d = fs::temp_directory_path() / ("surge-twin-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

surge::testing::CommandResult twin(const std::string& args) {
  return run_command(std::string(SURGE_CLI) + " twin " + args);
}

TEST(Twin, PredictOnlyWritesTheTwinScenarioAndThePredictionMadeFromIt) {
  const fs::path dir = fresh_dir("predict");
  const auto r =
      twin(scenario("le-2021-hardware-one-dc") + " --out " + dir.string() + " --predict-only --duration 60s");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(dir / "prediction.json");
  const nlohmann::json p = nlohmann::json::parse(in);
  // f makes the scenario's completion last the 60 s asked for; counts are scaled by s / f.
  const surge::Scenario original = surge::load_scenario(scenario("le-2021-hardware-one-dc"));
  const surge::Report answer = surge::analyze(original);
  const double f = p["scale"]["time_factor"].get<double>(), s = p["scale"]["rate_factor"].get<double>();
  EXPECT_NEAR(f, *answer.completion_time_s / 60, 1e-9 * f);
  const surge::Scenario t = surge::load_scenario((dir / "twin-scenario.yaml").string());
  EXPECT_EQ(t.time_scale, f);
  EXPECT_EQ(t.workload.certificates, std::round(original.workload.certificates * s / f));
  EXPECT_NEAR(t.incident.deadline_s, original.incident.deadline_s / f, 1e-9);
  // Both answers of the prediction: done in about 60 s, the scenario's bottleneck named.
  for (const char* mode : {"analytic", "simulated"}) {
    EXPECT_NEAR(p[mode]["completion_time_s"].get<double>(), 60, 0.05 * 60) << mode;
    EXPECT_EQ(p[mode]["bottleneck"].get<std::vector<std::string>>(), answer.bottleneck) << mode;
  }
  // The simulated prediction is `surge run` of the file written (same seed, same numbers).
  const auto run =
      run_command(std::string(SURGE_CLI) + " run " + (dir / "twin-scenario.yaml").string() + " --json --quiet");
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out)["completion_time_s"], p["simulated"]["completion_time_s"]);
  EXPECT_FALSE(p["made_at"].get<std::string>().empty());
  // The predicted replaced-over-time curve, sampled every 60 s of the scenario's time (60 / f of the
  // twin's), reaches every certificate when the simulated prediction completes.
  const surge::CumulativeCurve replaced{p["predicted_curves"]["t_s"].get<std::vector<double>>(),
                                        p["predicted_curves"]["replaced"].get<std::vector<double>>()};
  ASSERT_GE(replaced.t_s.size(), 2u);
  const double step = replaced.t_s[1] - replaced.t_s[0];
  EXPECT_NEAR(step, 60 / f, 1e-9 * step);
  EXPECT_NEAR(replaced.count.back(), t.workload.certificates, 0.5);
  EXPECT_NEAR(*surge::time_to_reach(replaced, t.workload.certificates, 0.5),
              p["simulated"]["completion_time_s"].get<double>(), step);
  fs::remove_all(dir);
}

TEST(Twin, BadInputIsRefusedWithCodeTwoAndWritesNothing) {
  const fs::path dir = fresh_dir("bad");
  const std::string base = scenario("le-2021-hardware-one-dc") + " --out " + dir.string();
  auto r = twin(base + " --predict-only --duration 5s");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--duration '5s' must be a duration from 10s to 10min"), std::string::npos) << r.err;
  r = twin(scenario("le-2021-hardware-one-dc") + " --out " + dir.string() + " --predict-only --hsm-profile " +
           (dir / "missing.json").string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing.json"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir)) << "a refused twin created its folder";
  fs::remove_all(dir);
}

TEST(Twin, RegimesAllPredictsEveryShippedTwinScenarioInItsOwnFolder) {
  const fs::path dir = fresh_dir("regimes");
  auto r = twin("--regimes all --out " + dir.string() + " --predict-only --duration 10s");
  ASSERT_EQ(r.code, 0) << r.err;
  int regimes = 0;
  for (const auto& e : fs::directory_iterator(std::string(SURGE_SOURCE_DIR) + "/scenarios")) {
    const std::string stem = e.path().stem().string();
    if (e.path().extension() != ".yaml" || stem.rfind("twin-", 0) != 0) continue;
    ++regimes;
    const fs::path folder = dir / stem.substr(5);
    std::ifstream in(folder / "prediction.json");
    ASSERT_TRUE(in) << folder;
    const nlohmann::json p = nlohmann::json::parse(in);
    // Each regime's prediction is of its own scenario, and its bottleneck is the one the regime is named
    // for: db-* the writer; hsm-* the HSMs, and two-dc those of dc1, which issues alone once dc2 is cut off.
    EXPECT_EQ(p["scenario"].get<std::string>(), fs::absolute(e.path()).string());
    const auto bottleneck = p["simulated"]["bottleneck"].get<std::vector<std::string>>();
    ASSERT_EQ(bottleneck.size(), 1u) << stem;
    EXPECT_EQ(bottleneck[0].substr(0, 2), stem.rfind("twin-db", 0) == 0 ? "db" : "hs") << stem;
    if (stem == "twin-two-dc") EXPECT_EQ(bottleneck[0], "hsm:dc1");
  }
  EXPECT_GE(regimes, 4);
  r = twin("--regimes no-such --out " + dir.string() + " --predict-only");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no regime 'no-such'"), std::string::npos) << r.err;
  r = twin(scenario("le-2021-hardware-one-dc") + " --regimes all --out " + dir.string() + " --predict-only");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not both"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(Twin, APredictionWhoseSimulationFailsWritesNothing) {
  const fs::path dir = fresh_dir("failed");
  // surge run hands the command to $SURGE_SIM: a shell that cannot open a script called "run" exits 2.
  const auto r = run_command("SURGE_SIM=/bin/sh " + std::string(SURGE_CLI) + " twin " +
                             scenario("le-2021-hardware-one-dc") + " --out " + dir.string() + " --predict-only");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("the prediction's simulation failed (exit code 2)"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir)) << "a failed prediction left its folder";
}

}  // namespace
