// What one certificate costs each resource: HSM signatures, database commits, rows and bytes, and the
// bytes it puts on the fabric, as Boulder's SA commits them (DOMAIN.md).
#pragma once

#include <string>
#include <vector>

#include "scenario.hpp"

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

  /// Everything one revoked-and-replaced certificate costs.
  double signatures_per_certificate() const { return issuance.signatures + revocation.signatures; }
  double commits_per_certificate() const { return issuance.commits + revocation.commits; }
};

/// Builds the cost model for a scenario.
CostModel cost_model(const Scenario& scenario);

}  // namespace surge
