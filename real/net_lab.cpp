#include "real/net_lab.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace surge::real {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNetnsDir = "/run/netns";
constexpr const char* kPrefix = "surge-";
constexpr double kBurst_s = 0.01;          // the bucket holds 10 ms of the rate
constexpr double kMinBurst_B = 64 * 1024;  // and at least one GSO segment's worth
constexpr const char* kQueueLatency = "200ms";

struct Outcome {
  int code = -1;
  std::string output;
};

// Runs a command (searched in PATH) and returns its exit code with its output and errors.
Outcome run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return {-1, "cannot make a pipe"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  Outcome o;
  if (rc != 0) {
    close(out[0]);
    o.output = args[0] + ": " + std::strerror(rc);
    return o;
  }
  char buffer[4096];
  for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;) o.output.append(buffer, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return o;
}

std::string joined(const std::vector<std::string>& args) {
  std::string out;
  for (const std::string& a : args) out += (out.empty() ? "" : " ") + a;
  return out;
}

void must(const std::vector<std::string>& args) {
  const Outcome o = run(args);
  if (o.code != 0) throw NetLabError("'" + joined(args) + "' failed: " + o.output);
}

// Labs whose owner is gone (a run killed with SIGKILL): "surge-PID-..." with no process PID.
void remove_orphans() {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(kNetnsDir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0) continue;
    const pid_t owner = static_cast<pid_t>(std::atol(name.c_str() + std::strlen(kPrefix)));
    if (owner > 0 && kill(owner, 0) != 0 && errno == ESRCH) run({"ip", "netns", "del", name});
  }
}

std::string bits(double bytes_per_s) {
  std::ostringstream o;
  o << static_cast<long long>(std::llround(bytes_per_s * 8)) << "bit";
  return o.str();
}

}  // namespace

std::optional<std::string> NetLab::unavailable() {
  for (const char* tool : {"ip", "tc"})
    if (run({tool, "-V"}).code != 0) return std::string(tool) + " (iproute2) is not installed";
  const pid_t child = fork();
  if (child == 0) _exit(unshare(CLONE_NEWNET) == 0 ? 0 : errno);
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
  return std::string("this process may not make network namespaces (") +
         std::strerror(WIFEXITED(status) ? WEXITSTATUS(status) : EPERM) + "; they need root, CAP_SYS_ADMIN)";
}

NetLab::NetLab(const std::string& first, const std::string& second, double bandwidth_Bps)
    : bandwidth_Bps_(bandwidth_Bps) {
  if (!(bandwidth_Bps > 0)) throw NetLabError("the link's bandwidth must be positive");
  remove_orphans();
  const std::string owner = kPrefix + std::to_string(getpid()) + "-";
  sites_ = {{first, owner + first, "10.77.0.1", "wan-" + first.substr(0, 11)},
            {second, owner + second, "10.77.0.2", "wan-" + second.substr(0, 11)}};
  const double burst = std::max(kMinBurst_B, bandwidth_Bps * kBurst_s);
  try {
    for (const NetSite& s : sites_) must({"ip", "netns", "add", s.ns});
    must({"ip", "link", "add", sites_[0].device, "netns", sites_[0].ns, "type", "veth", "peer", "name",
          sites_[1].device, "netns", sites_[1].ns});
    for (const NetSite& s : sites_) {
      must({"ip", "-n", s.ns, "link", "set", "lo", "up"});
      must({"ip", "-n", s.ns, "addr", "add", s.address + "/30", "dev", s.device});
      must({"ip", "-n", s.ns, "link", "set", s.device, "up"});
      must({"tc", "-n", s.ns, "qdisc", "add", "dev", s.device, "root", "tbf", "rate", bits(bandwidth_Bps), "burst",
            std::to_string(static_cast<long long>(burst)), "latency", kQueueLatency});
    }
  } catch (...) {
    remove();
    throw;
  }
}

NetLab::~NetLab() {
  remove();
}

void NetLab::remove() {
  for (const NetSite& s : sites_) run({"ip", "netns", "del", s.ns});  // the veth pair goes with them
}

const NetSite* NetLab::find(const std::string& data_center) const {
  for (const NetSite& s : sites_)
    if (s.name == data_center) return &s;
  return nullptr;
}

void NetLab::cut() {
  for (const NetSite& s : sites_) must({"ip", "-n", s.ns, "link", "set", s.device, "down"});
}

std::pair<double, double> NetLab::first_site_bytes() const {
  std::ifstream in("/proc/thread-self/net/dev");
  for (std::string line; std::getline(in, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name != sites_[0].device) continue;
    std::istringstream fields(line.substr(colon + 1));
    double rx = 0, skip = 0, tx = 0;
    fields >> rx;
    for (int i = 0; i < 7; ++i) fields >> skip;
    fields >> tx;
    return {tx, rx};
  }
  return {-1, -1};
}

std::string NetLab::describe() const {
  std::string out;
  for (const NetSite& s : sites_) {
    out += "# " + s.name + " (" + s.ns + ")\n";
    out += run({"ip", "-n", s.ns, "-br", "addr", "show", "dev", s.device}).output;
    out += run({"tc", "-j", "-n", s.ns, "qdisc", "show", "dev", s.device}).output + "\n";
  }
  return out;
}

void enter_net_namespace(const std::string& ns) {
  const std::string path = std::string(kNetnsDir) + "/" + ns;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw NetLabError("cannot open " + path + ": " + std::strerror(errno));
  const int rc = setns(fd, CLONE_NEWNET);
  const int error = errno;
  close(fd);
  if (rc != 0) throw NetLabError("cannot enter " + ns + ": " + std::strerror(error));
}

std::vector<std::string> in_namespace(const std::string& ns) {
  if (ns.empty()) return {};
  return {"ip", "netns", "exec", ns};
}

}  // namespace surge::real
