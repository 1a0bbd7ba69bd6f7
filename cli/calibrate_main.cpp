// surge-calibrate: `surge calibrate hsm|db`, in the one program that links the real mode (PKCS#11, OpenSSL,
// MariaDB): surge hands it the command line unchanged, so that the commands that measure nothing start
// without those libraries. Its help and messages are surge's.
#include "cli/calibrate_command.hpp"
#include "cli/command.hpp"

int main(int argc, char** argv) {
  namespace cli = surge::cli;
  return cli::run_handed_command("surge calibrate: measure real parts and write profiles scenarios use.",
                                 {cli::add_calibrate_command, cli::run_calibrate_command}, argc, argv);
}
