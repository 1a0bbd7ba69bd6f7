// A child process of the twin (a pipeline node, a CT log): started with posix_spawnp, its standard
// output read until it prints "listening ADDRESS:PORT", its standard error kept in a log file, extra
// environment (secrets) passed in its environment only, and SIGTERMed then SIGKILLed when it goes.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace surge::twin {

class ChildProcess {
 public:
  /// Starts `args[0]` with `args`, this process's environment plus `env`, standard error to `log_path`.
  /// Throws std::runtime_error when it cannot start.
  ChildProcess(const std::string& name, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Waits up to `timeout_s` for "listening ADDRESS:PORT" and returns "ADDRESS:PORT"; throws
  /// std::runtime_error with the child's exit status and its log's tail when it ends or times out first.
  std::string wait_listening(double timeout_s);

  /// SIGKILL now (a failure injected); the process is reaped.
  void kill_hard();
  /// SIGTERM without waiting (stop() then waits), so that several processes stop at once.
  void ask_to_stop() const;
  /// SIGTERM, then SIGKILL after `grace_s`; returns its exit code (128 + signal when killed).
  int stop(double grace_s = 5);

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  bool running() const { return pid_ > 0; }
  /// The last lines of its log.
  std::string log_tail() const;

 private:
  std::string name_;
  std::string log_path_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
};

/// CPU seconds (user + system) a process has used so far, from /proc/PID/stat; -1 when it is gone.
double process_cpu_s(pid_t pid);

}  // namespace surge::twin
