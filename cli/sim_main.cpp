// surge-sim: `surge run`, the one command that simulates, in the one program that links SimGrid (surge hands
// it the command line unchanged). Its help and messages are surge's.
#include "cli/command.hpp"
#include "cli/run_command.hpp"
#include "models/heap.hpp"

int main(int argc, char** argv) {
  surge::keep_freed_heap();
  namespace cli = surge::cli;
  CLI::App app{"surge run: simulate a scenario and print the answer.", "surge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SURGE_VERSION);
  cli::RunArgs run;
  return cli::run_commands(
      app, {{[&](CLI::App& a) { return cli::add_run_command(a, run); }, [&] { return cli::run_command(run); }}}, argc,
      argv);
}
