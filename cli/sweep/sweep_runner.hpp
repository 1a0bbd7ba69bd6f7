// Runs a sweep: every point and replication as its own `surge run` child process, N at a time; a crash,
// an abort or bad input in one point is recorded as that point's error and the sweep goes on. Results are
// stored as each run finishes (sweep_store); a rerun of the same sweep into the same directory skips what
// is stored and runs only what is missing (e.g. more replications). No SimGrid here: the MPI launcher
// links this too.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "cli/sweep/sweep_store.hpp"
#include "models/sweep_spec.hpp"

namespace surge::sweep {

/// One run to do.
struct RunTask {
  int point = 0;  ///< index into the expanded points
  int replication = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> argv;  ///< the whole `surge run ...` command
  std::string scenario_hash;
};

/// Where a sweep stands.
struct SweepProgress {
  int runs = 0;  ///< runs this invocation has to do
  int done = 0;  ///< of them, finished (ok or failed)
  int failed = 0;
  int reused = 0;  ///< runs found stored and not redone
  double wall_s = 0;
  double eta_s = 0;
};

/// How to run.
struct SweepOptions {
  int jobs = 1;
  std::string out_dir;
  std::string surge;                                      ///< the surge program the children run
  std::function<void(const SweepProgress&)> on_progress;  ///< after each run
  const std::atomic<bool>* stop = nullptr;                ///< set (e.g. by SIGINT) to stop early
};

/// What a sweep did.
struct SweepOutcome {
  SweepProgress progress;
  bool interrupted = false;
};

/// The program sweep children run: $SURGE_SWEEP_CHILD when set (a wrapper given the same arguments, e.g.
/// one running `nice surge "$@"`), else `default_program`.
std::string child_program(const std::string& default_program);
/// `surge run BASE --set ... --seed SEED --json --quiet`: one run of a sweep or a search, overrides in order.
std::vector<std::string> run_argv(const std::string& surge, const SweepSpec& spec,
                                  const std::vector<Override>& overrides, std::uint64_t seed);
/// The runs still missing from the store, in point order then replication.
std::vector<RunTask> plan_runs(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepStore& store,
                               const std::string& surge, int& reused);
/// A finished child's outcome as a stored run.
RunRecord run_record(const RunTask& task, const std::vector<SweepPoint>& points, int exit_code, int signal,
                     const std::string& out, const std::string& err, double wall_s);
/// Runs every missing run of the sweep with a local pool of `jobs` children.
SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options);
/// "progress: 12/40 runs, 1 failed, 3 stored before, ETA 1 min 5 s".
std::string render_progress(const SweepProgress& p);

}  // namespace surge::sweep
