// `surge analyze FILE` (the analytic answer, without simulating) and `surge check FILE` (validation only),
// and what every scenario command shares: loading with --set overrides and the recommended window's target.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace surge::cli {

/// The scenario at `file` with `sets` (path=value) applied; ScenarioError on bad input.
Scenario load(const std::string& file, const std::vector<std::string>& sets);

/// Adds --target-utilisation, bound to `target`, to a command.
void add_target_utilisation(CLI::App* cmd, double& target);
/// What is wrong with a recommended window's target (0 < U <= 1), or "".
std::string target_utilisation_problem(double u);

/// Adds `analyze` / `check` to the app.
CLI::App* add_analyze_command(CLI::App& app);
CLI::App* add_check_command(CLI::App& app);
/// Runs the one chosen: its exit code (0; 2 bad input), or -1 when it was not chosen.
int run_analyze_command();
int run_check_command();

}  // namespace surge::cli
