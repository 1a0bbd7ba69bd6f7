#include "cli/sweep/child_pool.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace surge::sweep {
namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string slurp_and_remove(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  std::filesystem::remove(path);
  return s.str();
}

}  // namespace

std::string ChildOutcome::how() const {
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit code " + std::to_string(exit_code);
}

ChildPool::ChildPool(std::string work_dir) : work_dir_(std::move(work_dir)) {
  std::filesystem::create_directories(work_dir_);
}

ChildPool::~ChildPool() {
  stop_all();
}

void ChildPool::start(int id, const std::vector<std::string>& argv) {
  Child c;
  c.id = id;
  const std::string stem = work_dir_ + "/child-" + std::to_string(getpid()) + "-" + std::to_string(spawned_++);
  c.out_path = stem + ".out";
  c.err_path = stem + ".err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, c.out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, c.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  c.started_s = now_s();
  children_[pid] = c;
}

ChildOutcome ChildPool::wait_any() {
  int status = 0;
  const pid_t pid = waitpid(-1, &status, 0);
  if (pid < 0) {
    ChildOutcome interrupted;
    interrupted.id = -1;
    return interrupted;
  }
  if (children_.find(pid) == children_.end()) return wait_any();  // not one of ours (cannot happen in our programs)
  return collect(pid, status);
}

ChildOutcome ChildPool::try_wait_any() {
  for (const auto& [pid, c] : children_) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return collect(pid, status);
  }
  ChildOutcome none;
  none.id = -1;
  return none;
}

ChildOutcome ChildPool::collect(pid_t pid, int status) {
  auto it = children_.find(pid);
  const Child c = it->second;
  children_.erase(it);
  ChildOutcome o;
  o.id = c.id;
  o.wall_s = now_s() - c.started_s;
  if (WIFSIGNALED(status)) o.signal = WTERMSIG(status);
  if (WIFEXITED(status)) o.exit_code = WEXITSTATUS(status);
  o.out = slurp_and_remove(c.out_path);
  o.err = slurp_and_remove(c.err_path);
  return o;
}

void ChildPool::stop_all() {
  for (const auto& [pid, c] : children_) kill(pid, SIGTERM);
  for (const auto& [pid, c] : children_) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    std::filesystem::remove(c.out_path);
    std::filesystem::remove(c.err_path);
  }
  children_.clear();
}

}  // namespace surge::sweep
