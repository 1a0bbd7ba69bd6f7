// `surge calibrate hsm`: the CLI over real/hsm_calibration (built with SURGE_BUILD_REAL).
#pragma once

#include <CLI/CLI.hpp>

namespace surge::cli {

/// Adds `calibrate hsm` to the app; returns the `calibrate` subcommand.
CLI::App* add_calibrate_command(CLI::App& app);
/// Runs it if it was chosen: exit code 0, 2 (bad input) or 3 (a fault of the module or token).
int run_calibrate_command();

}  // namespace surge::cli
