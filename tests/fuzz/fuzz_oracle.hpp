// The fuzz targets' oracle (issue 15, points 3 and 4), compiled by clang into the libFuzzer targets and by
// the normal compiler into the regression test that replays tests/fuzz/regressions/. Each check returns
// the first broken rule as one line, or nothing when the input was handled as the project promises.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/report.hpp"
#include "models/scenario.hpp"
#include "models/scenario_parser.hpp"

namespace surge::fuzz {

/// The name fuzz inputs are parsed under: a file in scenarios/, so that relative paths (the default
/// catalogue, calibration profiles) resolve as they do for the shipped scenarios.
std::string input_file_name();

/// A rejection as the project promises it: at least one diagnostic, each with a file, a line and a
/// column >= 1 and a message that is the project's, not a library's exception text.
std::optional<std::string> diagnostics_problem(const std::vector<Diagnostic>& diagnostics, std::string_view input = {});

/// The invariants of an accepted scenario: every capacity finite and positive, every count >= 0, every
/// time finite (a CT outage may last forever) and ordered (decision <= deadline <= horizon).
std::optional<std::string> scenario_problem(const Scenario& scenario);

/// A planner report's promises: every figure finite (no NaN, no inf), and a missed deadline blamed on
/// something: a bottleneck, or certificates whose clients ask only after the deadline.
std::optional<std::string> report_problem(const Report& report);

/// Parses `text` as a scenario: a Scenario meeting scenario_problem, or a ScenarioError meeting
/// diagnostics_problem; any other exception is a problem. `scenario` receives the parse when it succeeds.
std::optional<std::string> check_parse(std::string_view text, std::optional<Scenario>* scenario = nullptr);

/// How much of the planner check_plan runs.
enum class PlanSearch {
  NONE,  ///< one analysis: the fuzz target's setting (the searches repeat it dozens of times)
  ALL,   ///< also the latest decision and the recommended window, as `surge analyze` does
};

/// check_parse, then the analytic planner on an accepted scenario, its report checked by report_problem.
std::optional<std::string> check_plan(std::string_view text, PlanSearch search = PlanSearch::NONE);

}  // namespace surge::fuzz
