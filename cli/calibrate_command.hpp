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

/// What is wrong with the output files ("--out: folder X does not exist", "--csv: cannot create files
/// in folder Y: Permission denied"), or "" (checked before anything runs; empty paths are not asked for).
std::string output_folders_problem(const std::string& out, const std::string& json, const std::string& csv);

}  // namespace surge::cli
