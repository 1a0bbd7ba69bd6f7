// surge-twin-node: one process of the twin's live pipeline (docs/TWIN.md), in the role its configuration
// names (sa, ca, publisher, ra). `surge twin` writes the configuration and starts the nodes; secrets come
// from the environment (SURGE_PKCS11_PIN for a CA signer, SURGE_DB_PASSWORD for the SA), unset once read.
//   surge-twin-node --config FILE
// It prints "listening 127.0.0.1:PORT" once it serves. Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad
// configuration, 3 a part failed (cannot listen, the database or the token failed).
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "models/exit_codes.hpp"
#include "real/twin/node.hpp"
#include "real/twin/roles.hpp"

int main(int argc, char** argv) {
  std::string config_file;
  CLI::App app{"surge-twin-node: one role of the twin's live pipeline (sa, ca, publisher, ra) over gRPC"};
  app.add_option("--config", config_file, "The node's configuration (JSON, written by surge twin)")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : surge::kExitBadInput;
  }
  // A twin's part ends with the twin: SIGTERM when the process that started it dies, even by SIGKILL.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == 1) return surge::kExitRuntime;
  surge::twin::block_stop_signals();
  try {
    return surge::twin::run_node(surge::twin::NodeConfig::read(config_file));
  } catch (const std::invalid_argument& e) {
    std::cerr << "surge-twin-node: " << e.what() << "\n";
    return surge::kExitBadInput;
  }
}
