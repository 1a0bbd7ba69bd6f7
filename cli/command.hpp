// surge's command table: each command adds itself (its name, help and options) to the app and runs once
// chosen. `surge` and `surge-sim` (which runs `surge run`) parse and dispatch through the same function, so
// both give the same errors and exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace surge::cli {

/// One command of the table.
struct Command {
  std::function<CLI::App*(CLI::App&)> add;  ///< adds the subcommand: name, help, options
  std::function<int()> run;                 ///< its exit code, once chosen and parsed
};

/// Adds the commands to `app`, parses argv, and runs the one chosen. Exit codes: the command's; 0 for
/// --help and --version; 2 for an unknown command or bad options (CLI11's message) and for bad scenario
/// input (the parser's diagnostics); 3 for any other failure (its message, after "surge: ").
int run_commands(CLI::App& app, const std::vector<Command>& commands, int argc, char** argv);

/// main() of a program surge hands one command to (surge-sim: run, surge-calibrate: calibrate): surge's
/// command line, unchanged, with surge's name, version, messages and exit codes.
int run_handed_command(const std::string& description, const Command& command, int argc, char** argv);

}  // namespace surge::cli
