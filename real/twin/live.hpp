// The twin's live run (docs/TWIN.md): the twin scenario's pipeline started on this machine (tokens, a
// private MariaDB, local CT logs, the nodes), driven by the scenario's arrivals as the prediction made
// before it has them, measured each second, and compared with the prediction.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/latency_stats.hpp"
#include "models/scenario.hpp"
#include "real/twin/process.hpp"

namespace surge::twin {

/// The SA's connections to MariaDB: enough for the writer's paced rate at MariaDB's own commit latency
/// (a durable commit takes milliseconds); the pace, not the pool, is the writer the model has.
inline constexpr int kSaConnections = 8;

/// What the live run is given.
struct LiveOptions {
  std::string folder;   ///< holds twin-scenario.yaml and prediction.json; twin.json, twin.csv go here
  std::string bin_dir;  ///< where surge-twin-node and surge-ctlog are
  std::string module = "/usr/lib/softhsm/libsofthsm2.so";
  /// A MariaDB server to use instead of a private one ("mariadb://USER@HOST:PORT/DB", the password from
  /// SURGE_DB_PASSWORD); the run writes into a surge_twin_* database it creates, and drops it at the end.
  std::string dsn;
  int clients = 512;  ///< the load generator's concurrent requests at most (each a thread)
};

/// One second's sample of the running pipeline: counters by name (the nodes' and the load
/// generator's), and CPU seconds used by each process so far.
struct Sample {
  double t_s = 0;
  std::map<std::string, double> counters;
  std::map<std::string, double> cpu_s;
};

/// Everything measured.
struct Measured {
  std::vector<Sample> samples;
  std::map<std::string, double> final_counters;  ///< the nodes' counters at the end, latencies included
  nlohmann::json database;                       ///< row counts read from MariaDB at the end
  double bulk_revocation_start_s = -1;           ///< -1: never started
  double end_s = 0;
  std::vector<std::string> lost;            ///< failures injected, as "NAME at T s"
  std::map<std::string, double> lost_at_s;  ///< when each lost member was killed
  LatencyStats time_to_replace;             ///< from each arrival's time to its replacement's issuance
};

/// Runs it; returns the exit code (0 done, 2 bad input, 3 a part failed) after writing the results.
int run_live(const LiveOptions& options);

/// The comparison of the measured run with prediction.json, as twin.json holds it.
nlohmann::json compare(const nlohmann::json& prediction, const Scenario& twin, const Measured& measured);

/// The comparison side by side, as `surge twin` prints it.
std::string summary_text(const nlohmann::json& twin_json);

/// A twin host profile (models/twin_scale's TwinHost) measured by this run: this machine's cores and the
/// CPU seconds every process of the pipeline used per certificate, for the twin's era. A later twin may
/// take it (`surge twin --host-profile`): it is a calibration made before that run.
nlohmann::json host_profile(const Scenario& twin, const Measured& measured);

/// twin.csv: one row per second (t_s, the counters' columns, cpu_s.NAME).
std::string samples_csv(const Measured& measured);

}  // namespace surge::twin
