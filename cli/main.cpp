// surge: the command-line front end. Its commands, one row each in the table below:
//   surge run FILE [--set path=value]... [--seed N] [--json] [--out DIR] [--progress MODE] [--quiet]
//             [--fail-on-miss] [--log CATEGORY.thres:LEVEL]... [--compare-analytic]
//             [--replications R [--parallel J]] [--target-utilisation U]          (runs surge-sim)
//   surge analyze FILE [--set path=value]... [--json] [--headroom F] [--target-utilisation U]
//   surge check FILE [--set path=value]...
//   surge sweep FILE [-j N] --out DIR [--search]
//   surge twin FILE --out DIR --predict-only [--hsm-profile P] [--db-profile P] [--duration D]
//   surge plot DIR --x PARAM [--y PARAM] --metric NAME -o OUT.png                  (runs surge-plot)
//   surge calibrate hsm|db ...                              (runs surge-calibrate, with SURGE_BUILD_REAL)
// Exit codes: 0 ok; 1 deadline missed, only with --fail-on-miss; 2 bad input; 3 runtime failure.
// surge itself never loads SimGrid, OpenSSL, PKCS#11 or MariaDB: the commands that neither simulate nor
// measure start without them.
#include <string>

#include "cli/analyze_command.hpp"
#include "cli/command.hpp"
#include "cli/forward.hpp"
#include "cli/run_command.hpp"
#include "cli/sweep_command.hpp"
#include "cli/twin_command.hpp"
#include "models/heap.hpp"

int main(int argc, char** argv) {
  surge::keep_freed_heap();
  namespace cli = surge::cli;
  const std::string first = argc >= 2 ? argv[1] : "";
  if (first == "run") return cli::exec_beside("surge-sim", "SURGE_SIM", "", "it is built with surge", argc, argv);
  if (first == "calibrate")
    return cli::exec_beside("surge-calibrate", "SURGE_CALIBRATE", "", "configure with -DSURGE_BUILD_REAL=ON", argc,
                            argv);
  if (first == "plot")
    return cli::exec_beside("surge-plot", "SURGE_PLOT", "../gui", "configure with -DSURGE_BUILD_GUI=ON", argc - 1,
                            argv + 1);
  CLI::App app{
      "surge: capacity planning for a CA's mass revoke-and-reissue.\n"
      "Exit codes: 0 ok, 1 deadline missed (only with --fail-on-miss), 2 bad input, 3 runtime failure.",
      "surge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SURGE_VERSION);
  cli::RunArgs run;  // listed in the help; surge-sim runs it
  const std::vector<cli::Command> commands = {
      {[&](CLI::App& a) { return cli::add_run_command(a, run); }, [] { return 0; }},
      {cli::add_analyze_command, cli::run_analyze_command},
      {cli::add_check_command, cli::run_check_command},
      {cli::add_sweep_command, [&] { return cli::run_sweep_command(argv[0]); }},
      {cli::add_twin_command, [&] { return cli::run_twin_command(argv[0]); }},
      {[](CLI::App& a) {
         return a.add_subcommand("plot",
                                 "Chart a sweep's results as PNG: surge plot DIR --x PARAM [--y PARAM] --metric NAME "
                                 "-o OUT.png (runs surge-plot, built with the GUI)");
       },
       [] { return 0; }},
      {[](CLI::App& a) {
         return a.add_subcommand("calibrate",
                                 "Measure real parts and write profiles scenarios use: surge calibrate hsm|db ... "
                                 "(runs surge-calibrate, built with the real mode)");
       },
       [] { return 0; }},
  };
  return cli::run_commands(app, commands, argc, argv);
}
