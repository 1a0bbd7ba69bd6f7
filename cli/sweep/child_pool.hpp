// Runs programs as child processes (posix_spawn), at most N at a time, each with its standard output and
// error in files; reports each one as it ends, with its exit code or the signal that killed it. Used by
// sweeps (every point is its own `surge run`: one SimGrid engine per process, and a crash or abort costs
// one point) and by the MPI launcher, which must not link SimGrid. No SimGrid here.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace surge::sweep {

/// A finished child.
struct ChildOutcome {
  int id = 0;          ///< the caller's id for it
  int exit_code = -1;  ///< when it exited
  int signal = 0;      ///< when a signal killed it (0 if it exited)
  std::string out;     ///< its standard output
  std::string err;     ///< its standard error
  double wall_s = 0;   ///< from start to end
  /// "exit code 2", "killed by signal 6 (Aborted)".
  std::string how() const;
};

/// Children started and not yet collected.
class ChildPool {
 public:
  /// Output files go into work_dir (created if missing).
  explicit ChildPool(std::string work_dir);
  ~ChildPool();  ///< kills whatever still runs
  ChildPool(const ChildPool&) = delete;
  ChildPool& operator=(const ChildPool&) = delete;

  /// Starts argv[0] (a path) with argv; throws std::runtime_error if it cannot be spawned.
  void start(int id, const std::vector<std::string>& argv);
  /// Children running.
  size_t running() const { return children_.size(); }
  /// Waits for any child to end and returns it. Precondition: running() > 0. Returns with id -1 when
  /// interrupted by a signal (EINTR) so that the caller can check its stop flag.
  ChildOutcome wait_any();
  /// Like wait_any, without blocking: a finished child, or nothing (id -1) when none has ended.
  ChildOutcome try_wait_any();
  /// Sends SIGTERM to every child, then waits for them all.
  void stop_all();

 private:
  ChildOutcome collect(pid_t pid, int status);

  struct Child {
    int id = 0;
    std::string out_path;
    std::string err_path;
    double started_s = 0;
  };
  std::string work_dir_;
  std::map<pid_t, Child> children_;
  long spawned_ = 0;
};

}  // namespace surge::sweep
