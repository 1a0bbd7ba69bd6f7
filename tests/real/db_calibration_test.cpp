// `surge calibrate db` end to end on MariaDB servers the tests start on loopback: a local calibration and
// its profile, appending runs, the integrity check (and a deliberately broken row), SIGKILL of the client
// and of the server mid-run, refusal of targets surge must not write to, credentials.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "real/local_mariadb.hpp"
#include "tests/command_result.hpp"

namespace surge::real {
namespace {

namespace fs = std::filesystem;
using Result = surge::testing::CommandResult;
using surge::testing::slurp;

// Small and short: these tests check behaviour, not the machine's figures.
const std::string kQuick = " --buffer-pool 32M --prefill 1MiB --duration 1s --warmup 0.2s --bootstrap 20 ";

fs::path temp(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("surge-db-test-" + std::to_string(getpid()));
  fs::create_directories(d);
  return d / name;
}

Result calibrate_db(const std::string& args, const std::string& password = "") {
  if (!password.empty()) setenv("SURGE_DB_PASSWORD", password.c_str(), 1);
  const Result r = surge::testing::run_command(std::string(SURGE_CLI) + " calibrate db " + args);
  unsetenv("SURGE_DB_PASSWORD");
  return r;
}

class CalibrateDb : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { fs::remove_all(temp("").parent_path()); }
};

TEST_F(CalibrateDb, ALocalRunWritesAProfileKeepsTheInvariantsAndLaterRunsAppend) {
  const fs::path dir = temp("kept"), profile = temp("db.json"), json = temp("db-all.json");
  fs::remove_all(dir);
  Result r = calibrate_db("--local --local-dir " + dir.string() + " --connections 1,2" + kQuick + "--out " +
                          profile.string() + " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  EXPECT_EQ(p.at("kind"), "db");
  EXPECT_EQ(p.at("metadata").at("settings").at("innodb_flush_log_at_trx_commit"), "1");
  EXPECT_EQ(p.at("metadata").at("settings").at("log_bin"), "ON");
  EXPECT_EQ(p.at("metadata").at("settings").at("sync_binlog"), "1");
  EXPECT_EQ(p.at("metadata").at("settings").at("binlog_format"), "ROW");
  ASSERT_EQ(p.at("commits").at("levels").size(), 2u);
  EXPECT_FALSE(p.at("commits").at("identified"));  // two levels: too few for a curve
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  for (const auto& level : all.at("levels")) {
    // The level's commits are its SA calls' commits; an issued certificate is one of each finalize call
    // (within the certificates in flight at the window's edges: one per connection).
    std::uint64_t sum = 0;
    for (const auto& [name, call] : level.at("calls").items()) sum += call.at("commits").get<std::uint64_t>();
    EXPECT_EQ(sum, level.at("commits").get<std::uint64_t>());
    const double serials = level.at("calls").at("AddSerial").at("commits");
    const double connections = level.at("connections");
    for (const char* call : {"SetOrderProcessing", "AddPrecertificate", "SetCertificateStatusReady", "AddCertificate",
                             "AddFQDNSet", "FinalizeOrder", "NewOrderAndAuthzs"})
      EXPECT_NEAR(level.at("calls").at(call).at("commits").get<double>(), serials, connections) << call;
    // One round trip per single-statement commit; the precertificate's transaction has BEGIN, four or
    // more inserts (one issuedNames row per name) and COMMIT.
    EXPECT_DOUBLE_EQ(level.at("calls").at("AddSerial").at("round_trips_per_commit").get<double>(), 1.0);
    EXPECT_GE(level.at("calls").at("AddPrecertificate").at("round_trips_per_commit").get<double>(), 6.0);
    EXPECT_GT(level.at("per_second").size(), 0u);
  }
  for (const auto& check : all.at("integrity")) EXPECT_EQ(check.at("violations"), 0) << check;
  // A second run into the kept folder appends under a new run id, in the same (stamped) database.
  r = calibrate_db("--local --local-dir " + dir.string() + " --connections 1" + kQuick + "--out " + profile.string() +
                   " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json second = nlohmann::json::parse(slurp(json));
  EXPECT_EQ(second.at("metadata").at("database_uuid"), all.at("metadata").at("database_uuid"));
  EXPECT_GT(second.at("metadata").at("run").get<int>(), all.at("metadata").at("run").get<int>());

  // The integrity check passes; a deliberately broken row is caught (exit 1).
  r = calibrate_db("--check-integrity --local-dir " + dir.string());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ok       every certificateStatus row has its precertificate: 0 rows"), std::string::npos);
  {
    LocalMariaDb server = LocalMariaDb::reopen(dir.string());
    auto admin = connect_mariadb(server.admin_target());
    admin->execute("DELETE FROM surge_calibration.precertificates ORDER BY id DESC LIMIT 1");
  }
  r = calibrate_db("--check-integrity --local-dir " + dir.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("VIOLATED every certificateStatus row has its precertificate: 1 rows"), std::string::npos)
      << r.out;
  fs::remove_all(dir);
}

TEST_F(CalibrateDb, TheDurabilityMatrixRunsEachSettingOnItsOwnServerAndTheProfileKeepsTheDurableOne) {
  const fs::path profile = temp("matrix.json"), json = temp("matrix-all.json"), csv = temp("matrix.csv");
  const Result r = calibrate_db("--local --durability-matrix --connections 1" + kQuick + "--out " + profile.string() +
                                " --json " + json.string() + " --csv " + csv.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  ASSERT_EQ(all.at("durability_matrix").size(), 2u);
  // The settings as each server reports them (SHOW GLOBAL VARIABLES), not as surge asked for them.
  const nlohmann::json& off = all.at("durability_matrix").at(0).at("metadata").at("settings");
  EXPECT_EQ(off.at("log_bin"), "OFF");
  EXPECT_EQ(off.at("innodb_flush_log_at_trx_commit"), "1");
  const nlohmann::json& relaxed = all.at("durability_matrix").at(1).at("metadata").at("settings");
  EXPECT_EQ(relaxed.at("innodb_flush_log_at_trx_commit"), "2");
  EXPECT_EQ(relaxed.at("sync_binlog"), "0");
  EXPECT_EQ(relaxed.at("log_bin"), "ON");
  for (const auto& d : all.at("durability_matrix")) EXPECT_GT(d.at("levels").at(0).at("commits").get<int>(), 0);
  const nlohmann::json p = nlohmann::json::parse(slurp(profile));
  EXPECT_EQ(p.at("metadata").at("settings").at("log_bin"), "ON");
  EXPECT_EQ(p.at("metadata").at("settings").at("sync_binlog"), "1");
  const std::string rows = slurp(csv);
  for (const char* settings : {"flush_log_at_trx_commit=1 log_bin=ON sync_binlog=1,1,all,",
                               "flush_log_at_trx_commit=1 log_bin=OFF sync_binlog=",
                               "flush_log_at_trx_commit=2 log_bin=ON sync_binlog=0,1,all,"})
    EXPECT_NE(rows.find(settings), std::string::npos) << settings << "\n" << rows;
}

TEST_F(CalibrateDb, ALocalReplicaAppliesTheWritesAndCatchesUp) {
  const fs::path profile = temp("replica.json"), json = temp("replica-all.json");
  const Result r = calibrate_db("--local --local-replica --connections 1,2" + kQuick + "--out " + profile.string() +
                                " --json " + json.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json all = nlohmann::json::parse(slurp(json));
  const nlohmann::json& replica = all.at("replica");
  ASSERT_EQ(replica.at("levels").size(), 2u);
  // Every write the primary acknowledged reached the replica: caught_up compares the replica's applied GTID
  // with the primary's last one after the run (how fast it got there is the machine's, a benchmark's figure).
  EXPECT_TRUE(replica.at("caught_up"));
  for (const auto& l : replica.at("levels")) EXPECT_GT(l.at("replica_applied_per_s").get<double>(), 0) << l;
  // The primary had a replica attached, its own: the target check let it through and recorded it.
  EXPECT_EQ(all.at("metadata").at("checks").at("replicas_attached"), 1);
}

TEST_F(CalibrateDb, KillingTheClientOrTheServerMidRunLeavesTheInvariantsIntact) {
  for (const bool kill_server : {false, true}) {
    const fs::path dir = temp(kill_server ? "killed-server" : "killed-client"), profile = temp("killed.json");
    fs::remove_all(dir);
    const pid_t pid = fork();
    if (pid == 0) {
      const std::string d = dir.string(), out = profile.string();
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(SURGE_CLI, SURGE_CLI, "calibrate", "db", "--local", "--local-dir", d.c_str(), "--buffer-pool", "32M",
            "--prefill", "1MiB", "--connections", "4", "--duration", "30s", "--warmup", "0", "--out", out.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    // Wait until the sweep has acknowledged certificates (its journal grows).
    // Generous bounds (5 min): a loaded machine starts the server slowly; correctness, not speed, is checked.
    for (int i = 0;
         i < 3000 && (!fs::exists(dir / "acknowledged.log") || fs::file_size(dir / "acknowledged.log") < 4096); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    int status = 0;
    if (kill_server) {
      const pid_t server = static_cast<pid_t>(std::stol(slurp(dir / "mariadb.pid")));
      ASSERT_EQ(kill(server, SIGKILL), 0);
      waitpid(pid, &status, 0);
      EXPECT_EQ(WEXITSTATUS(status), 3) << "the client reports the lost server";
    } else {
      ASSERT_EQ(kill(pid, SIGKILL), 0);
      waitpid(pid, &status, 0);
      // The server follows its parent down (SIGTERM): wait for it to be gone before reopening the folder.
      for (int i = 0; i < 3000 && fs::exists(dir / "mariadb.pid"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_FALSE(fs::exists(profile));
    const Result r = calibrate_db("--check-integrity --local-dir " + dir.string());
    EXPECT_EQ(r.code, 0) << (kill_server ? "server killed: " : "client killed: ") << r.out << r.err;
    EXPECT_EQ(r.out.find("VIOLATED"), std::string::npos) << r.out;
    // Every commit surge saw acknowledged (its journal, written as each was) is in the recovered database.
    const std::string line = "ok       every acknowledged commit is in the database: 0 of ";
    const size_t at = r.out.find(line);
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_GT(std::stoul(r.out.substr(at + line.size())), 0u) << "the sweep acknowledged certificates before the kill";
    fs::remove_all(dir);
  }
}

TEST_F(CalibrateDb, AStalledServerIsDiagnosedByTheWatchdogAndExitsThree) {
  LocalServerOptions o;
  o.buffer_pool = "32M";
  LocalMariaDb server(o);
  const DbTarget t = server.target();
  const fs::path journal = temp("stall.log"), profile = temp("stall.json"), err = temp("stall.err");
  fs::remove(journal);
  setenv("SURGE_DB_PASSWORD", t.password.c_str(), 1);
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string dsn = "mariadb://surge@127.0.0.1:" + std::to_string(t.port) + "/surge_stall";
    const int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    execl(SURGE_CLI, SURGE_CLI, "calibrate", "db", "--dsn", dsn.c_str(), "--prefill", "1MiB", "--connections", "2",
          "--duration", "60s", "--warmup", "0", "--stall-timeout", "2s", "--journal", journal.c_str(), "--out",
          profile.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  unsetenv("SURGE_DB_PASSWORD");
  for (int i = 0; i < 3000 && (!fs::exists(journal) || fs::file_size(journal) < 1024); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Every write now waits (as behind a full disk's binlog): the commits stop.
  auto admin = connect_mariadb(server.admin_target());
  admin->execute("FLUSH TABLES WITH READ LOCK");
  int status = 0;
  waitpid(pid, &status, 0);
  admin->execute("UNLOCK TABLES");
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  const std::string e = slurp(err);
  EXPECT_NE(e.find("surge calibrate db: no commit for "), std::string::npos) << e;
  EXPECT_NE(e.find("s (watchdog); the server's threads: ["), std::string::npos) << e;
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(CalibrateDb, RefusesReplicasAndPrimariesWithReplicasAndReportsMissingPrivileges) {
  LocalServerOptions o;
  o.buffer_pool = "32M";
  LocalMariaDb primary(o);
  LocalReplica replica = start_local_replica(primary, o);
  const fs::path profile = temp("replicated.json");
  // The primary: a replica is attached.
  const DbTarget p = primary.target();
  Result r = calibrate_db(
      "--dsn mariadb://surge@127.0.0.1:" + std::to_string(p.port) + "/surge_x" + kQuick + "--out " + profile.string(),
      p.password);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "surge calibrate db: refused: the server has 1 replica(s) attached: calibration writes would reach them "
            "(--allow-replicated to override)\n");
  // The replica: it replicates from a primary. (Its calibration user is its own; the primary's events from
  // before the replica started, its users among them, are not replayed.)
  const DbTarget q = replica.server->target();
  r = calibrate_db(
      "--dsn mariadb://surge@127.0.0.1:" + std::to_string(q.port) + "/surge_x" + kQuick + "--out " + profile.string(),
      q.password);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "surge calibrate db: refused: the server is a replica: its writes come from its primary "
            "(--allow-replicated to override)\n");
  EXPECT_FALSE(fs::exists(profile));
  // Nothing was written on either.
  EXPECT_EQ(replica.primary_admin
                ->scalar("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = "
                         "'surge_x'")
                .value(),
            "0");

  // A user without the privileges: it cannot even tell whether the server replicates, and, allowed past that,
  // cannot create the database: one line, exit 2 (a privilege to grant is the command's configuration).
  replica.primary_admin->execute("CREATE USER 'weak'@'127.0.0.1' IDENTIFIED BY 'weak-password-1618'");
  const std::string weak = "--dsn mariadb://weak@127.0.0.1:" + std::to_string(p.port) + "/surge_x";
  r = calibrate_db(weak + kQuick + "--out " + profile.string(), "weak-password-1618");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("refused: cannot tell whether the server is a replica"), std::string::npos) << r.err;
  r = calibrate_db(weak + " --allow-replicated" + kQuick + "--out " + profile.string(), "weak-password-1618");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Access denied for user 'weak'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(CalibrateDb, BadOptionsAreExitTwoBeforeAnyServerStarts) {
  const fs::path profile = temp("bad.json");
  struct Case {
    std::string args, message;
  };
  for (const Case& c : std::vector<Case>{
           {"--connections 1", "give --local or --dsn mariadb://USER@HOST:PORT/DB"},
           {"--local --dsn mariadb://a@127.0.0.1/surge_x", "give --local or --dsn mariadb://USER@HOST:PORT/DB"},
           {"--local --buffer-pool lots", "--buffer-pool: 'lots' is not a size such as 128M or 2G"},
           {"--local --mix everything", "--mix: unknown mix 'everything' (issuance, revocation, reissue, new-order)"},
           {"--local --connections 0", "--connections: '0' is not a connection count from 1 to 1024"},
           {"--local --duration 0s", "--duration: must be positive"},
           {"--dsn mariadb://a@127.0.0.1/surge_x --local-replica",
            "--durability-matrix and --local-replica need --local (surge never changes an existing server)"},
       }) {
    const Result r = calibrate_db(c.args + " --out " + profile.string());
    EXPECT_EQ(r.code, 2) << c.args;
    EXPECT_EQ(r.err, "surge calibrate db: " + c.message + "\n") << c.args;
  }
  const Result r = calibrate_db("--local --out /nonexistent/dir/p.json");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "surge calibrate db: --out: folder /nonexistent/dir does not exist\n");
  EXPECT_FALSE(fs::exists(profile));
}

TEST_F(CalibrateDb, RefusesTargetsItMustNotWriteTo) {
  LocalServerOptions o;
  o.buffer_pool = "32M";
  LocalMariaDb server(o);
  const DbTarget t = server.target();
  const std::string dsn = "mariadb://surge@127.0.0.1:" + std::to_string(t.port) + "/";
  const fs::path profile = temp("refused.json");
  auto admin = connect_mariadb(server.admin_target());
  // A surge_* database that surge did not create.
  admin->execute("CREATE DATABASE surge_theirs");
  Result r = calibrate_db("--dsn " + dsn + "surge_theirs" + kQuick + "--out " + profile.string(), t.password);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "surge calibrate db: refused: database 'surge_theirs' exists and surge did not create it (no surge_meta): "
            "refusing to write to it\n");
  // A database not named surge_*.
  r = calibrate_db("--dsn " + dsn + "boulder_sa" + kQuick + "--out " + profile.string(), t.password);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("surge writes only into databases named surge_*"), std::string::npos) << r.err;
  // A read-only server.
  admin->execute("SET GLOBAL read_only = 1");
  r = calibrate_db("--dsn " + dsn + "surge_mine" + kQuick + "--out " + profile.string(), t.password);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "surge calibrate db: refused: the server is read-only: surge calibrates a writer\n");
  admin->execute("SET GLOBAL read_only = 0");
  // A wrong password: one line, exit 2 (the command's credentials), the password nowhere.
  r = calibrate_db("--dsn " + dsn + "surge_mine" + kQuick + "--out " + profile.string(), "wrong-password-2718");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Access denied for user 'surge'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrong-password-2718"), std::string::npos);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  // No password at all; a password in the DSN.
  r = calibrate_db("--dsn " + dsn + "surge_mine" + kQuick + "--out " + profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "surge calibrate db: environment variable SURGE_DB_PASSWORD is not set (it holds the database password)\n");
  setenv("SURGE_DB_PASSWORD", "", 1);  // set, but empty
  r = surge::testing::run_command(std::string(SURGE_CLI) + " calibrate db --dsn " + dsn + "surge_mine" + kQuick +
                                  "--out " + profile.string());
  unsetenv("SURGE_DB_PASSWORD");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "surge calibrate db: environment variable SURGE_DB_PASSWORD is set but empty (it holds the database "
            "password)\n");
  // Nothing listens: a fault (exit 3) that says so, not a bare client code.
  r = calibrate_db("--dsn mariadb://surge@127.0.0.1:1/surge_mine" + kQuick + "--out " + profile.string(), "x");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("nothing accepted the connection at 127.0.0.1:1"), std::string::npos) << r.err;
  r = calibrate_db("--dsn mariadb://surge:secret@127.0.0.1:3306/surge_mine" + kQuick + "--out " + profile.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("a DSN carries no password"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("secret"), std::string::npos);
  EXPECT_FALSE(fs::exists(profile));
  // The foreign database is as it was.
  EXPECT_EQ(admin->scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'surge_theirs'").value(),
            "0");
  // With the right password and a database of its own, the same server calibrates.
  r = calibrate_db("--dsn " + dsn + "surge_mine --connections 1" + kQuick + "--out " + profile.string(), t.password);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(slurp(profile)).at("metadata").at("target"), "dsn");
}

}  // namespace
}  // namespace surge::real
