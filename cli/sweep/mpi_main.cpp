// surge-mpi: spreads a sweep's runs over MPI ranks, on any number of hosts.
//   mpirun -np R surge-mpi sweep FILE --out DIR [-j N]
// Rank 0 reads the sweep, plans the runs still missing from DIR (as `surge sweep` does), hands them out one
// at a time to every rank (itself included) and records each result in DIR as it arrives; every rank runs
// its runs as `surge run` children (posix_spawn), N at a time. Linked against OpenMPI and NOT SimGrid:
// libsimgrid exports its own MPI_* symbols (SMPI), which would abort in MPI_Init. Exit codes as `surge
// sweep`: 0 ok, 2 bad input, 3 some runs failed or results could not be written.
#include <mpi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/sweep/child_pool.hpp"
#include "cli/sweep/sweep_runner.hpp"
#include "models/exit_codes.hpp"
#include "models/heap.hpp"

namespace {

using namespace surge;
using namespace surge::sweep;

constexpr int kCoordinator = 0;
constexpr auto kIdlePoll = std::chrono::milliseconds(2);

enum Tag : int { READY = 1, TASK = 2, RESULT = 3, STOP = 4 };

void send(const std::string& text, int to, Tag tag) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

// Receives one message (any source or tag); returns its text and fills status.
std::string receive(MPI_Status& status) {
  MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
  int size = 0;
  MPI_Get_count(&status, MPI_CHAR, &size);
  std::string text(static_cast<size_t>(size), '\0');
  MPI_Recv(text.data(), size, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

// surge-mpi's own error, every line starting "surge-mpi:" and the last giving the exit code, so that it
// stands out from the banner mpirun prints after any rank exits non-zero.
void report(const std::string& problem, int code) {
  std::string text = problem;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::fprintf(stderr, "surge-mpi: %s\n", line.c_str());
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::fprintf(stderr, "surge-mpi: exit code %d (%s); mpirun's own report may follow\n", code,
               code == kExitBadInput ? "bad input" : "runs failed or results not written");
}

// "rank N on HOST": who ran a run, as the results database records it.
std::string runner_name(int rank) {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return "rank " + std::to_string(rank) + " on " + host;
}

nlohmann::json outcome_json(const ChildOutcome& c, int task, const std::string& runner) {
  return {{"task", task}, {"exit_code", c.exit_code}, {"signal", c.signal}, {"out", c.out},
          {"err", c.err}, {"wall_s", c.wall_s},       {"runner", runner}};
}

// The surge beside this program.
std::string surge_beside(const char* argv0) {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path dir = ec ? std::filesystem::path(argv0).parent_path() : exe.parent_path();
  return (dir / "surge").string();
}

struct Args {
  std::string file;
  std::string out;
  int jobs = 1;
  bool quiet = false;
};

// Parses `sweep FILE --out DIR [-j N] [--quiet]`; returns an error message or "".
std::string parse_args(int argc, char** argv, Args& a) {
  if (argc < 2 || std::string(argv[1]) != "sweep") return "usage: surge-mpi sweep FILE --out DIR [-j N] [--quiet]";
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(std::string(what) + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--out")
        a.out = value("--out");
      else if (arg == "-j" || arg == "--jobs")
        a.jobs = std::stoi(value("-j"));
      else if (arg == "--quiet")
        a.quiet = true;
      else if (!arg.empty() && arg[0] == '-')
        return "unknown option " + arg;
      else if (a.file.empty())
        a.file = arg;
      else
        return "one sweep file at a time";
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  if (a.file.empty() || a.out.empty()) return "usage: surge-mpi sweep FILE --out DIR [-j N] [--quiet]";
  if (a.jobs < 1) return "-j must be at least 1";
  return "";
}

// Every rank but the coordinator: ask for a task, run it, send the outcome back, until told to stop.
void worker(const std::string& work_dir, int jobs, const std::string& runner) {
  ChildPool pool(work_dir);
  int asked = 0;
  bool stopping = false;
  for (int i = 0; i < jobs; ++i, ++asked) send("", kCoordinator, READY);
  while (!stopping || pool.running() > 0) {
    if (pool.running() > 0) {
      const ChildOutcome c = pool.try_wait_any();
      if (c.id >= 0) {
        send(outcome_json(c, c.id, runner).dump(), kCoordinator, RESULT);
        if (!stopping) send("", kCoordinator, READY);
        continue;
      }
    }
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(kCoordinator, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (!flag) {
      std::this_thread::sleep_for(kIdlePoll);
      continue;
    }
    const std::string text = receive(status);
    if (status.MPI_TAG == STOP) {
      stopping = true;
      continue;
    }
    const nlohmann::json task = nlohmann::json::parse(text);
    pool.start(task["task"].get<int>(), task["argv"].get<std::vector<std::string>>());
  }
}

// Rank 0: plans the runs, runs some itself, hands the others out and records every result.
class Coordinator {
 public:
  Coordinator(const Args& a, int ranks, const std::string& surge)
      : a_(a), ranks_(ranks), me_(runner_name(kCoordinator)) {
    plan(surge);
    // After the store has checked the output folder: the pool makes its work folder inside it.
    pool_ = std::make_unique<ChildPool>(a.out.empty() ? "." : a.out + "/.work");
    t0_ = std::chrono::steady_clock::now();
  }

  int run() {
    while (p_.done < p_.runs || stopped_workers_ < ranks_ - 1) {
      const bool busy = run_local() | serve_message();
      if (!problem_.empty() && stopped_workers_ == ranks_ - 1) break;
      if (!busy) std::this_thread::sleep_for(kIdlePoll);
    }
    std::filesystem::remove_all(a_.out + "/.work");
    if (!problem_.empty()) {
      report(problem_, problem_code_);
      return problem_code_;
    }
    std::printf(
        "%s: %d runs (%d failed), %d stored before, on %d ranks; results in %s/results.csv and %s/results.sqlite\n",
        spec_.name.c_str(), p_.runs, p_.failed, p_.reused, ranks_, a_.out.c_str(), a_.out.c_str());
    return p_.failed > 0 ? kExitRuntime : 0;
  }

 private:
  // Reads the sweep and plans the runs missing from the store; a problem is kept, to report once every
  // worker has been told to stop.
  void plan(const std::string& surge) {
    try {
      spec_ = load_sweep(a_.file);
      points_ = expand_points(spec_);
      store_ = std::make_unique<SweepStore>(a_.out, spec_, points_);
      tasks_ = plan_runs(spec_, points_, *store_, surge, p_.reused);
      store_->write_csv();
    } catch (const ScenarioError& e) {
      problem_ = e.what(), problem_code_ = kExitBadInput;
    } catch (const StoreError& e) {
      problem_ = e.what(), problem_code_ = e.bad_input() ? kExitBadInput : kExitRuntime;
    }
    p_.runs = static_cast<int>(tasks_.size());
  }

  void record(int task, int exit_code, int signal, const std::string& out, const std::string& err, double wall_s,
              const std::string& runner) {
    const RunTask& t = tasks_[static_cast<size_t>(task)];
    RunRecord rec = run_record(t, points_, exit_code, signal, out, err, wall_s);
    rec.runner = runner;
    store_->record(rec, points_[static_cast<size_t>(t.point)], spec_.replications);
    ++p_.done;
    if (!rec.ok) ++p_.failed;
    p_.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    p_.eta_s = p_.wall_s / p_.done * (p_.runs - p_.done);
    if (!a_.quiet) std::fprintf(stderr, "%s\n", render_progress(p_).c_str());
  }

  // This rank's own children: start up to -j of them, record one that ended. True when one did.
  bool run_local() {
    if (!problem_.empty()) return false;
    while (next_ < tasks_.size() && static_cast<int>(pool_->running()) < a_.jobs) {
      pool_->start(static_cast<int>(next_), tasks_[next_].argv);
      ++next_;
    }
    const ChildOutcome c = pool_->try_wait_any();
    if (c.id < 0) return false;
    record(c.id, c.exit_code, c.signal, c.out, c.err, c.wall_s, me_);
    return true;
  }

  // One message from a worker: a result to record, or a free slot (READY) that gets a task or, when none
  // is left, STOP (once per rank). True when there was one.
  bool serve_message() {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (!flag) return false;
    const std::string text = receive(status);
    const int rank = status.MPI_SOURCE;
    if (status.MPI_TAG == RESULT) {
      const nlohmann::json r = nlohmann::json::parse(text);
      record(r["task"], r["exit_code"], r["signal"], r["out"], r["err"], r["wall_s"], r["runner"]);
    } else if (status.MPI_TAG == READY) {
      if (problem_.empty() && next_ < tasks_.size()) {
        send(nlohmann::json{{"task", next_}, {"argv", tasks_[next_].argv}}.dump(), rank, TASK);
        ++next_;
      } else if (!told_to_stop_[static_cast<size_t>(rank)]) {
        told_to_stop_[static_cast<size_t>(rank)] = true;
        send("", rank, STOP);
        ++stopped_workers_;
      }
    }
    return true;
  }

  const Args& a_;
  const int ranks_;
  SweepSpec spec_;
  std::string problem_;
  int problem_code_ = 0;
  std::unique_ptr<SweepStore> store_;
  std::vector<SweepPoint> points_;
  std::vector<RunTask> tasks_;
  SweepProgress p_;
  std::unique_ptr<ChildPool> pool_;
  const std::string me_;
  size_t next_ = 0;  ///< the next task to hand out or start
  int stopped_workers_ = 0;
  std::vector<bool> told_to_stop_ = std::vector<bool>(static_cast<size_t>(ranks_), false);
  std::chrono::steady_clock::time_point t0_;  ///< when the runs began
};

}  // namespace

int main(int argc, char** argv) {
  surge::keep_freed_heap();
  MPI_Init(&argc, &argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  Args a;
  const std::string bad = parse_args(argc, argv, a);
  int code = 0;
  if (!bad.empty()) {
    if (rank == kCoordinator) report(bad, kExitBadInput);
    code = kExitBadInput;
  } else if (rank == kCoordinator) {
    code = Coordinator(a, ranks, child_program(surge_beside(argv[0]))).run();
  } else {
    const auto work = std::filesystem::temp_directory_path() / ("surge-mpi-" + std::to_string(getpid()));
    worker(work.string(), a.jobs, runner_name(rank));
    std::filesystem::remove_all(work);
  }
  MPI_Bcast(&code, 1, MPI_INT, kCoordinator, MPI_COMM_WORLD);
  MPI_Finalize();
  return code;
}
