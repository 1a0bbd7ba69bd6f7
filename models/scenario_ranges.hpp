// The valid range of every number a scenario (or the hardware catalogue) holds: one table, read by the
// parser's MapReader for every integer and quantity key, printed into docs/SCENARIOS.md (a test keeps the
// two equal). Ranges follow from what is physically meaningful and, where a value's memory or time cost
// grows with it (hosts, actors, cohorts, planner steps), from what the simulator and the planner can hold;
// those caps carry their reason, which the error message repeats.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/units.hpp"

namespace surge {

/// What a ranged key holds: a whole number, or a quantity of one of the unit kinds.
enum class RangeKind { INTEGER, COUNT, FRACTION, DURATION, RATE, SIZE, BANDWIDTH };

/// One key's valid range. Bounds are written as a scenario file would write them ("1min", "10M/s").
struct KeyRange {
  std::string_view pattern;  ///< key path; '*' stands for a name or index (data_centers.*.hsm.count)
  RangeKind kind;            ///< how values are read
  std::string_view min;      ///< lowest valid value, as text in the kind's units
  std::string_view max;      ///< highest valid value, as text in the kind's units
  std::string_view reason;   ///< why the range is what it is; empty when it is only physical sense
  bool min_open = false;     ///< true: the minimum itself is not valid, "(0, 1]"
  bool catalogue = false;    ///< true: a key of the hardware catalogue (data/catalogue.yaml)
};

/// Every ranged key, scenario keys first, then the catalogue's; in the order docs/SCENARIOS.md lists them.
const std::vector<KeyRange>& key_ranges();

/// The row whose pattern matches `path` (a scenario or catalogue key path such as
/// data_centers.dc1.hsm.count), or nullptr; `catalogue` selects the catalogue's rows.
const KeyRange* find_key_range(std::string_view path, bool catalogue);

/// The lowest and highest valid value of `range` in SI units (seconds, bytes, bytes/s, events/s).
double range_min(const KeyRange& range);
double range_max(const KeyRange& range);

/// "[1, 64]" or "(0, 1]": the range as the message and the documentation write it.
std::string range_text(const KeyRange& range);

/// The problem with `value` (SI, read from `written`) at `path`, or nullopt when it lies in the range:
/// "'data_centers.dc1.hsm.count' must be in [1, 64], got '2147483648' (each HSM ...)".
std::optional<std::string> range_problem(const KeyRange& range, const std::string& path, double value,
                                         const std::string& written);

/// The Markdown table of every range, as docs/SCENARIOS.md carries it between its range markers.
std::string ranges_markdown();

/// Cohorts the simulator holds at most: certificates that travel (the affected ones and the normal
/// issuance over the horizon) per cohort_size; each cohort is a simulated message with its own state.
inline constexpr double kMaxCohorts = 2e6;

}  // namespace surge
