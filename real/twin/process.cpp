#include "real/twin/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace surge::twin {
namespace {

double steady_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

ChildProcess::ChildProcess(const std::string& name, const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env, const std::string& log_path)
    : name_(name), log_path_(log_path) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (!env.count(entry.substr(0, entry.find('=')))) env_text.push_back(entry);
  }
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (std::string& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("cannot make a pipe for " + name);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int rc = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  for (std::string& e : env_text) std::fill(e.begin(), e.end(), '\0');  // the secrets among them
  close(out[1]);
  if (rc != 0) {
    close(out[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start " + name + " (" + args[0] + "): " + std::strerror(rc));
  }
  out_fd_ = out[0];
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) stop(2);
  if (out_fd_ >= 0) close(out_fd_);
}

std::string ChildProcess::wait_listening(double timeout_s) {
  const double end = steady_s() + timeout_s;
  std::string text;
  while (steady_s() < end) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[256];
      const ssize_t n = read(out_fd_, buf, sizeof buf);
      if (n > 0) text.append(buf, static_cast<size_t>(n));
      const size_t at = text.find("listening ");
      const size_t eol = at == std::string::npos ? at : text.find('\n', at);
      if (eol != std::string::npos) return text.substr(at + 10, eol - at - 10);
      if (n <= 0) break;  // standard output closed: it ended
    }
  }
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  const std::string how = done == pid_ ? "ended (" + describe(status) + ")" : "did not listen in time";
  if (done == pid_) pid_ = -1;
  throw std::runtime_error(name_ + " " + how + "; its log: " + log_tail());
}

void ChildProcess::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ChildProcess::ask_to_stop() const {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

int ChildProcess::stop(double grace_s) {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  const double end = steady_s() + grace_s;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (steady_s() > end) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ChildProcess::log_tail() const {
  std::ifstream in(log_path_);
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  return text.size() > 2000 ? "..." + text.substr(text.size() - 2000) : text;
}

double process_cpu_s(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return -1;
  // Fields after the command's closing parenthesis: state is field 3; utime and stime are 14 and 15.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace surge::twin
