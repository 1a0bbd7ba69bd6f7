// surge-sim: `surge run`, the one command that simulates, in the one program that links SimGrid (surge hands
// it the command line unchanged). Its help and messages are surge's.
#include "cli/command.hpp"
#include "cli/run_command.hpp"

int main(int argc, char** argv) {
  namespace cli = surge::cli;
  cli::RunArgs run;
  return cli::run_handed_command(
      "surge run: simulate a scenario and print the answer.",
      {[&](CLI::App& a) { return cli::add_run_command(a, run); }, [&] { return cli::run_command(run); }}, argc, argv);
}
