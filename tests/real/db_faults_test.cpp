// `surge calibrate db` under faults: a crash at each step of creating the local server and the CA
// database (SURGE_FAULT_POINT makes the run SIGKILL itself there) is finished by the next run; SIGKILL
// at random moments loses no acknowledged commit and leaves every table sound; a temporary server
// folder is removed however the run ends, and folders of dead runs at the next start; outputs are
// checked before anything runs; --check-integrity names what is wrong with what it is given.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/command_result.hpp"

namespace surge::real {
namespace {

namespace fs = std::filesystem;
using Result = surge::testing::CommandResult;
using surge::testing::slurp;

const std::string kQuick = " --buffer-pool 32M --prefill 1MiB --connections 1 --duration 1s --warmup 0 --bootstrap 20 ";

fs::path temp(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("surge-db-faults-" + std::to_string(getpid()));
  fs::create_directories(d);
  return d / name;
}

// `surge calibrate db ARGS` with environment assignments (e.g. "SURGE_FAULT_POINT=x ") before it.
Result calibrate_db(const std::string& args, const std::string& environment = "") {
  return surge::testing::run_command(environment + std::string(SURGE_CLI) + " calibrate db " + args);
}

// Killed by SIGKILL: the shell that ran it reports 128 + 9, or it was the shell itself.
bool killed(const Result& r) {
  return r.code == 137 || r.code == -1;
}

// Polls `done` every 100 ms for up to `seconds` (a loaded machine is slow; correctness is what is checked).
template <typename F>
bool eventually(F done, int seconds = 300) {
  for (int i = 0; i < seconds * 10; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return done();
}

// A kept server folder's server has shut down (it follows a killed surge down by itself).
bool server_down(const fs::path& dir) {
  return !fs::exists(dir / "mariadb.pid");
}

// Processes whose command line names something under `dir` (a server started there).
int processes_in(const fs::path& dir) {
  int n = 0;
  for (const fs::directory_entry& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == getpid()) continue;
    if (slurp(e.path() / "cmdline").find(dir.string() + "/") != std::string::npos) ++n;
  }
  return n;
}

class DbFaults : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { fs::remove_all(temp("").parent_path()); }
};

TEST_F(DbFaults, ACrashAtEachStepOfCreatingTheServerOrTheCaDatabaseIsFinishedByTheNextRun) {
  const fs::path dir = temp("crashes"), profile = temp("crashes.json");
  const std::string run = "--local --local-dir " + dir.string() + kQuick + "--out " + profile.string();
  for (const std::string point : {"local-server-installed", "ca-database-created", "ca-tables-created", "ca-stamped"}) {
    const Result r = calibrate_db(run, "SURGE_FAULT_POINT=" + point + " ");
    EXPECT_TRUE(killed(r)) << point << ": exit " << r.code << " " << r.err;
    ASSERT_TRUE(eventually([&] { return server_down(dir); })) << point;
    EXPECT_FALSE(fs::exists(profile)) << point;
    if (point == "local-server-installed") {
      EXPECT_TRUE(fs::exists(dir / "my.cnf.installing"));
      EXPECT_FALSE(fs::exists(dir / "my.cnf")) << "a half-made server is not taken for a kept one";
      continue;
    }
    // The database is there, marked unfinished; nothing was acknowledged in it.
    const Result check = calibrate_db("--check-integrity --local-dir " + dir.string());
    EXPECT_EQ(check.code, 0) << point << ": " << check.out << check.err;
    EXPECT_NE(check.out.find("ok       database surge_calibration is unfinished"), std::string::npos)
        << point << ": " << check.out;
  }
  // The next run creates the database afresh and measures.
  const Result r = calibrate_db(run);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(profile));
  Result check = calibrate_db("--check-integrity --local-dir " + dir.string());
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  EXPECT_EQ(check.out.find("VIOLATED"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("ok       CHECK TABLE finds every CA table sound: 0 rows"), std::string::npos) << check.out;

  // --check-integrity on what does not exist: exit 2, saying what.
  check = calibrate_db("--check-integrity --local-dir " + dir.string() + " --database surge_elsewhere");
  EXPECT_EQ(check.code, 2);
  EXPECT_EQ(check.err,
            "surge calibrate db: --database surge_elsewhere does not exist on this server (no run created it)\n");
  check = calibrate_db("--check-integrity --local-dir " + dir.string() + " --journal " + temp("no-journal").string());
  EXPECT_EQ(check.code, 2);
  EXPECT_EQ(check.err,
            "surge calibrate db: --journal " + temp("no-journal").string() + " does not exist (or is not a file)\n");
  check = calibrate_db("--check-integrity --local-dir " + temp("no-such-dir").string());
  EXPECT_EQ(check.code, 2);
  EXPECT_EQ(check.err, "surge calibrate db: --local-dir " + temp("no-such-dir").string() +
                           " holds no local server that surge kept (no my.cnf there)\n");

  // The kept server's port taken meanwhile: it moves to a free one.
  const std::string cnf = slurp(dir / "my.cnf");
  const size_t at = cnf.find("\nport=") + 6;
  const int port = std::stoi(cnf.substr(at));
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(s, 1), 0);
  check = calibrate_db("--check-integrity --local-dir " + dir.string());
  close(s);
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  const std::string moved = slurp(dir / "my.cnf");
  EXPECT_NE(std::stoi(moved.substr(moved.find("\nport=") + 6)), port);
}

TEST_F(DbFaults, SigkillAtRandomMomentsLosesNoAcknowledgedCommitAndLeavesEveryTableSound) {
  const fs::path dir = temp("random-kills"), profile = temp("random-kills.json");
  std::mt19937 rng(20261207);  // fixed: the same moments every run
  std::uniform_int_distribution<int> moment_ms(500, 12000);
  for (int k = 0; k < 4; ++k) {
    const int after_ms = moment_ms(rng);
    const pid_t pid = fork();
    if (pid == 0) {
      const std::string d = dir.string(), out = profile.string();
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(SURGE_CLI, SURGE_CLI, "calibrate", "db", "--local", "--local-dir", d.c_str(), "--buffer-pool", "32M",
            "--prefill", "1MiB", "--connections", "1,4", "--duration", "10s", "--warmup", "0", "--out", out.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(eventually([&] { return server_down(dir) && processes_in(dir) == 0; }))
        << "kill " << k << " at " << after_ms << " ms";
    if (!fs::exists(dir / "my.cnf")) continue;  // killed before its server was made: the next run makes it
    const Result check = calibrate_db("--check-integrity --local-dir " + dir.string());
    if (check.code == 2 && check.err.find("does not exist on this server") != std::string::npos) {
      EXPECT_FALSE(fs::exists(dir / "acknowledged.log") && fs::file_size(dir / "acknowledged.log") > 0);
      continue;  // killed before the database was created
    }
    EXPECT_EQ(check.code, 0) << "kill " << k << " at " << after_ms << " ms: " << check.out << check.err;
    EXPECT_EQ(check.out.find("VIOLATED"), std::string::npos) << check.out;
  }
  // Whatever the kills left, the next run completes and the database is sound.
  const Result r = calibrate_db("--local --local-dir " + dir.string() + kQuick + "--out " + profile.string());
  ASSERT_EQ(r.code, 0) << r.err;
  const Result check = calibrate_db("--check-integrity --local-dir " + dir.string());
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("ok       every acknowledged commit is in the database: 0 of "), std::string::npos)
      << check.out;
}

// The temporary folders under `tmp` that a run made (the test's own fixtures excluded).
std::vector<fs::path> run_folders(const fs::path& tmp) {
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(tmp)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("surge-mariadb-", 0) == 0 && name.find("fixture") == std::string::npos) out.push_back(e.path());
  }
  return out;
}

TEST_F(DbFaults, ATemporaryServerFolderGoesHoweverTheRunEndsAndFoldersOfDeadRunsAtTheNextStart) {
  const fs::path tmp = temp("tmpdir");
  fs::create_directories(tmp);
  // A dead run's folder (its owner a process that has exited), a live one's, and one surge did not mark.
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  for (const auto& [name, owner] :
       {std::pair<std::string, pid_t>{"surge-mariadb-fixture-dead", dead}, {"surge-mariadb-fixture-live", getpid()}}) {
    fs::create_directories(tmp / name / "data");
    std::ofstream(tmp / name / "owner") << owner << "\n";
  }
  fs::create_directories(tmp / "surge-mariadb-fixture-unmarked");
  for (const int sig : {SIGKILL, SIGTERM, SIGINT}) {
    const pid_t pid = fork();
    if (pid == 0) {
      setenv("TMPDIR", tmp.c_str(), 1);
      const std::string out = temp("signalled.json").string();
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(SURGE_CLI, SURGE_CLI, "calibrate", "db", "--local", "--buffer-pool", "32M", "--prefill", "1MiB",
            "--connections", "1", "--duration", "60s", "--warmup", "0", "--out", out.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    // Killed once its server runs (the folder holds ~170 MiB by then).
    ASSERT_TRUE(eventually([&] {
      const std::vector<fs::path> f = run_folders(tmp);
      return f.size() == 1 && fs::exists(f[0] / "mariadb.pid");
    })) << "signal "
        << sig;
    ASSERT_EQ(kill(pid, sig), 0);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(eventually([&] { return run_folders(tmp).empty(); }, 120)) << "signal " << sig << " left a folder";
    EXPECT_TRUE(eventually([&] { return processes_in(tmp) == 0; }, 120)) << "signal " << sig << " left a server";
    EXPECT_FALSE(fs::exists(tmp / "surge-mariadb-fixture-dead")) << "a dead run's folder is removed at the next start";
    EXPECT_TRUE(fs::exists(tmp / "surge-mariadb-fixture-live"));
    EXPECT_TRUE(fs::exists(tmp / "surge-mariadb-fixture-unmarked"));
  }
}

TEST_F(DbFaults, OutputsThatCannotBeWrittenAreFoundBeforeAnythingRuns) {
  const fs::path tmp = temp("outputs");
  fs::create_directories(tmp);
  const fs::path profile = temp("outputs.json");
  // /proc/self takes no new file, even from root (a chmod'ed folder would, for root).
  for (const std::string option : {"--json", "--csv"}) {
    const Result r = calibrate_db("--local" + kQuick + "--out " + profile.string() + " " + option + " /proc/self/x",
                                  "TMPDIR=" + tmp.string() + " ");
    EXPECT_EQ(r.code, 2) << option;
    EXPECT_EQ(r.err.rfind("surge calibrate db: " + option + ": cannot create files in folder /proc/self: ", 0), 0u)
        << r.err;
    EXPECT_FALSE(fs::exists(profile));
    EXPECT_TRUE(fs::is_empty(tmp)) << "no server was started";
  }
}

}  // namespace
}  // namespace surge::real
