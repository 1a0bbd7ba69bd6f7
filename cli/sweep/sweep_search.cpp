#include "cli/sweep/sweep_search.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

#include "cli/sweep/child_pool.hpp"
#include "cli/sweep/sweep_runner.hpp"
#include "models/analytic.hpp"
#include "models/format_units.hpp"
#include "models/statistics.hpp"

namespace surge::sweep {
namespace {

constexpr int kFirstReplications = 2;  // a confidence interval needs two
constexpr int kMaxSteps = 60;          // bisection steps, far more than any tolerance needs
constexpr int kMaxWidenings = 8;       // doublings of the simulated bracket when the analytic one is off
constexpr int kProbeDigits = 6;        // probed values are rounded to this many significant digits, so that the
                                       // value run is the value shown

double round_probe(double v) {
  if (v == 0) return 0;
  const double scale = std::pow(10.0, kProbeDigits - 1 - static_cast<int>(std::floor(std::log10(std::abs(v)))));
  return std::round(v * scale) / scale;
}

// The metric in one report, or nullopt when the report has none (e.g. no completion within the horizon).
std::optional<double> metric_of(const nlohmann::json& report, const std::string& metric) {
  const nlohmann::json s = summarize({report});
  if (!s.contains(metric) || s[metric]["n"].get<int>() == 0) return std::nullopt;
  return s[metric]["mean"].get<double>();
}

class Searcher {
 public:
  Searcher(const SweepSpec& spec, const SearchOptions& options) : spec_(spec), s_(*spec.search), options_(options) {
    const Scenario base = load_scenario(spec.base, spec.set);
    threshold_ = s_.condition.deadline_fraction ? base.incident.deadline_s * *s_.condition.deadline_fraction
                                                : s_.condition.threshold;
  }

  SearchResult run() {
    SearchResult r;
    r.threshold = threshold_;
    r.unit = s_.unit;
    // 1. The analytic planner brackets the boundary.
    const bool lo_meets = analytic(s_.from, r).decision == "meets";
    const bool hi_meets = analytic(s_.to, r).decision == "meets";
    if (lo_meets == hi_meets) {
      // Say what binds at the bound that comes closest, so that the planner knows what else to change.
      const Probe& best = r.probes[r.probes[0].mean <= r.probes[1].mean ? (s_.condition.at_most ? 0 : 1)
                                                                        : (s_.condition.at_most ? 1 : 0)];
      std::ostringstream why;
      why << "the condition " << (lo_meets ? "holds" : "fails") << " at both bounds (" << format_value(s_.from, s_.unit)
          << " and " << format_value(s_.to, s_.unit) << ") in the analytic planner; at " << best.value << " "
          << s_.condition.metric << " is " << format_figure(best.mean, s_.condition.metric) << " against "
          << format_figure(threshold_, s_.condition.metric) << ", bottleneck "
          << (bottleneck_.count(best.value) ? bottleneck_[best.value] : std::string("none"));
      r.why = why.str();
      return r;
    }
    r.meets_above = hi_meets;
    double meet = hi_meets ? s_.to : s_.from, fail = hi_meets ? s_.from : s_.to;
    for (int i = 0; i < kMaxSteps && !narrow(meet, fail); ++i) {
      const double mid = round_probe((meet + fail) / 2);
      if (mid == meet || mid == fail) break;  // as fine as the probes' resolution
      (analytic(mid, r).decision == "meets" ? meet : fail) = mid;
    }
    r.analytic_boundary = meet;

    // 2. The simulator confirms, from a bracket around the analytic boundary, widened until it holds.
    const double width = std::max(std::abs(meet) * s_.tolerance, std::abs(meet - fail));
    double sim_meet = round_probe(clamp(meet + (r.meets_above ? width : -width)));
    double sim_fail = round_probe(clamp(fail - (r.meets_above ? width : -width)));
    for (int i = 0; i < kMaxWidenings; ++i) {
      const std::string d = simulate(sim_meet, r).decision;
      if (d == "meets") break;
      if (d == "undecided") return undecided(r, sim_meet);
      sim_fail = sim_meet;  // it fails there: the boundary is further out
      sim_meet = round_probe(clamp(sim_meet + (r.meets_above ? 1 : -1) * width * (2 << i)));
    }
    for (int i = 0; i < kMaxWidenings; ++i) {
      const std::string d = simulate(sim_fail, r).decision;
      if (d == "fails") break;
      if (d == "undecided") return undecided(r, sim_fail);
      sim_meet = sim_fail;
      sim_fail = round_probe(clamp(sim_fail - (r.meets_above ? 1 : -1) * width * (2 << i)));
    }
    for (int i = 0; i < kMaxSteps && !narrow(sim_meet, sim_fail); ++i) {
      const double mid = round_probe((sim_meet + sim_fail) / 2);
      if (mid == sim_meet || mid == sim_fail) break;
      const std::string d = simulate(mid, r).decision;
      if (d == "undecided") return undecided(r, mid, sim_meet, sim_fail);
      (d == "meets" ? sim_meet : sim_fail) = mid;
    }
    r.found = true;
    r.meets_at = sim_meet;
    r.fails_at = sim_fail;
    return r;
  }

 private:
  bool narrow(double a, double b) const { return std::abs(a - b) <= s_.tolerance * std::max(std::abs(a), std::abs(b)); }
  double clamp(double v) const { return std::clamp(v, std::min(s_.from, s_.to), std::max(s_.from, s_.to)); }

  std::vector<Override> overrides_at(double v) const {
    std::vector<Override> o = spec_.set;
    o.push_back({s_.path, format_value(v, s_.unit)});
    return o;
  }

  std::string decide(const Probe& p) const {
    const double lo = p.mean - p.ci95, hi = p.mean + p.ci95;
    if (s_.condition.at_most) return hi <= threshold_ ? "meets" : lo > threshold_ ? "fails" : "undecided";
    return lo >= threshold_ ? "meets" : hi < threshold_ ? "fails" : "undecided";
  }

  // A report without the metric (no completion within the horizon) is as bad as it gets for the condition.
  double value_or_worst(const std::optional<double>& v) const {
    if (v) return *v;
    return s_.condition.at_most ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  }

  Probe& analytic(double v, SearchResult& r) {
    Probe p;
    p.source = "analytic";
    p.number = v;
    p.value = format_value(v, s_.unit);
    const Report report = analyze(load_scenario(spec_.base, overrides_at(v)));
    std::string names;
    for (const std::string& b : report.bottleneck) names += (names.empty() ? "" : "+") + b;
    bottleneck_[p.value] = names.empty() ? "none (client timing)" : names;
    p.mean = value_or_worst(metric_of(to_json(report), s_.condition.metric));
    p.samples = {p.mean};
    p.decision = decide(p);
    return record(r, p);
  }

  Probe& simulate(double v, SearchResult& r) {
    Probe p;
    p.source = "simulated";
    p.number = v;
    p.value = format_value(v, s_.unit);
    const std::vector<Override> overrides = overrides_at(v);
    load_scenario(spec_.base, overrides);  // a value the scenario refuses is bad input, reported as such
    int wanted = kFirstReplications;
    while (true) {
      run_replications(overrides, static_cast<int>(p.samples.size()), wanted, p);
      const Estimate e = estimate(p.samples);
      p.mean = e.mean;
      p.ci95 = std::isfinite(e.mean) ? e.half_width : 0;
      p.decision = decide(p);
      if (p.decision != "undecided" || wanted >= s_.max_replications) break;
      wanted = std::min(s_.max_replications, wanted * 2);
    }
    return record(r, p);
  }

  // Runs replications [from, to) of one probe as `surge run` children, `jobs` at a time; the same seeds at
  // every probe (common random numbers), so differences between probes are the parameter's, not noise.
  void run_replications(const std::vector<Override>& overrides, int from, int to, Probe& p) {
    ChildPool pool(options_.work_dir);
    std::vector<std::optional<double>> got(static_cast<size_t>(to - from));
    int next = from;
    while (next < to || pool.running() > 0) {
      while (next < to && static_cast<int>(pool.running()) < std::max(1, options_.jobs)) {
        pool.start(next, run_argv(options_.surge, spec_, overrides, replication_seed(spec_.seed, next)));
        ++next;
      }
      const ChildOutcome c = pool.wait_any();
      if (c.id < 0) continue;
      if (c.signal != 0 || c.exit_code != 0)
        throw std::runtime_error("the simulation at " + p.value + " failed: " + c.how() + ": " + c.err);
      got[static_cast<size_t>(c.id - from)] = metric_of(nlohmann::json::parse(c.out), s_.condition.metric);
    }
    for (int i = from; i < to; ++i) {
      p.seeds.push_back(replication_seed(spec_.seed, i));
      p.samples.push_back(value_or_worst(got[static_cast<size_t>(i - from)]));
    }
  }

  Probe& record(SearchResult& r, const Probe& p) {
    r.probes.push_back(p);
    if (options_.on_probe) options_.on_probe(p);
    return r.probes.back();
  }

  SearchResult undecided(SearchResult& r, double at, std::optional<double> meet = {}, std::optional<double> fail = {}) {
    r.why = "undecided at " + format_value(at, s_.unit) + ": after " + std::to_string(s_.max_replications) +
            " replications the 95% interval still holds the threshold (the boundary is within the noise there)";
    if (meet && fail) {
      r.meets_at = *meet;
      r.fails_at = *fail;
    }
    return r;
  }

  const SweepSpec& spec_;
  const SweepSearch& s_;
  const SearchOptions& options_;
  double threshold_ = 0;
  std::map<std::string, std::string> bottleneck_;  // the analytic bottleneck at each value probed
};

}  // namespace

SearchResult run_search(const SweepSpec& spec, const SearchOptions& options) {
  if (!spec.search) throw std::runtime_error(spec.file + ": no search section");
  return Searcher(spec, options).run();
}

std::string render_search(const SweepSpec& spec, const SearchResult& r) {
  std::ostringstream o;
  const SweepSearch& s = *spec.search;
  o << "search     " << s.path << " for " << s.condition.metric << (s.condition.at_most ? " <= " : " >= ")
    << s.condition.threshold_text << " (" << format_figure(r.threshold, s.condition.metric) << ")\n";
  if (r.found) {
    o << "boundary   " << format_value(r.meets_at, r.unit) << " meets it, " << format_value(r.fails_at, r.unit)
      << " fails it (simulated, tolerance " << s.tolerance * 100 << "%); analytic "
      << format_value(r.analytic_boundary, r.unit) << "\n";
  } else {
    o << "boundary   not found: " << r.why << "\n";
  }
  o << "probes     source     value          n  mean              95% CI         decision\n";
  for (const Probe& p : r.probes)
    o << "           " << std::left << std::setw(10) << p.source << " " << std::setw(14) << p.value << " "
      << std::setw(2) << p.samples.size() << " " << std::setw(17) << format_figure(p.mean, s.condition.metric) << " "
      << std::setw(14) << ("+/- " + format_figure(p.ci95, s.condition.metric)) << " " << p.decision << "\n";
  return o.str();
}

nlohmann::json search_json(const SweepSpec& spec, const SearchResult& r) {
  nlohmann::json probes = nlohmann::json::array();
  for (const Probe& p : r.probes)
    probes.push_back({{"source", p.source},
                      {"value", p.value},
                      {"number", p.number},
                      {"samples", p.samples},
                      {"seeds", p.seeds},
                      {"mean", p.mean},
                      {"ci95", p.ci95},
                      {"decision", p.decision}});
  nlohmann::json j = {{"sweep", spec.name},
                      {"parameter", spec.search->path},
                      {"metric", spec.search->condition.metric},
                      {"at_most", spec.search->condition.at_most},
                      {"threshold", r.threshold},
                      {"found", r.found},
                      {"unit", r.unit},
                      {"analytic_boundary", r.analytic_boundary},
                      {"probes", probes},
                      {"surge_version", SURGE_VERSION}};
  if (r.found) {
    j["meets_at"] = r.meets_at;
    j["fails_at"] = r.fails_at;
    j["boundary"] = format_value(r.meets_at, r.unit);
  } else {
    j["why"] = r.why;
  }
  return j;
}

}  // namespace surge::sweep
