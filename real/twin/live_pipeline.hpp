// The twin's parts, started for one live run and stopped when it ends (also on failure): a private
// SoftHSM2 configuration with one token per live HSM member, each holding the same issuing key (made
// once in software, as a key ceremony clones one key across an HA group) and the issuer certificate; a
// private MariaDB with the CA's schema; one surge-ctlog per scenario log at the twin's rate limit; the
// nodes (SA, one CA signer per member, publisher, RA), each told its peers' addresses. With two data
// centers up, each is a network namespace (real/net_lab) joined by a link shaped to the twin's WAN
// bandwidth: the writer's holds the database, the logs and every node but the other's CA signers, and
// the other holds those signers and, when the scenario has one there, a replica of the database fed over
// the link. The live run itself moves into the writer's namespace.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "real/local_mariadb.hpp"
#include "real/net_lab.hpp"
#include "real/pin.hpp"
#include "real/twin/live.hpp"
#include "real/twin/node.hpp"

namespace surge::twin {

/// One HSM member of the twin: a token and the CA signer on it.
struct Member {
  std::string name;  ///< "dc1/hsm-1", as failures name members
  std::string data_center;
  std::string token;
  int sessions = 1;
  double rate_per_s = 0;  ///< the twin scenario's signatures/s for one member (its signer is paced to it)
  std::string address;    ///< its CA signer's
  std::unique_ptr<ChildProcess> process;
};

class Pipeline {
 public:
  /// Starts everything; throws std::invalid_argument (bad input, exit 2) or std::runtime_error (exit 3),
  /// having stopped whatever it had started.
  Pipeline(const LiveOptions& options, const Scenario& twin, const std::string& work);
  ~Pipeline();

  const std::string& ra_address() const { return ra_address_; }
  const std::string& sa_address() const { return sa_address_; }
  std::vector<Member>& members() { return members_; }
  const std::vector<unsigned char>& issuer_der() const { return issuer_der_; }
  /// Every process of the twin by name, MariaDB's included (for CPU samples).
  std::vector<std::pair<std::string, pid_t>> processes() const;
  /// Every node's Stats address by name.
  std::vector<std::pair<std::string, std::string>> stats_addresses() const;
  /// Row counts and a sample of stored precertificates and certificates (DER, base64), from MariaDB.
  nlohmann::json database_summary(int samples) const;
  /// Stops the nodes and the logs (the database stays until destruction).
  void stop();

  /// The two data centers' lab, or nullptr with one data center up.
  const real::NetLab* lab() const { return lab_.get(); }
  /// Cuts the link between the two data centers.
  void cut_link() { lab_->cut(); }
  /// The replica across the link (root over its socket, which a cut does not reach), or nullptr.
  const real::LocalMariaDb* replica() const { return replica_.server.get(); }
  /// The database the SA writes (with its password).
  const real::DbTarget& target() const { return target_; }

 private:
  void make_lab(const Scenario& twin, const LiveOptions& options);
  void make_tokens(const Scenario& twin, const LiveOptions& options);
  void start_database(const Scenario& twin, const LiveOptions& options);
  void drop_database();
  void release_replica();
  void start_logs(const Scenario& twin, const LiveOptions& options);
  void start_nodes(const Scenario& twin, const LiveOptions& options);
  std::unique_ptr<ChildProcess> start_node(const NodeConfig& config, const LiveOptions& options,
                                           const std::map<std::string, std::string>& env, std::string& address,
                                           const std::string& data_center = "");
  std::string address_of(const std::string& data_center) const;

  std::string work_;
  std::unique_ptr<real::NetLab> lab_;  ///< first: this scenario's writer data center
  std::string softhsm_conf_;
  std::unique_ptr<real::Pin> user_pin_;
  std::vector<unsigned char> issuer_der_;
  std::string key_type_;
  std::unique_ptr<real::LocalMariaDb> db_;  ///< the private server (none with --dsn)
  real::LocalReplica replica_;              ///< its replica across the link (two data centers)
  real::DbTarget target_;                   ///< where the SA writes (database included)
  bool created_ = false;                    ///< a database made on a server given by --dsn
  std::vector<std::unique_ptr<ChildProcess>> logs_;
  std::vector<LogEndpoint> endpoints_;
  std::vector<Member> members_;
  std::unique_ptr<ChildProcess> sa_, publisher_, ra_;
  std::string sa_address_, publisher_address_, ra_address_;
};

}  // namespace surge::twin
