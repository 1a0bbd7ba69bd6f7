// `surge sweep FILE [-j N] --out DIR`: the CLI over cli/sweep (every point a `surge run` child).
#pragma once

#include <CLI/CLI.hpp>

namespace surge::cli {

/// Adds `sweep` to the app.
CLI::App* add_sweep_command(CLI::App& app);
/// Runs it if chosen: 0 every run ok; 2 bad input; 3 some runs failed (each recorded with its error) or the
/// results cannot be written; 130 interrupted (what finished is stored). -1 if `sweep` was not chosen.
int run_sweep_command(const char* argv0);

}  // namespace surge::cli
