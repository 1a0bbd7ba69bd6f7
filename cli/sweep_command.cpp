#include "cli/sweep_command.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/forward.hpp"
#include "cli/sweep/sweep_runner.hpp"
#include "cli/sweep/sweep_search.hpp"
#include "models/atomic_file.hpp"
#include "models/exit_codes.hpp"
#include "models/sweep_spec.hpp"

namespace surge::cli {
namespace {

struct SweepArgs {
  CLI::App* cmd = nullptr;
  std::string file;
  int jobs = 0;
  std::string out;
  bool quiet = false;
  bool search = false;
};
SweepArgs args;

std::atomic<bool> stop_requested{false};
void on_stop_signal(int) {
  stop_requested = true;
}

int run_search_mode(const SweepSpec& spec, const char* argv0) {
  if (!spec.search) {
    std::cerr << spec.file << ": no 'search' section; --search needs one (docs/SCENARIOS.md, Sweeps)\n";
    return kExitBadInput;
  }
  sweep::SearchOptions options;
  options.jobs = args.jobs > 0 ? args.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.surge = sweep::child_program(self_path(argv0));
  options.work_dir = args.out + "/.work";
  if (!args.quiet)
    options.on_probe = [](const sweep::Probe& p) {
      std::fprintf(stderr, "search: %s %s: %s (n = %zu, mean %.10g, 95%% CI +/- %.3g)\n", p.source.c_str(),
                   p.value.c_str(), p.decision.c_str(), p.samples.size(), p.mean, p.ci95);
    };
  try {
    const sweep::SearchResult r = sweep::run_search(spec, options);
    std::filesystem::remove_all(options.work_dir);
    std::filesystem::create_directories(args.out);
    write_file_atomically(args.out + "/search.json", sweep::search_json(spec, r).dump(2) + "\n");
    std::cout << sweep::render_search(spec, r);
    return 0;  // "no boundary in the bracket" and "within the noise" are answers too
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "surge sweep --search: " << e.what() << "\n";
    return kExitRuntime;
  }
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app) {
  args.cmd = app.add_subcommand(
      "sweep",
      "Run a sweep file: every point and replication as its own `surge run` child process, N at a time; "
      "results in DIR/results.csv and DIR/results.sqlite, written as each run finishes; rerunning skips "
      "what is stored");
  args.cmd->add_option("file", args.file, "Sweep YAML file (docs/SCENARIOS.md, Sweeps)")->required();
  args.cmd->add_option("-j,--jobs", args.jobs, "Runs at a time (default: the number of cores)")
      ->check(CLI::Range(1, 4096));
  args.cmd->add_option("--out", args.out, "Directory for results.csv and results.sqlite")->required();
  args.cmd->add_flag("--quiet", args.quiet, "No progress on stderr");
  args.cmd->add_flag("--search", args.search,
                     "Search mode: the boundary of the sweep's `search` parameter for its condition (the analytic "
                     "planner brackets it, the simulator confirms it with common random numbers); DIR/search.json");
  return args.cmd;
}

int run_sweep_command(const char* argv0) {
  if (!args.cmd || !*args.cmd) return -1;
  SweepSpec spec;
  try {
    spec = load_sweep(args.file);
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  }
  if (args.search) return run_search_mode(spec, argv0);
  sweep::SweepOptions options;
  options.jobs = args.jobs > 0 ? args.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.out_dir = args.out;
  options.surge = sweep::child_program(self_path(argv0));
  options.stop = &stop_requested;
  if (!args.quiet)
    options.on_progress = [](const sweep::SweepProgress& p) {
      std::fprintf(stderr, "%s\n", sweep::render_progress(p).c_str());
    };
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;  // no SA_RESTART: waitpid returns, the loop sees the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sweep::SweepOutcome outcome;
  try {
    outcome = sweep::run_sweep(spec, options);
  } catch (const sweep::StoreError& e) {
    std::cerr << "surge sweep: " << e.what() << "\n";
    return e.bad_input() ? kExitBadInput : kExitRuntime;
  }
  const sweep::SweepProgress& p = outcome.progress;
  if (outcome.interrupted) {
    std::cerr << "surge sweep: interrupted after " << p.done << " of " << p.runs
              << " runs; what finished is stored: run the same command to continue\n";
    return kExitInterrupted;
  }
  std::cout << spec.name << ": " << p.runs << " runs (" << p.failed << " failed), " << p.reused
            << " stored before; results in " << args.out << "/results.csv and " << args.out << "/results.sqlite\n";
  return p.failed > 0 ? kExitRuntime : 0;
}

}  // namespace surge::cli
