// surge-twin-live: the twin's live run (docs/TWIN.md). `surge twin SCENARIO --out DIR` writes the
// prediction into DIR first and then hands DIR to this program, which starts the pipeline on this
// machine (SoftHSM2 tokens, a private MariaDB, local CT logs, the surge-twin-node processes), drives it
// with the scenario's arrivals, measures it each second, and writes DIR/twin.json, DIR/twin.csv and
// DIR/evidence/. Exit codes: 0 done, 2 bad input (no prediction, a scenario the twin cannot run),
// 3 a part failed (a node, the database, a token).
//   surge-twin-live --folder DIR [--module LIB] [--clients N]
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "models/exit_codes.hpp"
#include "real/twin/live.hpp"

int main(int argc, char** argv) {
  surge::twin::LiveOptions o;
  CLI::App app{"surge-twin-live: run the twin's pipeline live and compare it with its prediction"};
  app.add_option("--folder", o.folder, "Folder with twin-scenario.yaml and prediction.json")->required();
  app.add_option("--module", o.module, "PKCS#11 module of the tokens (SoftHSM2 by default)");
  app.add_option("--dsn", o.dsn,
                 "A MariaDB server instead of a private one: mariadb://USER@HOST:PORT/DB (password "
                 "from SURGE_DB_PASSWORD)");
  app.add_option("--clients", o.clients, "Concurrent client requests at most")->check(CLI::Range(1, 4096));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : surge::kExitBadInput;
  }
  char self[4096];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  o.bin_dir = std::filesystem::path(std::string(self, n > 0 ? static_cast<size_t>(n) : 0)).parent_path().string();
  return surge::twin::run_live(o);
}
