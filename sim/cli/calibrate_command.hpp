// `surge calibrate hsm|db`: the CLI over real/ (built with SURGE_BUILD_REAL).
#pragma once

#include <CLI/CLI.hpp>

namespace surge::cli {

/// Adds `calibrate hsm` and `calibrate db` to the app; returns the `calibrate` subcommand.
CLI::App* add_calibrate_command(CLI::App& app);
/// Runs the one chosen: its exit code (0; 1 integrity violated; 2 bad input or a refused target; 3 a fault
/// of the module, token or server), or -1 if no calibration was chosen.
int run_calibrate_command();

/// `calibrate db` (calibrate_db_command.cpp).
void add_calibrate_db(CLI::App* calibrate);
int run_calibrate_db();

/// Throws if the folder `path` would be written in does not exist (checked before anything runs).
void check_writable_parent(const std::string& path, const std::string& option);

}  // namespace surge::cli
