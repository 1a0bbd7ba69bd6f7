// `surge sweep`: every point a `surge run` child; rows equal individual runs, an interrupted sweep resumes
// without recomputing, a point whose child aborts is recorded with its error while the others complete,
// more replications are added on a rerun, and a directory of another sweep is refused.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "models/statistics.hpp"
#include "tests/command_result.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using surge::testing::run_command;

constexpr double kStudentT975_df1 = 12.706204736;  // 97.5% quantile of Student's t, 1 degree of freedom

fs::path temp_dir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("surge-sweep-" + tag + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A small sweep over a shipped base: 2 decision delays x 2 HSM counts, small and fast (cohorts of 20,000).
fs::path write_sweep(const fs::path& dir, int replications, const std::string& extra_values = "") {
  const fs::path file = dir / "small.sweep.yaml";
  std::ofstream(file) << "schema: 1\nname: small\nquestion: \"test\"\n"
                      << "base: " << SURGE_SOURCE_DIR << "/scenarios/le-2021-hardware-one-dc.yaml\n"
                      << "seed: 11\nreplications: " << replications << "\n"
                      << "set: {workload.certificates: 2M, workload.cohort_size: 20000}\n"
                      << "metrics: [completion_time_s, deadline_met, signatures, classes.ari.time_to_replace_s.p99]\n"
                      << "parameters:\n"
                      << "  - {path: incident.decision_delay, values: [0h, 2h" << extra_values << "]}\n"
                      << "  - {path: data_centers.dc1.hsm.count, values: [1, 2]}\n";
  return file;
}

std::string sweep_cmd(const fs::path& file, const fs::path& out, const std::string& more = "") {
  return std::string(SURGE_CLI) + " sweep " + file.string() + " --out " + out.string() + " --quiet " + more;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Rows of a query on the results database, each column as text ("" for NULL).
std::vector<std::vector<std::string>> query(const fs::path& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);  // the sweep may be writing: wait for its lock, as any reader would
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::vector<std::string>> rows;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* t = sqlite3_column_text(st, c);
      if (sqlite3_column_type(st, c) == SQLITE_FLOAT) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, c));
        row.push_back(buf);
      } else {
        row.push_back(t ? reinterpret_cast<const char*>(t) : "");
      }
    }
    rows.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rows;
}

// Runs stored while the sweep is still writing: 0 until its tables exist; never a test failure on its own.
size_t runs_stored_so_far(const fs::path& db_path) {
  sqlite3* db = nullptr;
  size_t n = 0;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 10000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM runs", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = static_cast<size_t>(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

// CSV rows as maps by header.
std::vector<std::map<std::string, std::string>> csv_rows(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream h(line);
  for (std::string c; std::getline(h, c, ',');) header.push_back(c);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::map<std::string, std::string> row;
    std::stringstream cells(line);
    std::string c;
    for (size_t i = 0; i < header.size(); ++i) {
      std::getline(cells, c, ',');
      row[header[i]] = c;
      c.clear();
    }
    rows.push_back(row);
  }
  return rows;
}

TEST(Sweep, RowsEqualIndividualRunsOfTheSamePointsAndSeeds) {
  const fs::path dir = temp_dir("grid");
  const fs::path file = write_sweep(dir, 2);
  const auto r = run_command(sweep_cmd(file, dir / "out", "-j 2"));
  ASSERT_EQ(r.code, 0) << r.err;
  const auto rows = csv_rows(dir / "out" / "results.csv");
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) {
    // The same point run by hand, replication by replication, with the seeds the sweep documents.
    std::vector<double> completion, ari_p99;  // a top-level figure, and a class's (classes.NAME.FIELD)
    for (int rep = 0; rep < 2; ++rep) {
      const auto one = run_command(std::string(SURGE_CLI) + " run " + SURGE_SOURCE_DIR +
                                   "/scenarios/le-2021-hardware-one-dc.yaml --set workload.certificates=2M --set "
                                   "workload.cohort_size=20000 --set incident.decision_delay=" +
                                   row.at("incident.decision_delay") +
                                   " --set data_centers.dc1.hsm.count=" + row.at("data_centers.dc1.hsm.count") +
                                   " --seed " + std::to_string(surge::replication_seed(11, rep)) + " --json --quiet");
      ASSERT_EQ(one.code, 0) << one.err;
      const nlohmann::json report = nlohmann::json::parse(one.out);
      completion.push_back(report["completion_time_s"].get<double>());
      for (const auto& c : report["classes"])
        if (c["name"] == "ari") ari_p99.push_back(c["time_to_replace_s"]["p99"].get<double>());
    }
    ASSERT_EQ(ari_p99.size(), 2u);
    EXPECT_DOUBLE_EQ(std::stod(row.at("classes.ari.time_to_replace_s.p99_mean")), (ari_p99[0] + ari_p99[1]) / 2);
    const double mean = (completion[0] + completion[1]) / 2;
    const double half_width = kStudentT975_df1 * std::abs(completion[0] - completion[1]) / 2;
    EXPECT_DOUBLE_EQ(std::stod(row.at("completion_time_s_mean")), mean);
    if (half_width > 0) {
      EXPECT_NEAR(std::stod(row.at("completion_time_s_ci95")), half_width, 1e-9 * mean);
    }
    EXPECT_EQ(row.at("replications"), "2");
    EXPECT_EQ(row.at("failed"), "0");
    // The database holds the same figure for the same parameters.
    const auto db = query(dir / "out" / "results.sqlite",
                          "SELECT \"completion_time_s_mean\" FROM points WHERE \"incident.decision_delay\" = '" +
                              row.at("incident.decision_delay") + "' AND \"data_centers.dc1.hsm.count\" = '" +
                              row.at("data_centers.dc1.hsm.count") + "'");
    ASSERT_EQ(db.size(), 1u);
    EXPECT_DOUBLE_EQ(std::stod(db[0][0]), mean);
  }
  // A later decision finishes later (the rows are keyed by the parameters, in the sweep's order).
  EXPECT_LT(std::stod(rows[0].at("completion_time_s_mean")), std::stod(rows[2].at("completion_time_s_mean")));
  fs::remove_all(dir);
}

TEST(Sweep, AnInterruptedSweepResumesWithoutRecomputingAndEndsAsAnUninterruptedOne) {
  const fs::path dir = temp_dir("resume");
  const fs::path file = write_sweep(dir, 3, ", 4h, 6h");  // 4 x 2 points x 3 replications = 24 runs
  const auto whole = run_command(sweep_cmd(file, dir / "whole", "-j 2"));
  ASSERT_EQ(whole.code, 0) << whole.err;

  // Start it again elsewhere, in its own process group, and kill it (and its children) mid-way.
  const std::string cmd = sweep_cmd(file, dir / "cut", "-j 1");
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, &attr, const_cast<char**>(argv), environ), 0);
  posix_spawnattr_destroy(&attr);
  const fs::path db = dir / "cut" / "results.sqlite";
  size_t stored = 0;
  // A generous bound (10 min): on a loaded machine the first runs take long; the kill only needs 5 stored.
  for (int i = 0; i < 30000 && stored < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (fs::exists(db)) stored = runs_stored_so_far(db);
  }
  ::kill(-pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  const size_t before = std::stoul(query(db, "SELECT count(*) FROM runs")[0][0]);
  ASSERT_GE(before, 5u);
  ASSERT_LT(before, 24u) << "the sweep finished before it could be interrupted";

  const auto rest = run_command(sweep_cmd(file, dir / "cut", "-j 2"));
  ASSERT_EQ(rest.code, 0) << rest.err;
  // Only the missing runs ran: the summary line says how many were stored before.
  EXPECT_NE(
      rest.out.find(std::to_string(24 - before) + " runs (0 failed), " + std::to_string(before) + " stored before"),
      std::string::npos)
      << rest.out;
  EXPECT_EQ(read(dir / "cut" / "results.csv"), read(dir / "whole" / "results.csv"));
  EXPECT_EQ(query(dir / "cut" / "results.sqlite", "SELECT * FROM points ORDER BY point_key"),
            query(dir / "whole" / "results.sqlite", "SELECT * FROM points ORDER BY point_key"));
  fs::remove_all(dir);
}

TEST(Sweep, APointWhoseChildAbortsIsRecordedAsFailedAndTheOthersComplete) {
  const fs::path dir = temp_dir("abort");
  const fs::path file = write_sweep(dir, 1);
  // A wrapper around the real surge that aborts (SIGABRT, as SimGrid does on a fatal error) at one point.
  const fs::path wrapper = dir / "aborting-surge.sh";
  std::ofstream(wrapper) << "#!/bin/sh\ncase \"$*\" in *decision_delay=2h*hsm.count=1*) kill -ABRT $$ ;; esac\n"
                         << "exec " << SURGE_CLI << " \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  const auto r = run_command("SURGE_SWEEP_CHILD=" + wrapper.string() + " " + sweep_cmd(file, dir / "out", "-j 2"));
  EXPECT_EQ(r.code, 3) << r.err;
  const auto failed =
      query(dir / "out" / "results.sqlite",
            "SELECT \"incident.decision_delay\", \"data_centers.dc1.hsm.count\", error FROM points WHERE failed > 0");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0][0], "2h");
  EXPECT_EQ(failed[0][1], "1");
  EXPECT_EQ(failed[0][2].rfind("killed by signal 6 (Aborted)", 0), 0u) << failed[0][2];
  const auto ok =
      query(dir / "out" / "results.sqlite",
            "SELECT count(*) FROM points WHERE failed = 0 AND replications = 1 AND completion_time_s_mean IS NOT NULL");
  EXPECT_EQ(ok[0][0], "3");
  fs::remove_all(dir);
}

TEST(Sweep, ARerunWithMoreReplicationsRunsOnlyTheNewOnes) {
  const fs::path dir = temp_dir("more");
  ASSERT_EQ(run_command(sweep_cmd(write_sweep(dir, 1), dir / "out", "-j 2")).code, 0);
  const auto more = run_command(sweep_cmd(write_sweep(dir, 2), dir / "out", "-j 2"));
  ASSERT_EQ(more.code, 0) << more.err;
  EXPECT_NE(more.out.find("4 runs (0 failed), 4 stored before"), std::string::npos) << more.out;
  for (const auto& row : csv_rows(dir / "out" / "results.csv")) EXPECT_EQ(row.at("replications"), "2");
  // The same command again does nothing.
  const auto again = run_command(sweep_cmd(write_sweep(dir, 2), dir / "out"));
  EXPECT_NE(again.out.find("0 runs (0 failed), 8 stored before"), std::string::npos) << again.out;
  fs::remove_all(dir);
}

TEST(Sweep, RefusesADirectoryHoldingAnotherSweepsResults) {
  const fs::path dir = temp_dir("other");
  ASSERT_EQ(run_command(sweep_cmd(write_sweep(dir, 1), dir / "out")).code, 0);
  const fs::path other = dir / "other.sweep.yaml";
  std::ofstream(other) << "schema: 1\nname: other\nquestion: \"test\"\nbase: " << SURGE_SOURCE_DIR
                       << "/scenarios/le-2021-hardware-one-dc.yaml\nset: {workload.certificates: 2M}\n"
                       << "parameters:\n  - {path: incident.deadline, values: [20h]}\n";
  const auto r = run_command(sweep_cmd(other, dir / "out"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("holds the results of another sweep"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

// The backlog: 200M x 3 signatures waiting at t = 0 (every client polls within a minute of a
// decision at 0), one HSM, deadline 24 h. The HSM boundary is 600,000,000 / 86,400 = 6,944.4 signatures/s,
// and 8,680.6 with 20% headroom (completion <= 19.2 h).
fs::path write_backlog(const fs::path& dir, const std::string& at_most) {
  std::ofstream(dir / "backlog.yaml")
      << "schema: 1\nname: backlog\nquestion: \"test\"\nseed: 1\ndata_centers:\n  - name: dc1\n    fabric: 25g-fiber\n"
      << "    hsm: {model: luna-2021, count: 1}\n    db: {model: db-2021, writer: true, replicas: 0}\n"
      << "workload: {certificates: 200M, era: seed-2021, cohort_size: 100000}\n"
      << "clients: {ari_share: 1.0, retry_after: 1min, retry_after_jitter: 0%, window: {start: 0h, end: 0h}}\n"
      << "incident: {decision_delay: 0h, deadline: 24h, horizon: 96h}\n";
  const fs::path file = dir / "search.sweep.yaml";
  std::ofstream(file) << "schema: 1\nname: backlog-search\nquestion: \"test\"\nbase: backlog.yaml\nreplications: 2\n"
                      << "search:\n  path: data_centers.dc1.hsm.signatures_per_s\n  from: 1000/s\n  to: 40000/s\n"
                      << "  condition: {metric: completion_time_s, at_most: \"" << at_most << "\"}\n  tolerance: 1%\n";
  return file;
}

TEST(SweepSearch, FindsTheSeedsHsmBoundaryOnABacklogWithAndWithoutHeadroom) {
  constexpr double kSignatures = 200e6 * 3, kDay_s = 86400, kTolerance = 0.01;
  for (const auto& [at_most, usable_s] :
       {std::pair<std::string, double>{"deadline", kDay_s}, {"deadline - 20%", 0.8 * kDay_s}}) {
    const fs::path dir = temp_dir("search");
    const auto r = run_command(std::string(SURGE_CLI) + " sweep " + write_backlog(dir, at_most).string() +
                               " --search --quiet -j 2 --out " + (dir / "out").string());
    ASSERT_EQ(r.code, 0) << r.err;
    const nlohmann::json j = nlohmann::json::parse(read(dir / "out" / "search.json"));
    ASSERT_TRUE(j["found"].get<bool>()) << j.dump(2);
    const double boundary = kSignatures / usable_s;  // 6,944.4 and 8,680.6 signatures/s
    const double meets = j["meets_at"].get<double>(), fails = j["fails_at"].get<double>();
    EXPECT_LE(fails, boundary) << at_most;
    EXPECT_GE(meets, boundary) << at_most;
    EXPECT_LE((meets - fails) / meets, kTolerance) << at_most;
    EXPECT_NEAR(j["threshold"].get<double>(), usable_s, 1e-6);
    // The runs that prove it: simulated probes on both sides, each decided, all with the same seeds.
    bool met = false, failed = false;
    std::vector<std::uint64_t> seeds;
    for (const auto& p : j["probes"]) {
      if (p["source"] != "simulated") continue;
      EXPECT_NE(p["decision"], "undecided");
      met = met || p["decision"] == "meets";
      failed = failed || p["decision"] == "fails";
      const auto s = p["seeds"].get<std::vector<std::uint64_t>>();
      if (seeds.empty()) seeds = s;
      EXPECT_EQ(std::vector<std::uint64_t>(seeds.begin(), seeds.begin() + 2),
                std::vector<std::uint64_t>(s.begin(), s.begin() + 2));
    }
    EXPECT_TRUE(met && failed);
    fs::remove_all(dir);
  }
}

TEST(SweepMpi, TwoRanksGiveTheLocalPoolsResults) {
  const fs::path dir = temp_dir("mpi");
  const fs::path file = write_sweep(dir, 2, ", 4h");
  ASSERT_EQ(run_command(sweep_cmd(file, dir / "local", "-j 2")).code, 0);
  const auto mpi =
      run_command("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np 2 --oversubscribe " +
                  std::string(SURGE_MPI) + " sweep " + file.string() + " --out " + (dir / "mpi").string() + " --quiet");
  ASSERT_EQ(mpi.code, 0) << mpi.err;
  EXPECT_NE(mpi.out.find("12 runs (0 failed), 0 stored before, on 2 ranks"), std::string::npos) << mpi.out;
  EXPECT_EQ(read(dir / "mpi" / "results.csv"), read(dir / "local" / "results.csv"));
  EXPECT_EQ(query(dir / "mpi" / "results.sqlite", "SELECT * FROM points ORDER BY point_key"),
            query(dir / "local" / "results.sqlite", "SELECT * FROM points ORDER BY point_key"));
  // Every run stored once, and both ranks ran some.
  EXPECT_EQ(query(dir / "mpi" / "results.sqlite", "SELECT count(*) FROM runs")[0][0], "12");
  EXPECT_EQ(query(dir / "mpi" / "results.sqlite", "SELECT count(DISTINCT runner) FROM runs")[0][0], "2");
  // Bad input: surge-mpi's own lines stand out from mpirun's report, and mpirun exits with its code.
  const auto bad = run_command("mpirun --allow-run-as-root --oversubscribe -np 3 " + std::string(SURGE_MPI) +
                               " sweep " + (dir / "missing.yaml").string() + " --out " + (dir / "bad").string());
  EXPECT_EQ(bad.code, 2);
  const std::string first = "surge-mpi: " + (dir / "missing.yaml").string() + ": cannot read the sweep file\n";
  EXPECT_EQ(bad.err.rfind(first + "surge-mpi: exit code 2 (bad input); mpirun's own report may follow\n", 0), 0u)
      << bad.err;
  EXPECT_EQ(bad.err.find("surge-mpi:", first.size() + 10), std::string::npos) << "printed once, by rank 0: " << bad.err;
  fs::remove_all(dir);
}

TEST(SweepPlot, RendersALineChartAndAHeatMapAndNamesWhatIsMissing) {
#ifndef SURGE_HAS_PLOT
  GTEST_SKIP() << "surge-plot is built with the GUI (SURGE_BUILD_GUI=ON)";
#endif
  const fs::path dir = temp_dir("plot");
  ASSERT_EQ(run_command(sweep_cmd(write_sweep(dir, 2), dir / "out", "-j 2")).code, 0);
  const std::string plot = std::string(SURGE_CLI) + " plot " + (dir / "out").string();
  const auto line =
      run_command(plot + " --x incident.decision_delay --metric completion_time_s -o " + (dir / "line.png").string());
  ASSERT_EQ(line.code, 0) << line.err;
  const auto heat =
      run_command(plot + " --x incident.decision_delay --y data_centers.dc1.hsm.count --metric completion_time_s -o " +
                  (dir / "heat.png").string());
  ASSERT_EQ(heat.code, 0) << heat.err;
  for (const char* png : {"line.png", "heat.png"}) {
    const std::string bytes = read(dir / png);
    ASSERT_GT(bytes.size(), 1000u) << png;
    EXPECT_EQ(bytes.substr(1, 3), "PNG") << png;
  }
  const auto bad =
      run_command(plot + " --x incident.decision_delay --metric completion -o " + (dir / "bad.png").string());
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(
      bad.err.find("surge plot: 'completion' is not a metric of this sweep (metrics: completion_time_s, deadline_met, "
                   "signatures, classes.ari.time_to_replace_s.p99)"),
      std::string::npos)
      << bad.err;
  EXPECT_FALSE(fs::exists(dir / "bad.png"));
  fs::remove_all(dir);
}

}  // namespace
