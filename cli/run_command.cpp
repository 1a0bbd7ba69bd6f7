// `surge run`, in surge-sim: the simulation (with replications, progress and the analytic planner's decision
// outputs), its answer printed and written.
#include "cli/run_command.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/analyze_command.hpp"
#include "models/atomic_file.hpp"
#include "models/exit_codes.hpp"
#include "models/report_check.hpp"
#include "models/units.hpp"
#include "sim/replications.hpp"
#include "sim/simulation.hpp"

namespace surge::cli {
namespace {

constexpr double kLineProgressEvery_s = 5.0;  // wall seconds between progress lines off a terminal
constexpr double kBarProgressEvery_s = 0.2;

// Writes DIR's files whole or not at all (models/atomic_file), creating DIR.
void write_files(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  std::filesystem::create_directories(dir);
  std::vector<std::pair<std::string, std::string>> paths;
  for (const auto& [name, text] : files) paths.push_back({(std::filesystem::path(dir) / name).string(), text});
  write_files_atomically(paths);
}

void write_outputs(const std::string& dir, const Report& r) {
  write_files(dir, {{"summary.json", to_json(r).dump(2) + "\n"},
                    {"summary.txt", render_text(r)},
                    {"series.csv", render_series_csv(r)}});
}

nlohmann::json replicated_json(const sim::Replicated& rep) {
  nlohmann::json runs = nlohmann::json::array();
  for (const Report& r : rep.runs) runs.push_back(to_json(r));
  return {{"replications", rep.runs.size()}, {"summary", rep.summary}, {"runs", runs}};
}

// Progress on stderr: a bar on a terminal, a line every few seconds otherwise, or JSON lines.
std::function<void(const sim::Progress&)> progress_reporter(const std::string& mode, bool quiet) {
  if (quiet || mode == "none") return {};
  const bool tty = isatty(STDERR_FILENO);
  std::string m = mode == "auto" ? (tty ? "bar" : "lines") : mode;
  auto last = std::make_shared<double>(-1e9);
  return [m, last](const sim::Progress& p) {
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
                   std::string(kWidth - filled, ' ').c_str(), format_duration(p.sim_time_s).c_str(),
                   format_count(p.replaced).c_str(), format_duration(eta).c_str());
    } else {
      std::fprintf(stderr, "progress: sim %s of %s, replaced %s, revoked %s, wall %s, ETA %s\n",
                   format_duration(p.sim_time_s).c_str(), format_duration(p.horizon_s).c_str(),
                   format_count(p.replaced).c_str(), format_count(p.revoked).c_str(), format_duration(p.wall_s).c_str(),
                   format_duration(eta).c_str());
    }
    std::fflush(stderr);
  };
}

}  // namespace

int run_command(const RunArgs& a) {
  if (const std::string problem = target_utilisation_problem(a.target_utilisation); !problem.empty()) {
    std::cerr << problem << "\n";
    return kExitBadInput;
  }
  Scenario s = load(a.file, a.sets);
  sim::RunOptions opt;
  opt.seed = a.seed;
  opt.log = a.log;
  if (a.replications > 1) {
    const int parallel =
        a.parallel > 0 ? a.parallel : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (!a.quiet) std::fprintf(stderr, "running %d replications, %d at a time\n", a.replications, parallel);
    const sim::Replicated rep = sim::run_replications(s, a.replications, parallel, opt);
    const nlohmann::json j = replicated_json(rep);
    if (!a.out.empty())
      write_files(a.out, {{"summary.json", j.dump(2) + "\n"}, {"summary.txt", render_replicated(rep)}});
    std::cout << (a.json ? j.dump(2) + "\n" : render_replicated(rep));
    int met = 0;
    for (const Report& r : rep.runs) met += r.deadline_met ? 1 : 0;
    return a.fail_on_miss && met < static_cast<int>(rep.runs.size()) ? kExitMissed : 0;
  }
  opt.on_progress = progress_reporter(a.progress, a.quiet);
  Report r = sim::run_simulation(s, opt);
  // The decision outputs planners act on, from the analytic planner (milliseconds): the latest decision that
  // still meets the deadline (the simulator confirms it: tests/sim/decision_test.cpp) and the recommended
  // window (tests/sim/batches_test.cpp).
  AnalyticOptions analytic_options;
  analytic_options.target_utilisation = a.target_utilisation;
  const Report analytic = analyze(s, analytic_options);
  r.latest_decision_s = analytic.latest_decision_s;
  r.recommended_window = analytic.recommended_window;
  if (opt.on_progress && a.progress != "jsonl" &&
      (a.progress == "bar" || (a.progress == "auto" && isatty(STDERR_FILENO))))
    std::fprintf(stderr, "\n");
  require_report_invariants(r);  // a broken report is a bug, never an answer (exit 3)
  require_report_invariants(analytic);
  if (!a.out.empty()) write_outputs(a.out, r);
  if (a.compare_analytic) {
    if (a.json) {
      std::cout << nlohmann::json{{"simulated", to_json(r)}, {"analytic", to_json(analytic)}}.dump(2) << "\n";
    } else {
      std::cout << render_comparison(r, analytic);
    }
  } else if (a.json) {
    std::cout << to_json(r).dump(2) << "\n";
  } else {
    std::cout << render_text(r);
  }
  return a.fail_on_miss && !r.deadline_met ? kExitMissed : 0;
}

}  // namespace surge::cli
