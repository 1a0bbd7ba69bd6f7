// The `surge` command line: exit codes, error text, outputs written whole or not at all.
#include <elf.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "models/scenario_parser.hpp"
#include "tests/command_result.hpp"

namespace {

namespace fs = std::filesystem;

using Result = surge::testing::CommandResult;

// Runs the CLI with arguments (shell-quoted by the caller), capturing stdout and stderr.
Result surge(const std::string& args) {
  return surge::testing::run_command(std::string(SURGE_CLI) + " " + args);
}

// ... with environment settings before it ("NAME=value ...").
Result surge_with_env(const std::string& env, const std::string& args) {
  return surge::testing::run_command(env + " " + std::string(SURGE_CLI) + " " + args);
}

std::string scenario(const std::string& name) {
  return std::string(SURGE_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

fs::path temp_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("surge-cli-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

const std::string kSmall = " --set workload.certificates=2M --quiet";

TEST(Cli, CheckAcceptsEveryShippedScenario) {
  for (const auto& entry : fs::directory_iterator(std::string(SURGE_SOURCE_DIR) + "/scenarios")) {
    // Sweep files (*.sweep.yaml) live beside the scenarios but are no scenarios.
    if (entry.path().extension() != ".yaml" || entry.path().string().ends_with(".sweep.yaml")) continue;
    const Result r = surge("check " + entry.path().string());
    EXPECT_EQ(r.code, 0) << entry.path() << "\n" << r.err;
  }
}

TEST(Cli, BadInputIsExitCodeTwoWithFileLineAndColumn) {
  const fs::path dir = temp_dir("bad");
  fs::create_directories(dir);
  std::string text;
  {
    std::ifstream in(scenario("le-2021-hardware-one-dc"));
    std::stringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  const std::string needle = "deadline: 24h";
  const size_t at = text.find(needle);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, needle.size(), "deadline: 24 hours");
  const fs::path file = dir / "bad.yaml";
  std::ofstream(file) << text;
  int line = 1;
  for (size_t i = 0; i < at; ++i) line += text[i] == '\n';
  const size_t col = text.find("hours", at) - text.rfind('\n', at);  // 1-based column of the unit

  const Result check = surge("check " + file.string());
  EXPECT_EQ(check.code, 2);
  const std::string expected_head = file.string() + ":" + std::to_string(line) + ":" + std::to_string(col) +
                                    ": 'deadline': unknown unit 'hours'; expected a duration with a unit (us, ms, s, "
                                    "min, h, d, day), such as 6h or 90s\n";
  EXPECT_EQ(check.err.substr(0, expected_head.size()), expected_head) << check.err;

  // run refuses it the same way, and writes no output directory.
  const fs::path out = dir / "out";
  const Result run = surge("run " + file.string() + " --out " + out.string());
  EXPECT_EQ(run.code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_FALSE(fs::exists(out));
  fs::remove_all(dir);
}

TEST(Cli, OverridesAreValidatedLikeTheFile) {
  const Result r = surge("run " + scenario("le-2021-hardware-one-dc") + " --set incident.deadline=3h --quiet");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "--set incident.deadline=3h: deadline (3h) is not after the decision (4h)\n");
  EXPECT_EQ(surge("run " + scenario("le-2021-hardware-one-dc") + " --set nonsense --quiet").code, 2);
  EXPECT_EQ(surge("run /nonexistent/x.yaml --quiet").code, 2);
  EXPECT_EQ(surge("run " + scenario("le-2021-hardware-one-dc") + " --progress=sometimes").code, 2);
}

TEST(Cli, JsonSummaryHoldsTheDocumentedFields) {
  const Result r = surge("run " + scenario("le-2021-hardware-one-dc") + kSmall + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  for (const char* key : {"deadline_met", "completion_time_s", "revocation_complete_s", "replaced_by_deadline",
                          "not_replaced_by_deadline", "revoked_before_replaced", "time_to_replace_s", "bottleneck",
                          "utilisation", "signatures", "scenario", "seed", "surge_version"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_TRUE(j["deadline_met"].is_boolean());
  EXPECT_EQ(j["scenario"], "le-2021-hardware-one-dc");
  EXPECT_EQ(j["replaced_by_deadline"].get<double>() + j["not_replaced_by_deadline"].get<double>(), 2e6);
  EXPECT_TRUE(j["utilisation"]["hsm:dc1"].contains("mean"));
  EXPECT_TRUE(j["utilisation"]["hsm:dc1"].contains("peak"));
}

TEST(Cli, OutWritesSummaryAndTimeSeriesWithNoTemporaryFilesLeft) {
  const fs::path out = temp_dir("out");
  const Result r = surge("run " + scenario("le-2021-hardware-one-dc") + kSmall + " --out " + out.string());
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(out)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"series.csv", "summary.json", "summary.txt"}));
  std::ifstream csv(out / "series.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("t_s,arrived,replaced,revoked,revoked_before_replaced,util:hsm:dc1,", 0), 0u) << header;
  int rows = 0;
  for (std::string line; std::getline(csv, line);) ++rows;
  EXPECT_GT(rows, 10);
  fs::remove_all(out);
}

TEST(Cli, FailOnMissExitsOneOnlyWhenAsked) {
  const std::string old = "run " + scenario("le-2020-hardware-one-dc") + kSmall + " --set incident.deadline=5h";
  EXPECT_EQ(surge(old).code, 0);
  EXPECT_EQ(surge(old + " --fail-on-miss").code, 1);
}

TEST(Cli, ProgressAsJsonLinesForPrograms) {
  const Result r =
      surge("run " + scenario("le-2021-hardware-one-dc") + " --set workload.certificates=2M --progress=jsonl");
  ASSERT_EQ(r.code, 0);
  std::istringstream lines(r.err);
  std::string first;
  std::getline(lines, first);
  const nlohmann::json j = nlohmann::json::parse(first);
  EXPECT_TRUE(j.contains("t_s") && j.contains("eta_s") && j.contains("replaced"));
}

TEST(Cli, AnalyzeAnswersWithoutSimulating) {
  const Result text = surge("analyze " + scenario("le-2021-hardware-one-dc"));
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("(analytic, fluid model"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("the deadline is met for decisions up to"), std::string::npos);
  const Result json = surge("analyze " + scenario("le-2020-hardware-one-dc") + " --json --headroom 0.5");
  ASSERT_EQ(json.code, 0) << json.err;
  const nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["mode"], "analytic");
  EXPECT_FALSE(j["deadline_met"].get<bool>());
  EXPECT_TRUE(j["latest_decision_s"].is_null());
  EXPECT_DOUBLE_EQ(j["headroom"].get<double>(), 0.5);
  EXPECT_TRUE(j["resources"][0].contains("needed_capacity"));
  EXPECT_EQ(surge("analyze " + scenario("le-2021-hardware-one-dc") + " --set incident.deadline=1h").code, 2);
}

TEST(Cli, CompareAnalyticPrintsBothSideBySide) {
  const Result r = surge("run " + scenario("le-2021-hardware-one-dc") + kSmall + " --compare-analytic");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("simulated"), std::string::npos);
  EXPECT_NE(r.out.find("analytic"), std::string::npos);
  EXPECT_NE(r.out.find("last replacement"), std::string::npos);
  const Result j = surge("run " + scenario("le-2021-hardware-one-dc") + kSmall + " --compare-analytic --json");
  const nlohmann::json both = nlohmann::json::parse(j.out);
  EXPECT_EQ(both["simulated"]["mode"], "simulated");
  EXPECT_EQ(both["analytic"]["mode"], "analytic");
}

TEST(Cli, ReplicationsReportMeansWithConfidenceIntervals) {
  const Result r = surge("run " + scenario("le-2021-hardware-one-dc") + kSmall +
                         " --set clients.clustering.share=0.3 --replications 3 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["replications"], 3);
  ASSERT_EQ(j["runs"].size(), 3u);
  const nlohmann::json& c = j["summary"]["completion_time_s"];
  EXPECT_EQ(c["n"], 3);
  double sum = 0;
  for (const auto& run : j["runs"]) sum += run["completion_time_s"].get<double>();
  EXPECT_NEAR(c["mean"].get<double>(), sum / 3, 1e-6);
  EXPECT_GT(c["ci95"].get<double>(), 0);
  EXPECT_NE(j["runs"][0]["seed"], j["runs"][1]["seed"]);  // independent streams
  const Result text = surge("run " + scenario("le-2021-hardware-one-dc") + kSmall + " --replications 2");
  EXPECT_NE(text.out.find("2 replications, means with 95% confidence intervals"), std::string::npos) << text.out;
}

TEST(Cli, AnUnknownCommandIsNamedWithTheListAndExitCodeTwo) {
  for (const std::string& args : {"teleport " + scenario("le-2021-hardware-one-dc"), std::string("teleport --help")}) {
    const Result r = surge(args);
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_EQ(r.out, "") << args;  // no main help on stdout
    EXPECT_EQ(r.err.rfind("surge: unknown command 'teleport'; the commands are:\n", 0), 0u) << r.err;
    for (const char* command : {"\n  run ", "\n  analyze ", "\n  check ", "\n  sweep ", "\n  twin ", "\n  plot "})
      EXPECT_NE(r.err.find(command), std::string::npos) << command << " in\n" << r.err;
  }
}

TEST(Cli, NoCommandListsTheCommandsWithExitCodeTwo) {
  const Result r = surge("");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("surge: a command is required; the commands are:\n", 0), 0u) << r.err;
  for (const char* command : {"\n  run ", "\n  analyze ", "\n  check ", "\n  sweep "})
    EXPECT_NE(r.err.find(command), std::string::npos) << command << " in\n" << r.err;
}

TEST(Cli, AnUnknownCalibrateCommandIsExitCodeTwo) {
  // surge hands `calibrate` to surge-calibrate, which lists hsm and db and names 'nope' (exit 2, the same
  // code path as every unknown command: tests/cli/unknown_command_test.cpp). Without SURGE_BUILD_REAL there
  // is no surge-calibrate, and surge says so (exit 3).
  const Result r = surge("calibrate nope");
  if (r.err.find("surge-calibrate is not built") != std::string::npos) {
    EXPECT_EQ(r.code, 3) << r.err;
  } else {
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("surge calibrate: unknown command 'nope'", 0), 0u) << r.err;
  }
}

TEST(Cli, TheTextReportShowsAMillisecondQueueWaitInMilliseconds) {
  // data/fixtures/queue-hsm.yaml as an M/M/2 queue: 2 sessions at 1,000 jobs/s each, Poisson arrivals at
  // 1,800/s (90% load). Erlang C: C(2, 1.8) = 16.2 / 19, Wq = C / (2,000 - 1,800) s = 81/19 ms = 4.26 ms.
  // One run (fixed seed) writes both summaries; the text must show the JSON's wait in ms, not "0.00 s".
  const fs::path dir = temp_dir("wait");
  const Result r = surge("run " + std::string(SURGE_SOURCE_DIR) + "/data/fixtures/queue-hsm.yaml" +
                         " --set service_times.hsm.distribution=exponential --set data_centers.dc1.hsm.sessions=2"
                         " --set data_centers.dc1.hsm.signatures_per_s=2000/s --set clients.background_issuance=1800/s"
                         " --set warm_up=30s --set incident.deadline=2min --set incident.horizon=3min --quiet --out " +
                         dir.string());
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream json_file(dir / "summary.json"), text_file(dir / "summary.txt");
  const nlohmann::json j = nlohmann::json::parse(json_file);
  std::stringstream text;
  text << text_file.rdbuf();
  ASSERT_EQ(j["resources"][0]["name"], "hsm:dc1");
  const double wait_s = j["resources"][0]["mean_wait_s"].get<double>();  // JSON stays SI
  // Between 1 and 10 ms (Erlang C: 4.26 ms), so the text writes it as X.XX ms.
  ASSERT_GT(wait_s, 1e-3);
  ASSERT_LT(wait_s, 10e-3);
  char expected[32];
  std::snprintf(expected, sizeof expected, "   %.2f ms ", wait_s * 1e3);
  const std::string row = text.str().substr(text.str().find("\nhsm:dc1 "));
  EXPECT_NE(row.substr(0, row.find('\n', 1)).find(expected), std::string::npos) << expected << " in\n" << text.str();
  EXPECT_NE(row.find("2.00k signatures/s"), std::string::npos) << text.str();
  fs::remove_all(dir);
}

// Each station file logs under a category of its own name, a child of surge_sim: the parent's
// threshold shows them all, a station's shows only its own. The times are the scenario's: dc1 fails at
// its `at`, and the replica in dc2 is writer after the promotion delay.
TEST(Cli, LogCategoriesAreNamedAfterTheStationFiles) {
  const std::string file = scenario("le-2021-hardware-writer-dc-down");
  const surge::Scenario s = surge::load_scenario(file);
  ASSERT_EQ(s.failures.size(), 1u);
  const double promoted_s = s.failures[0].at_s + s.incident.db_promotion_delay_s;
  const std::string small = " --set workload.certificates=20k --quiet ";
  auto stamp = [](double t) {
    char text[64];
    std::snprintf(text, sizeof text, " %.6f] ", t);
    return std::string(text);
  };
  const Result all = surge("run --log surge_sim.thres:info" + small + file);
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_NE(all.err.find(stamp(s.failures[0].at_s) + "[failures/INFO] failure: dc1"), std::string::npos) << all.err;
  EXPECT_NE(all.err.find(stamp(promoted_s) + "[db_station/INFO] replica dc2/"), std::string::npos) << all.err;
  const Result db = surge("run --log db_station.thres:info" + small + file);
  ASSERT_EQ(db.code, 0) << db.err;
  EXPECT_NE(db.err.find("[db_station/INFO]"), std::string::npos) << db.err;
  EXPECT_EQ(db.err.find("[failures/INFO]"), std::string::npos) << db.err;
}

// The dynamic loader's record (LD_DEBUG=libs) of the libraries a command's processes open: surge, and
// surge-sim when surge hands it `run`.
std::string libraries_opened(const std::string& args) {
  return surge_with_env("LD_DEBUG=libs", args).err;
}

TEST(Cli, CommandsThatDoNotSimulateNeverLoadSimGrid) {
  const std::string file = scenario("le-2021-hardware-one-dc");
  for (const std::string& args :
       std::vector<std::string>{"check " + file, "analyze " + file, "--help", "--version", "analyze --help"}) {
    const std::string opened = libraries_opened(args);
#if !defined(SURGE_STATIC_CLI_LINKED)  // a static surge opens no library (the next test)
    EXPECT_NE(opened.find("libyaml-cpp"), std::string::npos) << args << ": the loader's record is read:\n" << opened;
#endif
    EXPECT_EQ(opened.find("libsimgrid"), std::string::npos) << args << " loaded SimGrid";
    EXPECT_EQ(opened.find("libcrypto"), std::string::npos) << args << " loaded OpenSSL";
    EXPECT_EQ(opened.find("libmariadb"), std::string::npos) << args << " loaded the MariaDB client";
  }
  // The one command that simulates does load it (in surge-sim).
  const std::string run = libraries_opened("run --quiet --set workload.certificates=20k " + file);
  EXPECT_NE(run.find("libsimgrid"), std::string::npos) << run;
}

// Whether an ELF program names a dynamic loader (a PT_INTERP header); a static program does not.
bool names_a_loader(const fs::path& program) {
  std::ifstream in(program, std::ios::binary);
  Elf64_Ehdr elf{};
  in.read(reinterpret_cast<char*>(&elf), sizeof elf);
  EXPECT_TRUE(in && std::memcmp(elf.e_ident, ELFMAG, SELFMAG) == 0) << program << " is not an ELF file";
  for (int i = 0; i < elf.e_phnum; ++i) {
    Elf64_Phdr header{};
    in.seekg(static_cast<std::streamoff>(elf.e_phoff + static_cast<uint64_t>(i) * elf.e_phentsize));
    in.read(reinterpret_cast<char*>(&header), sizeof header);
    if (header.p_type == PT_INTERP) return true;
  }
  return false;
}

// Whether a file holds the bytes of a symbol's name (a library linked into it, or a reference to one).
bool holds(const fs::path& file, const std::string& name) {
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(name) != std::string::npos;
}

#if defined(SURGE_STATIC_CLI_LINKED)
TEST(Cli, SurgeIsStaticAndHoldsNeitherTheSimulatorNorTheRealMode) {
  const fs::path surge_program(SURGE_CLI), sim_program = fs::path(SURGE_CLI).parent_path() / "surge-sim";
  EXPECT_FALSE(names_a_loader(surge_program)) << "surge is linked dynamically";
  EXPECT_TRUE(names_a_loader(sim_program)) << "surge-sim is linked dynamically (SimGrid is a shared library)";
  EXPECT_TRUE(holds(sim_program, "_ZN7simgrid")) << "surge-sim refers to SimGrid's symbols";
  for (const char* symbol : {"_ZN7simgrid", "OPENSSL_init_crypto", "mysql_real_connect", "C_GetFunctionList"})
    EXPECT_FALSE(holds(surge_program, symbol)) << "surge holds " << symbol;
}
#endif

TEST(Cli, HelpExplainsEveryRunOption) {
  const Result r = surge("run --help");
  EXPECT_EQ(r.code, 0);
  for (const char* opt : {"--set", "--seed", "--json", "--out", "--progress", "--quiet", "--fail-on-miss", "--log",
                          "--compare-analytic", "--replications", "--parallel"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

}  // namespace
