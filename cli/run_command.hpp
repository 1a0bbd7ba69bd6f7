// `surge run FILE ...`: simulate a scenario and print the answer. Its options are defined here once: `surge`
// lists them in its help and hands the command line to `surge-sim` (the only program that links SimGrid),
// which parses and runs it.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/analytic.hpp"

namespace surge::cli {

/// What `surge run` was asked.
struct RunArgs {
  std::string file;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> seed;
  bool json = false;
  bool quiet = false;
  bool fail_on_miss = false;
  std::string out;
  std::string progress = "auto";
  std::vector<std::string> log;
  bool compare_analytic = false;
  int replications = 1;
  int parallel = 0;
  double target_utilisation = AnalyticOptions{}.target_utilisation;
};

/// Adds `run` and its options, bound to `args`, to the app (run_options.cpp).
CLI::App* add_run_command(CLI::App& app, RunArgs& args);

/// Runs it (run_command.cpp, in surge-sim): 0, 1 deadline missed with --fail-on-miss, 2 bad input, 3 a
/// runtime failure.
int run_command(const RunArgs& args);

}  // namespace surge::cli
