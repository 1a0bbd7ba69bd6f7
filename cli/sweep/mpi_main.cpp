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
#include <deque>
#include <filesystem>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/sweep/child_pool.hpp"
#include "cli/sweep/sweep_runner.hpp"
#include "models/exit_codes.hpp"

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

int coordinator(const Args& a, int ranks, const std::string& surge) {
  SweepSpec spec;
  std::string problem;
  int problem_code = 0;
  try {
    spec = load_sweep(a.file);
  } catch (const ScenarioError& e) {
    problem = e.what(), problem_code = kExitBadInput;
  }
  std::unique_ptr<SweepStore> store;
  std::vector<SweepPoint> points;
  std::vector<RunTask> tasks;
  SweepProgress p;
  if (problem.empty()) {
    try {
      points = expand_points(spec);
      store = std::make_unique<SweepStore>(a.out, spec, points);
      tasks = plan_runs(spec, points, *store, surge, p.reused);
      store->write_csv();
    } catch (const StoreError& e) {
      problem = e.what(), problem_code = e.bad_input() ? kExitBadInput : kExitRuntime;
    }
  }
  p.runs = static_cast<int>(tasks.size());
  ChildPool pool(a.out.empty() ? "." : a.out + "/.work");
  size_t next = 0;
  int stopped_workers = 0;
  std::deque<int> ready;  // worker ranks waiting for a task (one entry per free slot)
  const auto t0 = std::chrono::steady_clock::now();
  const std::string me = runner_name(kCoordinator);
  auto record = [&](int task, int exit_code, int signal, const std::string& out, const std::string& err, double wall_s,
                    const std::string& runner) {
    const RunTask& t = tasks[static_cast<size_t>(task)];
    RunRecord rec = run_record(t, points, exit_code, signal, out, err, wall_s);
    rec.runner = runner;
    store->record(rec, points[static_cast<size_t>(t.point)], spec.replications);
    ++p.done;
    if (!rec.ok) ++p.failed;
    p.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    p.eta_s = p.wall_s / p.done * (p.runs - p.done);
    if (!a.quiet) std::fprintf(stderr, "%s\n", render_progress(p).c_str());
  };
  auto stop_worker = [&](int rank) {
    send("", rank, STOP);
    ++stopped_workers;
  };
  // Workers announce one READY per slot; each gets a task or, when none is left, STOP (once per rank).
  std::vector<bool> told_to_stop(static_cast<size_t>(ranks), false);
  while (p.done < p.runs || stopped_workers < ranks - 1) {
    bool busy = false;
    if (problem.empty()) {
      while (next < tasks.size() && static_cast<int>(pool.running()) < a.jobs) {
        pool.start(static_cast<int>(next), tasks[next].argv);
        ++next;
      }
      const ChildOutcome c = pool.try_wait_any();
      if (c.id >= 0) {
        record(c.id, c.exit_code, c.signal, c.out, c.err, c.wall_s, me);
        busy = true;
      }
    }
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (flag) {
      busy = true;
      const std::string text = receive(status);
      const int rank = status.MPI_SOURCE;
      if (status.MPI_TAG == RESULT) {
        const nlohmann::json r = nlohmann::json::parse(text);
        record(r["task"], r["exit_code"], r["signal"], r["out"], r["err"], r["wall_s"], r["runner"]);
      } else if (status.MPI_TAG == READY) {
        if (problem.empty() && next < tasks.size()) {
          send(nlohmann::json{{"task", next}, {"argv", tasks[next].argv}}.dump(), rank, TASK);
          ++next;
        } else if (!told_to_stop[static_cast<size_t>(rank)]) {
          told_to_stop[static_cast<size_t>(rank)] = true;
          stop_worker(rank);
        }
      }
    }
    if (!problem.empty() && stopped_workers == ranks - 1) break;
    if (!busy) std::this_thread::sleep_for(kIdlePoll);
  }
  std::filesystem::remove_all(a.out + "/.work");
  if (!problem.empty()) {
    report(problem, problem_code);
    return problem_code;
  }
  std::printf(
      "%s: %d runs (%d failed), %d stored before, on %d ranks; results in %s/results.csv and %s/results.sqlite\n",
      spec.name.c_str(), p.runs, p.failed, p.reused, ranks, a.out.c_str(), a.out.c_str());
  return p.failed > 0 ? kExitRuntime : 0;
}

}  // namespace

int main(int argc, char** argv) {
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
    code = coordinator(a, ranks, child_program(surge_beside(argv[0])));
  } else {
    const auto work = std::filesystem::temp_directory_path() / ("surge-mpi-" + std::to_string(getpid()));
    worker(work.string(), a.jobs, runner_name(rank));
    std::filesystem::remove_all(work);
  }
  MPI_Bcast(&code, 1, MPI_INT, kCoordinator, MPI_COMM_WORLD);
  MPI_Finalize();
  return code;
}
