// What one certificate costs each resource: HSM signatures, database commits, rows and bytes, and the
// bytes it puts on the fabric, as Boulder's SA commits them (DOMAIN.md).
#pragma once

#include <string>
#include <vector>

#include "models/scenario.hpp"

namespace surge {

/// One database transaction of the issuance or revocation path.
struct CommitStep {
  std::string name;  ///< Boulder's SA method, e.g. "AddPrecertificate"
  double rows = 0;   ///< rows written (may depend on names per certificate)
  double bytes = 0;  ///< row bytes written (binlog ROW format carries about as much)
};

/// The cost of one operation on each resource.
struct OperationCost {
  double signatures = 0;          ///< HSM signatures
  double commits = 0;             ///< writer transactions
  double rows = 0;                ///< rows written
  double db_bytes = 0;            ///< bytes sent to the writer and replicated to each replica
  double rpc_bytes = 0;           ///< API and inter-service bytes on the data center's fabric (all hops)
  double api_requests = 0;        ///< ACME requests at the API (only where a data center gives `api`)
  double validations = 0;         ///< new domain validations at the VA (only with `validation`)
  std::vector<CommitStep> steps;  ///< the commits, in order
};

/// Costs per certificate for a scenario's era and workload.
struct CostModel {
  OperationCost issuance;           ///< new order + finalize + issue one replacement
  OperationCost revocation;         ///< revoke one certificate
  double crl_signatures_per_s = 0;  ///< CRL era: background shard re-signing, per issuer
  /// CRL era: bytes crl-updater reads from the DB per revoked certificate (a revokedCertificates row).
  double crl_read_bytes_per_revocation = 0;
  /// CRL era: bytes each revoked certificate adds to the shards uploaded per generation.
  double crl_upload_bytes_per_revocation = 0;
  /// OCSP eras: ocsp-updater's background re-signing, signatures/s (active certificates / period).
  double ocsp_resign_signatures_per_s = 0;

  /// Everything one revoked-and-replaced certificate costs.
  double signatures_per_certificate() const { return issuance.signatures + revocation.signatures; }
  double commits_per_certificate() const { return issuance.commits + revocation.commits; }
};

/// Issuing intermediates whose CRL shards are each re-signed per period (1 until key types add issuers).
int issuer_count(const Scenario& scenario);

/// True when the scenario's era publishes revocation in CRLs that crl-updater generates periodically.
bool crl_generation(const Scenario& scenario);

/// Background signing's mean rate, signatures/s: OCSP re-signing, or every issuer's CRL shards per period.
double background_signatures_per_s(const Scenario& scenario);

/// Builds the cost model for a scenario.
CostModel cost_model(const Scenario& scenario);

/// Reference-key signatures one signature of the workload's key type `key` (an index into keys())
/// costs on this HSM: its reference-key rate over that key's rate (1 for the reference key, and for
/// every key when the spec has no rates by key).
double signature_cost(const HsmSpec& hsm, size_t key);
/// Reference-key signatures one signature of the scenario's key mix costs on this HSM on average:
/// the sum over key types of share x signature_cost (1 with one key type).
double mixed_signature_cost(const Scenario& scenario, const HsmSpec& hsm);
/// The HSM resources' unit: "signatures/s", or with several key types "signatures/s (KEY equivalent)",
/// KEY the reference key.
std::string hsm_capacity_unit(const Scenario& scenario);

}  // namespace surge
