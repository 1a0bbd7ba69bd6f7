// `surge calibrate db`: the CA's write path driven for real on MariaDB (a throwaway local server, or an
// existing one by DSN), swept over connections: per level and per SA call, commits/s, rows/s, commit
// latency, round trips, retries; the server's own counters each second (binlog group commits, fsyncs,
// history list, checkpoint age, lock waits); a watchdog for stalls; the Universal Scalability Law fitted
// to commits/s (models/usl_fit, the same fit as the HSM's); a profile scenarios reference
// (`db: {profile: ...}`).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/latency_stats.hpp"
#include "models/usl_fit.hpp"
#include "real/db_connection.hpp"
#include "real/local_mariadb.hpp"

namespace surge::real {

/// The work a connection repeats. Shares, per unit of work:
/// - issuance: a new order (half its authorizations reused), their finalisation, the seven finalize
///   commits: a normal day's certificate;
/// - revocation: one prefilled certificate revoked (certificateStatus through its serial index and
///   revokedCertificates, one transaction);
/// - reissue: the incident's unit: an order replacing a prefilled certificate (authorizations reused, as
///   ARI renewals within the reuse period), its certificate, then the replaced one revoked;
/// - new-order: NewOrderAndAuthzs alone (the ARI-driven burst of orders).
enum class DbMix { ISSUANCE, REVOCATION, REISSUE, NEW_ORDER };

std::string mix_name(DbMix m);
std::optional<DbMix> parse_mix(const std::string& name);

/// Everything `surge calibrate db` takes.
struct DbCalibrationOptions {
  bool local = true;                ///< start a throwaway server (else `target` is an existing one)
  LocalServerOptions local_server;  ///< its settings and folder
  DbTarget target;                  ///< an existing server (--dsn)
  bool allow_replicated = false;    ///< write to a server that replicates or is replicated
  std::string database = "surge_calibration";
  std::vector<int> connections;  ///< levels; empty: 1, 2, 4, ... until two falls
  int max_connections = 256;
  double duration_s = 60;
  double warmup_s = 30;
  std::optional<std::uint64_t> prefill_bytes;  ///< default: twice the buffer pool
  DbMix mix = DbMix::ISSUANCE;
  double stall_timeout_s = 30;     ///< no commit for this long: diagnose and stop
  std::string journal;             ///< acknowledged commits are appended here (empty: none)
  bool durability_matrix = false;  ///< local only: also sweep with the binary log off, and with relaxed flushing
  bool local_replica = false;      ///< local only: a replica of the local server; its apply rate and lag
  int bootstrap = 200;
  std::uint64_t seed = 1;
};

/// One SA call's figures at one level.
struct CallStats {
  std::uint64_t commits = 0;
  std::uint64_t rows = 0;
  std::uint64_t round_trips = 0;
  LatencyStats latency;  ///< first statement to the commit's acknowledgement
};

/// One level of the sweep.
struct DbLevel {
  int connections = 0;
  double duration_s = 0;
  std::uint64_t commits = 0;
  double commits_per_s = 0;
  double rows_per_s = 0;
  std::uint64_t units = 0;  ///< units of work finished (certificates issued, revoked, orders)
  std::map<std::string, CallStats> calls;
  std::uint64_t retries = 0;    ///< deadlocks and lock wait timeouts, retried
  std::uint64_t deadlocks = 0;  ///< of them, deadlocks
  std::uint64_t unknown = 0;    ///< commits whose acknowledgement was lost
  double client_cpu_cores = 0;
  nlohmann::json per_second = nlohmann::json::array();  ///< the server's counters, each second
};

/// The calibration.
struct DbCalibration {
  nlohmann::json metadata;
  nlohmann::json prefill;
  std::vector<DbLevel> levels;
  UslFit fit;                                  ///< commits/s over connections
  std::map<std::string, UslFit> fits_by_call;  ///< each SA call's commits/s
  nlohmann::json integrity;
  nlohmann::json replica;                 ///< with --local-replica: per level apply rate and lag, catch-up
  std::vector<DbCalibration> durability;  ///< with --durability-matrix: the other settings' calibrations
};

/// The server's settings that decide its write rate (durability, binary log, buffer pool, version), as
/// SHOW GLOBAL VARIABLES reports them.
std::map<std::string, std::string> server_settings(DbConnection& c);

/// The settings --durability-matrix sweeps, the CA's own (durable, binlog on) first.
std::vector<Durability> durability_matrix();
/// "flush_log_at_trx_commit=1 log_bin=ON sync_binlog=1".
std::string describe(const Durability& d);

/// Runs it. Throws DbError (server faults), RefusedTarget (a server or database surge must not write to).
DbCalibration calibrate_db(const DbCalibrationOptions& options, const std::function<void(const std::string&)>& log);

/// The profile (kind "db"), everything as JSON, one CSV row per level and SA call, the table.
nlohmann::json db_profile_json(const DbCalibration& c);
nlohmann::json db_results_json(const DbCalibration& c);
std::string render_db_csv(const DbCalibration& c);
std::string render_db_table(const DbCalibration& c);

/// Checks a server surge is asked to write to: not read-only, not a replica, no replicas attached (unless
/// allowed), room for binary logs. Never changes the server. Throws RefusedTarget.
nlohmann::json check_target(DbConnection& c, const DbTarget& target, bool allow_replicated);

}  // namespace surge::real
