// surge: the command-line front end over the run API.
//   surge run FILE [--set path=value]... [--seed N] [--json] [--out DIR] [--progress MODE] [--quiet]
//             [--fail-on-miss] [--log CATEGORY.thres:LEVEL]... [--compare-analytic]
//             [--replications R [--parallel J]]
//             [--target-utilisation U]
//   surge analyze FILE [--set path=value]... [--json] [--headroom F] [--target-utilisation U]
//   surge check FILE [--set path=value]...
//   surge sweep FILE [-j N] --out DIR
//   surge calibrate hsm --module PATH --token LABEL --out PROFILE.json [...] (with SURGE_BUILD_REAL)
// Exit codes: 0 ok; 1 deadline missed, only with --fail-on-miss; 2 bad input; 3 runtime failure.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "analytic.hpp"
#include "exit_codes.hpp"
#include "replications.hpp"
#include "report_check.hpp"
#include "scenario_parser.hpp"
#include "simulation.hpp"
#include "sweep_command.hpp"
#include "units.hpp"
#include "unknown_command.hpp"
#ifdef SURGE_HAS_REAL
#include "calibrate_command.hpp"
#endif

namespace {

using surge::kExitBadInput;
using surge::kExitMissed;
using surge::kExitRuntime;

constexpr double kLineProgressEvery_s = 5.0;  // wall seconds between progress lines off a terminal
constexpr double kBarProgressEvery_s = 0.2;

struct RunArgs {
  std::string file;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  bool json = false;
  bool quiet = false;
  bool fail_on_miss = false;
  std::string out;
  std::string progress = "auto";
  std::vector<std::string> log;
  bool compare_analytic = false;
  int replications = 1;
  int parallel = 0;
  double target_utilisation = surge::AnalyticOptions{}.target_utilisation;
};

// The recommended window's target: a fraction of capacity, 0 < U <= 1. Empty when valid.
std::string target_utilisation_problem(double u) {
  if (u > 0 && u <= 1) return "";
  std::ostringstream o;
  o << "surge: --target-utilisation " << u << ": must be more than 0 and at most 1 (a fraction of capacity)";
  return o.str();
}

void add_target_utilisation(CLI::App* cmd, double& target) {
  cmd->add_option("--target-utilisation", target,
                  "Peak utilisation the recommended window keeps every resource under, as a fraction (0 < U <= 1, "
                  "default 0.8)");
}

surge::Scenario load(const std::string& file, const std::vector<std::string>& sets) {
  std::vector<surge::Override> overrides;
  for (const std::string& s : sets) overrides.push_back(surge::parse_override(s));
  return surge::load_scenario(file, overrides);  // checks the invariants too: a violation exits 3
}

// Writes DIR's files under temporary names, then renames each into place: no partial output files.
void write_files(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  std::vector<std::pair<fs::path, fs::path>> staged;
  for (const auto& [name, text] : files) {
    const fs::path final_path = fs::path(dir) / name;
    const fs::path tmp = fs::path(dir) / ("." + name + ".tmp." + std::to_string(getpid()));
    std::ofstream o(tmp, std::ios::binary);
    o << text;
    o.close();
    if (!o) {
      for (const auto& st : staged) fs::remove(st.first);
      fs::remove(tmp);
      throw std::runtime_error("cannot write " + tmp.string());
    }
    staged.push_back({tmp, final_path});
  }
  for (const auto& [tmp, final_path] : staged) fs::rename(tmp, final_path);
}

void write_outputs(const std::string& dir, const surge::Report& r) {
  write_files(dir, {{"summary.json", surge::to_json(r).dump(2) + "\n"},
                    {"summary.txt", surge::render_text(r)},
                    {"series.csv", surge::render_series_csv(r)}});
}

nlohmann::json replicated_json(const surge::sim::Replicated& rep) {
  nlohmann::json runs = nlohmann::json::array();
  for (const surge::Report& r : rep.runs) runs.push_back(surge::to_json(r));
  return {{"replications", rep.runs.size()}, {"summary", rep.summary}, {"runs", runs}};
}

// Progress on stderr: a bar on a terminal, a line every few seconds otherwise, or JSON lines.
std::function<void(const surge::sim::Progress&)> progress_reporter(const std::string& mode, bool quiet) {
  if (quiet || mode == "none") return {};
  const bool tty = isatty(STDERR_FILENO);
  std::string m = mode == "auto" ? (tty ? "bar" : "lines") : mode;
  auto last = std::make_shared<double>(-1e9);
  return [m, last](const surge::sim::Progress& p) {
    const double every = m == "bar" ? kBarProgressEvery_s : m == "lines" ? kLineProgressEvery_s : 0;
    if (p.wall_s - *last < every) return;
    *last = p.wall_s;
    const double done = p.certificates > 0 ? (p.replaced + p.revoked) / (2 * p.certificates) : 0;
    const double frac = std::max(p.sim_time_s / p.horizon_s, done);
    const double eta = frac > 0 ? p.wall_s * (1 - frac) / frac : 0;
    if (m == "jsonl") {
      std::fprintf(stderr,
                   "{\"t_s\":%.3f,\"horizon_s\":%.3f,\"replaced\":%.0f,\"revoked\":%.0f,\"certificates\":%.0f,"
                   "\"wall_s\":%.3f,\"eta_s\":%.3f}\n",
                   p.sim_time_s, p.horizon_s, p.replaced, p.revoked, p.certificates, p.wall_s, eta);
    } else if (m == "bar") {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(frac * kWidth);
      std::fprintf(stderr, "\r[%s%s] sim %s, replaced %s, ETA %s   ", std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, ' ').c_str(), surge::format_duration(p.sim_time_s).c_str(),
                   surge::format_count(p.replaced).c_str(), surge::format_duration(eta).c_str());
    } else {
      std::fprintf(stderr, "progress: sim %s of %s, replaced %s, revoked %s, wall %s, ETA %s\n",
                   surge::format_duration(p.sim_time_s).c_str(), surge::format_duration(p.horizon_s).c_str(),
                   surge::format_count(p.replaced).c_str(), surge::format_count(p.revoked).c_str(),
                   surge::format_duration(p.wall_s).c_str(), surge::format_duration(eta).c_str());
    }
    std::fflush(stderr);
  };
}

int run_command(const RunArgs& a) {
  surge::Scenario s = load(a.file, a.sets);
  surge::sim::RunOptions opt;
  opt.seed = a.seed;
  opt.log = a.log;
  if (a.replications > 1) {
    const int parallel =
        a.parallel > 0 ? a.parallel : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (!a.quiet) std::fprintf(stderr, "running %d replications, %d at a time\n", a.replications, parallel);
    const surge::sim::Replicated rep = surge::sim::run_replications(s, a.replications, parallel, opt);
    const nlohmann::json j = replicated_json(rep);
    if (!a.out.empty())
      write_files(a.out, {{"summary.json", j.dump(2) + "\n"}, {"summary.txt", render_replicated(rep)}});
    std::cout << (a.json ? j.dump(2) + "\n" : render_replicated(rep));
    int met = 0;
    for (const surge::Report& r : rep.runs) met += r.deadline_met ? 1 : 0;
    return a.fail_on_miss && met < static_cast<int>(rep.runs.size()) ? kExitMissed : 0;
  }
  opt.on_progress = progress_reporter(a.progress, a.quiet);
  surge::Report r = surge::sim::run_simulation(s, opt);
  // The decision outputs planners act on, from the analytic planner (milliseconds): the latest decision that
  // still meets the deadline (the simulator confirms it: tests/sim/decision_test.cpp) and the recommended
  // window (tests/sim/batches_test.cpp).
  surge::AnalyticOptions analytic_options;
  analytic_options.target_utilisation = a.target_utilisation;
  const surge::Report analytic = surge::analyze(s, analytic_options);
  r.latest_decision_s = analytic.latest_decision_s;
  r.recommended_window = analytic.recommended_window;
  if (opt.on_progress && a.progress != "jsonl" &&
      (a.progress == "bar" || (a.progress == "auto" && isatty(STDERR_FILENO))))
    std::fprintf(stderr, "\n");
  surge::require_report_invariants(r);  // a broken report is a bug, never an answer (exit 3)
  surge::require_report_invariants(analytic);
  if (!a.out.empty()) write_outputs(a.out, r);
  if (a.compare_analytic) {
    if (a.json) {
      std::cout << nlohmann::json{{"simulated", surge::to_json(r)}, {"analytic", surge::to_json(analytic)}}.dump(2)
                << "\n";
    } else {
      std::cout << surge::render_comparison(r, analytic);
    }
  } else if (a.json) {
    std::cout << surge::to_json(r).dump(2) << "\n";
  } else {
    std::cout << surge::render_text(r);
  }
  return a.fail_on_miss && !r.deadline_met ? kExitMissed : 0;
}

}  // namespace

namespace {

// `surge plot ...` is surge-plot (gui/, Qt Charts off-screen): the CLI itself does not link Qt.
int run_plot(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("SURGE_PLOT"); env && *env) candidates.emplace_back(env);
  if (!ec) {
    candidates.push_back(self.parent_path() / "surge-plot");
    candidates.push_back(self.parent_path() / ".." / "gui" / "surge-plot");
  }
  for (const fs::path& c : candidates) {
    if (access(c.c_str(), X_OK) != 0) continue;
    std::vector<char*> args{const_cast<char*>(c.c_str())};
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    execv(c.c_str(), args.data());
  }
  std::fprintf(stderr,
               "surge plot: surge-plot is not built (configure with -DSURGE_BUILD_GUI=ON) or not beside surge\n");
  return kExitRuntime;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "plot") return run_plot(argc, argv);
  CLI::App app{
      "surge: capacity planning for a CA's mass revoke-and-reissue.\n"
      "Exit codes: 0 ok, 1 deadline missed (only with --fail-on-miss), 2 bad input, 3 runtime failure."};
  app.require_subcommand(1);
  app.set_version_flag("--version", SURGE_VERSION);

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Simulate a scenario and print the answer");
  run_cmd->add_option("file", run.file, "Scenario YAML file")->required();
  run_cmd->add_option("--set", run.sets,
                      "Override a scenario field, validated like the file: path=value, e.g. incident.deadline=20h, "
                      "data_centers.dc1.hsm.count=1 (repeatable)");
  run_cmd->add_option("--seed", run.seed, "Random seed (default: the scenario's)");
  run_cmd->add_flag("--json", run.json, "Print the summary as JSON instead of text");
  run_cmd->add_option("--out", run.out, "Directory for summary.json, summary.txt and series.csv (time series)");
  run_cmd
      ->add_option("--progress", run.progress,
                   "Progress on stderr: auto (a bar on a terminal, a line every 5 s otherwise), bar, lines, "
                   "jsonl (one JSON object per line, for programs), none")
      ->check(CLI::IsMember({"auto", "bar", "lines", "jsonl", "none"}));
  run_cmd->add_flag("--quiet", run.quiet, "No progress output");
  run_cmd->add_flag("--fail-on-miss", run.fail_on_miss, "Exit with 1 when the deadline is missed");
  run_cmd->add_option("--log", run.log,
                      "SimGrid log setting, e.g. surge_sim.thres:info for failures, promotions and bulk revocation "
                      "stamped with simulated time (repeatable)");

  run_cmd
      ->add_option("--replications", run.replications,
                   "Independent replications, each a child process seeded from (seed, replication); every "
                   "figure as a mean with its 95% confidence interval (Student t)")
      ->check(CLI::Range(1, 100000));
  run_cmd->add_option("--parallel", run.parallel, "Replications run at a time (default: the number of cores)")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_flag("--compare-analytic", run.compare_analytic,
                    "Also compute the analytic answer and print both side by side (with --json: both reports)");
  add_target_utilisation(run_cmd, run.target_utilisation);

  std::string analyze_file;
  std::vector<std::string> analyze_sets;
  bool analyze_json = false;
  double headroom = 0.2;
  CLI::App* analyze_cmd =
      app.add_subcommand("analyze",
                         "The analytic answer in milliseconds, without simulating: demand per certificate, "
                         "bottleneck, fluid drain time, latest decision, capacity needed");
  analyze_cmd->add_option("file", analyze_file, "Scenario YAML file")->required();
  analyze_cmd->add_option("--set", analyze_sets, "Override a scenario field: path=value (repeatable)");
  analyze_cmd->add_flag("--json", analyze_json, "Print the report as JSON instead of text");
  analyze_cmd
      ->add_option("--headroom", headroom, "Margin on the capacity each resource needs, as a fraction (default 0.2)")
      ->check(CLI::Range(0.0, 10.0));
  double analyze_target = surge::AnalyticOptions{}.target_utilisation;
  add_target_utilisation(analyze_cmd, analyze_target);

  std::string check_file;
  std::vector<std::string> check_sets;
  CLI::App* check_cmd = app.add_subcommand("check", "Validate a scenario (and overrides) without running it");
  check_cmd->add_option("file", check_file, "Scenario YAML file")->required();
  check_cmd->add_option("--set", check_sets, "Override a scenario field: path=value (repeatable)");

  surge::cli::add_sweep_command(app);
  app.add_subcommand("plot",
                     "Chart a sweep's results as PNG: surge plot DIR --x PARAM [--y PARAM] --metric NAME -o OUT.png "
                     "(runs surge-plot, built with the GUI)");
#ifdef SURGE_HAS_REAL
  surge::cli::add_calibrate_command(app);
#endif

  if (const std::string unknown = surge::cli::unknown_command(app, argc, argv); !unknown.empty()) {
    std::cerr << unknown;
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (const int code = surge::cli::run_sweep_command(argv[0]); code >= 0) return code;
#ifdef SURGE_HAS_REAL
    if (const int code = surge::cli::run_calibrate_command(); code >= 0) return code;
#endif
    const double target = *run_cmd ? run.target_utilisation : analyze_target;
    if (const std::string problem = target_utilisation_problem(target); !problem.empty()) {
      std::cerr << problem << "\n";
      return kExitBadInput;
    }
    if (*run_cmd) return run_command(run);
    if (*analyze_cmd) {
      const surge::Scenario s = load(analyze_file, analyze_sets);
      surge::AnalyticOptions options;
      options.headroom = headroom;
      options.target_utilisation = analyze_target;
      const surge::Report r = surge::analyze(s, options);
      surge::require_report_invariants(r);
      std::cout << (analyze_json ? surge::to_json(r).dump(2) + "\n" : surge::render_text(r));
      return 0;
    }
    if (*check_cmd) {
      surge::Scenario s = load(check_file, check_sets);
      std::cout << check_file << ": ok (" << s.name << ")\n";
      return 0;
    }
  } catch (const surge::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "surge: " << e.what() << "\n";
    return kExitRuntime;
  }
  return 0;
}
