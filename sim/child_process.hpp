// Runs a function in a forked child process and returns what it wrote, with its exit status and its
// resource usage. SimGrid's engine is one per process and aborts on fatal errors: every simulation that
// is not the process's only one runs this way (tests, benchmarks, replications, later sweeps).
#pragma once

#include <sys/resource.h>

#include <functional>
#include <string>

namespace surge::sim {

/// What a child left behind.
struct ChildResult {
  std::string output;  ///< everything the function returned, sent through a pipe
  int exit_code = 0;   ///< when it exited
  int signal = 0;      ///< when it was killed (0 if it exited)
  rusage usage{};      ///< its CPU time and peak memory (ru_maxrss, KiB)
};

/// A child started and not yet collected.
struct ChildHandle {
  int pid = -1;
  int fd = -1;  ///< read end of its pipe
};

/// Forks; the child runs fn, writes its result to the parent and _exits with the code fn set
/// (0 unless changed). Throws std::runtime_error if the process cannot be created.
ChildHandle start_child(const std::function<std::string(int& exit_code)>& fn);
/// Reads everything the child writes and waits for it.
ChildResult finish_child(const ChildHandle& child);
/// start_child then finish_child.
ChildResult run_child(const std::function<std::string(int& exit_code)>& fn);

}  // namespace surge::sim
