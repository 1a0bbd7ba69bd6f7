#include "cli/sweep/sweep_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/sweep/child_pool.hpp"
#include "models/statistics.hpp"
#include "models/units.hpp"

namespace surge::sweep {
namespace {

constexpr int kErrorLines = 4;  // of a failed child's stderr kept with its error

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string last_lines(const std::string& text, int n) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  std::string out;
  for (size_t i = lines.size() > static_cast<size_t>(n) ? lines.size() - n : 0; i < lines.size(); ++i)
    out += (out.empty() ? "" : "\n") + lines[i];
  return out;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string child_program(const std::string& default_program) {
  if (const char* wrapper = std::getenv("SURGE_SWEEP_CHILD"); wrapper && *wrapper) return wrapper;
  return default_program;
}

std::vector<std::string> run_argv(const std::string& surge, const SweepSpec& spec,
                                  const std::vector<Override>& overrides, std::uint64_t seed) {
  std::vector<std::string> argv = {surge, "run", spec.base};
  for (const Override& o : overrides) argv.insert(argv.end(), {"--set", o.path + "=" + o.value});
  argv.insert(argv.end(), {"--seed", std::to_string(seed), "--json", "--quiet"});
  return argv;
}

std::vector<RunTask> plan_runs(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepStore& store,
                               const std::string& surge, int& reused) {
  const std::string base_text = read_file(spec.base);
  std::vector<RunTask> tasks;
  reused = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    std::vector<Override> overrides = spec.set;
    overrides.insert(overrides.end(), points[i].overrides.begin(), points[i].overrides.end());
    std::string identity = base_text;
    for (const Override& o : overrides) identity += "\n" + o.path + "=" + o.value;
    const std::string hash = stable_hash(identity);
    const std::map<int, RunRecord> stored = store.runs(points[i].key(), hash);
    for (int r = 0; r < spec.replications; ++r) {
      if (stored.count(r)) {
        ++reused;
        continue;
      }
      RunTask t;
      t.point = static_cast<int>(i);
      t.replication = r;
      t.seed = replication_seed(spec.seed, r);  // the same seeds at every point: common random numbers
      t.argv = run_argv(surge, spec, overrides, t.seed);
      t.scenario_hash = hash;
      tasks.push_back(std::move(t));
    }
  }
  return tasks;
}

RunRecord run_record(const RunTask& task, const std::vector<SweepPoint>& points, int exit_code, int signal,
                     const std::string& out, const std::string& err, double wall_s) {
  RunRecord rec;
  rec.point_key = points[static_cast<size_t>(task.point)].key();
  rec.replication = task.replication;
  rec.seed = task.seed;
  rec.scenario_hash = task.scenario_hash;
  rec.wall_s = wall_s;
  ChildOutcome how;
  how.exit_code = exit_code;
  how.signal = signal;
  if (signal == 0 && exit_code == 0) {
    rec.report = nlohmann::json::parse(out, nullptr, false);
    rec.ok = !rec.report.is_discarded() && rec.report.is_object();
    if (!rec.ok) rec.error = "exit code 0 but no report on standard output";
  } else {
    const std::string said = last_lines(err, kErrorLines);
    rec.error = how.how() + (said.empty() ? "" : ": " + said);
  }
  return rec;
}

SweepOutcome run_sweep(const SweepSpec& spec, const SweepOptions& options) {
  const std::vector<SweepPoint> points = expand_points(spec);
  SweepStore store(options.out_dir, spec, points);
  SweepOutcome outcome;
  SweepProgress& p = outcome.progress;
  const std::vector<RunTask> tasks = plan_runs(spec, points, store, options.surge, p.reused);
  p.runs = static_cast<int>(tasks.size());
  store.write_csv();  // a rerun with nothing to do still leaves the files complete
  ChildPool pool(options.out_dir + "/.work");
  const double t0 = now_s();
  size_t next = 0;
  auto stopping = [&] { return options.stop && options.stop->load(); };
  while ((next < tasks.size() || pool.running() > 0) && !stopping()) {
    while (next < tasks.size() && static_cast<int>(pool.running()) < std::max(1, options.jobs) && !stopping()) {
      pool.start(static_cast<int>(next), tasks[next].argv);
      ++next;
    }
    const ChildOutcome c = pool.wait_any();
    if (c.id < 0) continue;  // a signal: look at the stop flag
    const RunTask& task = tasks[static_cast<size_t>(c.id)];
    const RunRecord rec = run_record(task, points, c.exit_code, c.signal, c.out, c.err, c.wall_s);
    store.record(rec, points[static_cast<size_t>(task.point)], spec.replications);
    ++p.done;
    if (!rec.ok) ++p.failed;
    p.wall_s = now_s() - t0;
    p.eta_s = p.done > 0 ? p.wall_s / p.done * (p.runs - p.done) : 0;
    if (options.on_progress) options.on_progress(p);
  }
  if (stopping()) {
    pool.stop_all();
    outcome.interrupted = true;
  }
  std::filesystem::remove_all(options.out_dir + "/.work");
  return outcome;
}

std::string render_progress(const SweepProgress& p) {
  std::ostringstream o;
  o << "sweep: " << p.done << "/" << p.runs << " runs done, " << p.failed << " failed";
  if (p.reused > 0) o << ", " << p.reused << " stored before";
  if (p.done < p.runs) o << ", ETA " << format_duration(p.eta_s);
  return o.str();
}

}  // namespace surge::sweep
