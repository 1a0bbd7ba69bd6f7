// One process of the twin's live pipeline (docs/TWIN.md): its configuration, read from a JSON file the
// twin writes (secrets come from the environment: SURGE_PKCS11_PIN, SURGE_DB_PASSWORD, unset once
// read), its counters (what the twin samples each second through the Stats service), and the roles:
// the SA on MariaDB, a CA signer on one token, the publisher and the RA. Each role serves gRPC on its
// data center's address (127.0.0.1 with one) and prints "listening ADDRESS:PORT" once it does.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "models/latency_stats.hpp"

namespace surge::twin {

/// One local CT log as the publisher and the RA see it.
struct LogEndpoint {
  std::string name;
  std::string operator_name;
  std::string url;  ///< http://127.0.0.1:PORT
};

/// What one node is told (twin-written JSON).
struct NodeConfig {
  std::string role;         ///< "sa", "ca", "publisher", "ra"
  std::string name;         ///< e.g. "ca-hsm-1"
  std::string era = "crl";  ///< "seed-2021", "precert-2021", "crl" (Workload::era as scenarios write it)
  std::string listen = "127.0.0.1";  ///< the address it serves on (its data center's, real/net_lab)
  std::string sa, publisher;
  std::vector<std::string> cas;  ///< the RA's CA signers, one per HSM member, in failover order
  std::vector<LogEndpoint> logs;
  int scts_required = 2;
  // A CA signer's token.
  std::string module, token, key_label = "issuer", key_type = "rsa-2048", issuer_certificate;
  int sessions = 1;
  double rate_per_s = 0;  ///< a CA signer's signatures/s or the SA's commits/s in the twin scenario; 0: unpaced
  // The SA's database (the password from SURGE_DB_PASSWORD).
  std::string db_host = "127.0.0.1", db_user, db_database, db_socket;
  unsigned db_port = 3306;
  int db_connections = 4;
  double authz_reuse = 1;  ///< the RA's share of names whose authorizations are reused (1 - new_authz_share)
  std::uint64_t seed = 1;

  /// Reads a config file; throws std::invalid_argument naming the file and the field.
  static NodeConfig read(const std::string& path);
  nlohmann::json to_json() const;
};

/// Counters a node keeps (monotonic sums) and the latencies of its stages, for the Stats service.
class Counters {
 public:
  void add(const std::string& name, double v = 1);
  /// Records one latency (seconds) of a stage: kept whole, for percentiles at the end, and summed in the
  /// counter `busy_s.STAGE` (the time the stage's servers were busy).
  void latency(const std::string& stage, double seconds);
  /// Every counter, and for each stage `latency.STAGE.count`, `.p50`, `.p99` (seconds).
  std::map<std::string, double> read() const;

 private:
  mutable std::mutex m_;
  std::map<std::string, double> sums_;
  std::map<std::string, LatencyStats> latencies_;
};

/// Serves the node's role until SIGTERM; returns the exit code (2: bad configuration, 3: a part failed).
int run_node(const NodeConfig& config);

}  // namespace surge::twin
