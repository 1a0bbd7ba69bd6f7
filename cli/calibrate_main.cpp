// surge-calibrate: `surge calibrate hsm|db`, in the one program that links the real mode (PKCS#11, OpenSSL,
// MariaDB): surge hands it the command line unchanged, so that the commands that measure nothing start
// without those libraries. Its help and messages are surge's.
#include "cli/calibrate_command.hpp"
#include "cli/command.hpp"
#include "models/heap.hpp"

int main(int argc, char** argv) {
  surge::keep_freed_heap();
  namespace cli = surge::cli;
  CLI::App app{"surge calibrate: measure real parts and write profiles scenarios use.", "surge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", SURGE_VERSION);
  return cli::run_commands(app, {{cli::add_calibrate_command, cli::run_calibrate_command}}, argc, argv);
}
