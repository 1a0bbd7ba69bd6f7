// A sweep file: a base scenario and the parameters to vary over it (lists, ranges with a step, random or
// Latin hypercube samples), the replications per point and the metrics to keep; optionally a search for
// the boundary of one parameter against a condition. Validated like scenarios: every problem is a
// Diagnostic "file:line:col: message" with the source line and a caret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario_parser.hpp"

namespace surge {

/// How a parameter's values are given.
enum class ValuesKind {
  LIST,     ///< values: [0h, 2h, 4h]
  RANGE,    ///< range: {from: 0h, to: 12h, step: 2h} (to included when it falls on a step)
  SAMPLES,  ///< samples: {from: 1k/s, to: 20k/s}: drawn per point by the sweep's sampling
};

/// One swept parameter.
struct SweepParameter {
  std::string path;  ///< scenario path as --set writes it, e.g. incident.decision_delay
  ValuesKind kind = ValuesKind::LIST;
  std::vector<std::string> values;  ///< LIST and RANGE: each value as --set text ("2h", "0.4", "60%")
  double from = 0;                  ///< RANGE and SAMPLES: the bounds in the unit written (2 for "2h")
  double to = 0;
  double step = 0;   ///< RANGE
  std::string unit;  ///< the unit suffix written after the number ("h", "/s", "%", "Gbps", "")
  SourceLoc loc;     ///< where the parameter is written
};

/// How SAMPLES parameters are drawn.
enum class SamplingKind { RANDOM, LATIN_HYPERCUBE };

/// The condition a search decides, on one metric of the run's report.
struct SearchCondition {
  std::string metric;                       ///< a report figure as `summarize` flattens it, e.g. completion_time_s
  bool at_most = true;                      ///< metric <= threshold (false: metric >= threshold)
  std::string threshold_text;               ///< as written: "20h", or relative to the deadline: "deadline - 20%"
  double threshold = 0;                     ///< absolute threshold in SI (seconds for durations), when not relative
  std::optional<double> deadline_fraction;  ///< "deadline - 20%": threshold = deadline x (1 - 0.2)
};

/// A search for the boundary of one parameter (bisection between bounds).
struct SweepSearch {
  std::string path;  ///< the parameter searched, e.g. data_centers.dc1.hsm.signatures_per_s
  double from = 0;   ///< bounds in the unit written
  double to = 0;
  std::string unit;
  SearchCondition condition;
  double tolerance = 0.01;    ///< stop when the bracket is narrower than this share of its upper end
  int max_replications = 20;  ///< per probe, added until the CI excludes the threshold
  SourceLoc loc;
};

/// A whole sweep file.
struct SweepSpec {
  std::string file;  ///< path it was read from
  std::string name;
  std::string question;
  std::string base;           ///< the base scenario's path, resolved relative to the sweep file
  std::vector<Override> set;  ///< fixed overrides applied at every point (before the parameters)
  std::uint64_t seed = 1;     ///< replication r of every point uses replication_seed(seed, r) (common random numbers)
  int replications = 1;
  std::vector<std::string> metrics;  ///< report figures kept (flattened paths); default: the summary figures
  std::vector<SweepParameter> parameters;
  SamplingKind sampling = SamplingKind::LATIN_HYPERCUBE;
  int samples = 0;  ///< points drawn when any parameter is SAMPLES
  std::uint64_t sampling_seed = 1;
  std::optional<SweepSearch> search;
};

/// One point of the sweep: a value per parameter, as --set overrides (in the parameters' order).
struct SweepPoint {
  std::vector<Override> overrides;
  /// "path=value;path=value" in the parameters' order: the key results are stored under.
  std::string key() const;
};

/// Reads and validates a sweep file (and checks the base scenario loads with every point's overrides).
/// Throws ScenarioError listing every problem.
SweepSpec load_sweep(const std::string& path);
/// Same, from text; `file` is the name errors report.
SweepSpec parse_sweep(const std::string& text, const std::string& file);

/// Every point: the product of LIST and RANGE values, each combined with `samples` SAMPLES draws (seeded,
/// reproducible on any machine). Deterministic order.
std::vector<SweepPoint> expand_points(const SweepSpec& spec);

/// The default metrics when a sweep names none.
std::vector<std::string> default_sweep_metrics();

/// A number and the unit written after it: "12h" -> 12, "h"; "1000/s" -> 1000, "/s"; "0.4" -> 0.4, "".
struct NumberWithUnit {
  double number = 0;
  std::string unit;
};
/// Splits a value as sweep bounds and parameter values are written; nullopt when it does not start with a number.
std::optional<NumberWithUnit> split_number_unit(std::string_view text);

/// A value in a unit as --set text: 2.5 and "h" -> "2.5h" (shortest exact decimal).
std::string format_value(double value, const std::string& unit);

}  // namespace surge
