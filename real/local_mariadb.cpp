#include "real/local_mariadb.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "real/net_lab.hpp"
#include "real/run_environment.hpp"

namespace surge::real {
namespace {

namespace fs = std::filesystem;
constexpr int kStartTimeout_s = 60;
constexpr int kStopTimeout_s = 60;
constexpr const char* kUser = "surge";

// A free TCP port on 127.0.0.1 (bound, read, released: the server binds it a moment later).
unsigned free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (s < 0 || bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw DbError("cannot find a free port on 127.0.0.1", 0);
  close(s);
  return ntohs(a.sin_port);
}

std::string random_password() {
  unsigned char bytes[18];
  RAND_bytes(bytes, sizeof bytes);
  static const char* kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string p;
  for (unsigned char b : bytes) p += kAlphabet[b % 56];
  return p;
}

std::string tail(const fs::path& file, size_t bytes) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// Runs a program with arguments, waits, returns its exit status; output goes to `log`.
int run(const std::vector<std::string>& argv, const fs::path& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The lines of a server log that say what went wrong (its generic advice is left out).
std::string errors_in(const fs::path& log) {
  std::ifstream in(log);
  std::string out;
  for (std::string line; std::getline(in, line);)
    if (line.find("ERROR") != std::string::npos || line.find("rror:") != std::string::npos) out += line + " | ";
  return out.empty() ? tail(log, 600) : out;
}

bool running_as_root() {
  return geteuid() == 0;
}

bool port_is_free(unsigned port) {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = s >= 0 && bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (s >= 0) close(s);
  return ok;
}

// A kept folder's server moves to a free port when its old one has been taken meanwhile.
void move_off_a_taken_port(const std::string& config) {
  std::ifstream in(config);
  std::stringstream text;
  unsigned port = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("port=", 0) == 0) {
      port = static_cast<unsigned>(std::stoul(line.substr(5)));
      if (!port_is_free(port)) line = "port=" + std::to_string(port = free_port());
    }
    text << line << "\n";
  }
  in.close();
  std::ofstream(config) << text.str();
}

bool alive(pid_t pid) {
  return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

pid_t pid_in(const fs::path& file) {
  std::ifstream in(file);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

// Folders of earlier --local runs whose surge and server are both gone (their janitor, below, did not get
// to remove them: killed too, or the machine went down) are removed.
void remove_stale_folders(const fs::path& parent) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(parent, ec)) {
    const fs::path d = e.path();
    if (d.filename().string().rfind("surge-mariadb-", 0) != 0 || !fs::exists(d / "owner", ec)) continue;
    if (alive(pid_in(d / "owner")) || alive(pid_in(d / "mariadb.pid"))) continue;
    fs::remove_all(d, ec);
  }
}

// A janitor process outlives surge to clean up after it, however surge ends (SIGKILL, SIGTERM, Ctrl-C: the
// janitor ignores those and leaves surge's process group). surge writes the pid of each server it starts
// into a pipe; when the pipe closes (surge ended), the janitor stops those servers that still run in
// `dir` (SIGTERM each second, SIGKILL after 60 s: a server told to stop early in its start-up may miss
// its parent-death signal) and, for a temporary folder, removes it. Started through a second fork, so
// that init, not surge, reaps it. Returns surge's end of the pipe.
int start_janitor(const std::string& dir, bool remove) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) throw DbError("cannot create a pipe for the folder's janitor", 0);
  const std::string script =
      "pids=; while read -r p; do pids=\"$pids $p\"; done; "
      "for p in $pids; do n=0; "
      "while kill -0 \"$p\" 2>/dev/null && grep -qa -- \"$1\" \"/proc/$p/cmdline\" 2>/dev/null; do "
      "if [ $((n % 10)) -eq 0 ]; then kill -TERM \"$p\" 2>/dev/null; fi; "
      "if [ $n -ge 600 ]; then kill -KILL \"$p\" 2>/dev/null; fi; sleep 0.1; n=$((n+1)); done; done; "
      "if [ \"$2\" = remove ]; then rm -rf \"$1\"; fi";
  const pid_t child = fork();
  if (child == 0) {
    if (fork() != 0) _exit(0);
    setsid();
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    dup2(p[0], 0);  // without close-on-exec; the write end closes at exec
    const int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) {
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    execl("/bin/sh", "sh", "-c", script.c_str(), "surge-janitor", dir.c_str(), remove ? "remove" : "keep",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(p[0]);
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) {
    close(p[1]);
    throw DbError("cannot start the folder's janitor", 0);
  }
  return p[1];
}

}  // namespace

LocalMariaDb::LocalMariaDb(const LocalServerOptions& o)
    : keep_(o.keep), net_namespace_(o.net_namespace), address_(o.address), client_host_(o.client_host) {
  if (o.dir.empty()) {
    remove_stale_folders(fs::temp_directory_path());
    std::string tmpl = (fs::temp_directory_path() / "surge-mariadb-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw DbError("cannot create a temporary directory", 0);
    dir_ = tmpl;
    std::ofstream(fs::path(dir_) / "owner") << getpid() << "\n";
    janitor_fd_ = start_janitor(dir_, true);
  } else {
    dir_ = o.dir;
    fs::create_directories(dir_);
    janitor_fd_ = start_janitor(dir_, false);
  }
  const fs::path d(dir_);
  config_ = (d / "my.cnf").string();
  if (fs::exists(config_)) {
    // A kept folder from an earlier run: start it as it is; the next run appends under a new run id.
    move_off_a_taken_port(config_);
    start();
    create_user(target_from_config());
    return;
  }
  // A fresh server. Its configuration is written as my.cnf only once it is installed, started and has its
  // user: a run killed before leaves my.cnf.installing, and the next run installs afresh.
  const fs::path installing = d / "my.cnf.installing";
  std::error_code ec;
  if (fs::exists(installing)) {
    for (const fs::directory_entry& e : fs::directory_iterator(d)) fs::remove_all(e.path());
  } else if (!o.dir.empty() && !fs::is_empty(d, ec)) {
    throw DbError(dir_ + " is neither empty nor a local server surge kept (no my.cnf): give an empty or new folder", 0);
  }
  const unsigned port = free_port();
  const Durability& du = o.durability;
  std::ofstream cnf(installing);
  cnf << "[mariadbd]\n"
      << "datadir=" << (d / "data").string() << "\n"
      << "socket=" << (d / "mariadb.sock").string() << "\n"
      << "pid-file=" << (d / "mariadb.pid").string() << "\n"
      << "log_error=" << (d / "error.log").string() << "\n"
      << "tmpdir=" << (d / "tmp").string() << "\n"  // concurrent servers' temporary tables never collide
      << "port=" << port << "\n"
      << "bind-address=" << o.address << "\n"
      << "skip-name-resolve\n"
      << "server_id=" << o.server_id << "\n"
      << "innodb_buffer_pool_size=" << o.buffer_pool << "\n"
      << "innodb_flush_log_at_trx_commit=" << du.flush_log_at_trx_commit << "\n"
      << "max_connections=600\n";
  if (du.log_bin) {
    cnf << "log_bin=" << (d / "binlog").string() << "\n"
        << "sync_binlog=" << du.sync_binlog << "\n"
        << "binlog_format=" << du.binlog_format << "\n";
  }
  cnf << "[client]\nsocket=" << (d / "mariadb.sock").string() << "\n";
  cnf.close();
  fs::create_directories(d / "tmp");
  config_ = installing.string();
  std::vector<std::string> install = {"mariadb-install-db", "--defaults-file=" + config_,
                                      "--auth-root-authentication-method=normal", "--skip-test-db"};
  // As root, the server runs as root (--user=root) rather than switching to mysql: a process that changes
  // its credentials loses its parent-death signal, and the server must not outlive surge.
  if (running_as_root()) install.push_back("--user=root");
  if (run(install, d / "install.log") != 0)
    throw DbError("mariadb-install-db failed in " + dir_ + ": " + errors_in(d / "install.log"), 0);
  start();
  DbTarget t;
  t.port = port;
  create_user(t);
  fault_point("local-server-installed");
  // The server reads its configuration at start only: renaming the file under it changes nothing for it.
  config_ = (d / "my.cnf").string();
  fs::rename(installing, config_);
}

DbTarget LocalMariaDb::target_from_config() const {
  DbTarget t;
  std::ifstream in(config_);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("port=", 0) == 0) t.port = static_cast<unsigned>(std::stoul(line.substr(5)));
  return t;
}

void LocalMariaDb::create_user(DbTarget t) {
  // The calibration user: TCP on loopback, a random password that lives in memory only (a new one each
  // time the server is started by surge).
  t.host = address_;
  t.user = kUser;
  t.password = random_password();
  target_ = t;
  auto admin = connect_mariadb(admin_target());
  const std::string who = "'" + std::string(kUser) + "'@'" + client_host_ + "'";
  admin->execute("CREATE USER IF NOT EXISTS " + who + " IDENTIFIED BY '" + t.password + "'");
  admin->execute("ALTER USER " + who + " IDENTIFIED BY '" + t.password + "'");
  admin->execute("GRANT ALL PRIVILEGES ON `surge\\_%`.* TO " + who);
  admin->execute("GRANT PROCESS, REPLICATION CLIENT, BINLOG MONITOR, SLAVE MONITOR ON *.* TO " + who);
}

LocalMariaDb::LocalMariaDb(LocalMariaDb&& o) noexcept
    : dir_(std::move(o.dir_)),
      config_(std::move(o.config_)),
      pid_(o.pid_),
      keep_(o.keep_),
      janitor_fd_(o.janitor_fd_),
      net_namespace_(std::move(o.net_namespace_)),
      address_(std::move(o.address_)),
      client_host_(std::move(o.client_host_)),
      target_(o.target_) {
  o.pid_ = -1;
  o.janitor_fd_ = -1;
  o.dir_.clear();
}

LocalMariaDb LocalMariaDb::reopen(const std::string& dir) {
  LocalMariaDb db{Existing{}};
  db.dir_ = dir;
  db.keep_ = true;
  db.config_ = (fs::path(dir) / "my.cnf").string();
  if (!fs::exists(db.config_)) throw DbError(dir + " holds no local server surge kept (no " + db.config_ + ")", 0);
  move_off_a_taken_port(db.config_);
  db.janitor_fd_ = start_janitor(dir, false);
  db.start();
  return db;
}

void LocalMariaDb::start() {
  const fs::path d(dir_);
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open((d / "mariadbd.out").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    try {
      if (!net_namespace_.empty()) enter_net_namespace(net_namespace_);
    } catch (const NetLabError&) {
      _exit(127);
    }
    setsid();  // its own session: a terminal's Ctrl-C reaches surge, which stops the server itself
    prctl(PR_SET_PDEATHSIG, SIGTERM);  // and if surge dies, the server shuts down cleanly by itself
    const std::string defaults = "--defaults-file=" + config_;
    if (running_as_root()) {
      execlp("mariadbd", "mariadbd", defaults.c_str(), "--user=root", static_cast<char*>(nullptr));
    } else {
      execlp("mariadbd", "mariadbd", defaults.c_str(), static_cast<char*>(nullptr));
    }
    _exit(127);
  }
  if (janitor_fd_ >= 0) {  // the janitor stops it if surge ends without stopping it
    const std::string line = std::to_string(pid_) + "\n";
    [[maybe_unused]] const ssize_t sent = write(janitor_fd_, line.data(), line.size());  // lost: no fallback stop
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kStartTimeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw DbError("the local MariaDB server exited at start: " + tail(d / "error.log", 800), 0);
    }
    try {
      connect_mariadb(admin_target());
      return;
    } catch (const DbError&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  kill_hard();
  throw DbError("the local MariaDB server did not come up in " + std::to_string(kStartTimeout_s) +
                    " s: " + tail(d / "error.log", 800),
                0);
}

DbTarget LocalMariaDb::admin_target() const {
  DbTarget t;
  t.user = "root";
  t.socket = (fs::path(dir_) / "mariadb.sock").string();
  return t;
}

void LocalMariaDb::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kStopTimeout_s);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  pid_ = -1;
}

void LocalMariaDb::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

LocalMariaDb::~LocalMariaDb() {
  stop();
  if (!keep_ && !dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  if (janitor_fd_ >= 0) close(janitor_fd_);  // the janitor finds the folder gone and ends
}

LocalReplica start_local_replica(LocalMariaDb& primary, const LocalServerOptions& o) {
  LocalReplica r;
  LocalServerOptions ro = o;
  ro.dir.clear();
  ro.keep = false;
  ro.server_id = o.server_id + 1;
  r.server = std::make_unique<LocalMariaDb>(ro);
  r.primary_admin = connect_mariadb(primary.admin_target());
  r.admin = connect_mariadb(r.server->admin_target());
  const std::string password = random_password();
  const std::string who = "'surge_repl'@'" + ro.address + "'";
  r.primary_admin->execute("CREATE USER " + who + " IDENTIFIED BY '" + password + "'");
  r.primary_admin->execute("GRANT REPLICATION SLAVE ON *.* TO " + who);
  const std::string from = r.primary_admin->scalar("SELECT @@gtid_binlog_pos").value_or("");
  r.admin->execute("SET GLOBAL gtid_slave_pos = '" + from + "'");
  r.admin->execute("CHANGE MASTER TO MASTER_HOST = '" + primary.target().host +
                   "', MASTER_PORT = " + std::to_string(primary.target().port) +
                   ", MASTER_USER = 'surge_repl', MASTER_PASSWORD = '" + password + "', MASTER_USE_GTID = slave_pos");
  r.admin->execute("START SLAVE");
  // Connected when the primary serves it its binary log.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (r.primary_admin
             ->scalar("SELECT COUNT(*) FROM information_schema.processlist WHERE command LIKE "
                      "'Binlog Dump%'")
             .value_or("0") == "0") {
    if (std::chrono::steady_clock::now() > deadline)
      throw DbError("the local replica did not connect to its primary in 30 s", 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return r;
}

}  // namespace surge::real
