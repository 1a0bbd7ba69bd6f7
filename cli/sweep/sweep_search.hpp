// `surge sweep FILE --search`: the boundary of one parameter against one condition (e.g. "completion <=
// deadline - 20%"). The analytic planner brackets it by bisection in milliseconds; the simulator then
// confirms it by bisection around that bracket, every probe run with common random numbers (replication r
// has the same seed at every probe), and a step is taken only when the probe's 95% confidence interval
// excludes the threshold (replications are added until it does, up to the sweep's max_replications).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/sweep_spec.hpp"

namespace surge::sweep {

/// One evaluation of the condition at a value of the parameter.
struct Probe {
  std::string source;           ///< "analytic" or "simulated"
  std::string value;            ///< as --set text, e.g. "8680.56/s"
  double number = 0;            ///< in the unit written in the sweep file
  std::vector<double> samples;  ///< the metric per replication (one for the analytic planner)
  std::vector<std::uint64_t> seeds;
  double mean = 0;
  double ci95 = 0;
  std::string decision;  ///< "meets", "fails", or "undecided" (the interval holds the threshold)
};

/// The answer.
struct SearchResult {
  bool found = false;
  std::string why;               ///< when not found: the condition holds at both bounds, or at neither
  double threshold = 0;          ///< in the metric's SI unit
  double analytic_boundary = 0;  ///< in the parameter's unit
  double meets_at = 0;           ///< the value closest to the boundary that meets the condition (simulated)
  double fails_at = 0;           ///< ... and the one that fails it
  bool meets_above = true;       ///< larger values meet the condition
  std::string unit;
  std::vector<Probe> probes;  ///< every evaluation, in order: the runs that prove the answer
};

/// How to search.
struct SearchOptions {
  int jobs = 1;
  std::string surge;  ///< the surge program the simulations run
  std::string work_dir;
  std::function<void(const Probe&)> on_probe;
};

/// Runs the search of spec.search. Throws ScenarioError for a base that does not load at a probed value.
SearchResult run_search(const SweepSpec& spec, const SearchOptions& options);
/// The result as text: the boundary, the bracket, every probe.
std::string render_search(const SweepSpec& spec, const SearchResult& r);
/// The result as JSON (search.json).
nlohmann::json search_json(const SweepSpec& spec, const SearchResult& r);

}  // namespace surge::sweep
