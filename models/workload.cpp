#include "models/workload.hpp"

namespace surge {
namespace {

// Row sizes (DOMAIN.md: DER ~1-2 KB, other rows ~100-300 bytes). Planning values.
constexpr double kDerBytes = 1500;       // a certificate or precertificate DER
constexpr double kSmallRowBytes = 200;   // orders, serials, status, names, key hash, fqdnSets
constexpr double kStatusRowBytes = 300;  // certificateStatus carries an OCSP response in the 2021 era

void add(OperationCost& op, std::string name, double rows, double bytes) {
  op.steps.push_back(CommitStep{std::move(name), rows, bytes});
  op.commits += 1;
  op.rows += rows;
  op.db_bytes += bytes;
}

}  // namespace

CostModel cost_model(const Scenario& s) {
  const Workload& w = s.workload;
  const double names = w.names_per_certificate;
  CostModel m;

  OperationCost& iss = m.issuance;
  // The new order: orders, orderFqdnSets, orderToAuthz2 per name, authz2 per new name, replacementOrders.
  add(iss, "NewOrderAndAuthzs", 3 + names + names * w.new_authz_share,
      (3 + names + names * w.new_authz_share) * kSmallRowBytes);
  // Fresh authorizations are finalized one commit each once validated.
  if (w.new_authz_share > 0) {
    iss.steps.push_back(
        CommitStep{"FinalizeAuthorization2", names * w.new_authz_share, names * w.new_authz_share * kSmallRowBytes});
    iss.commits += names * w.new_authz_share;
    iss.rows += names * w.new_authz_share;
    iss.db_bytes += names * w.new_authz_share * kSmallRowBytes;
  }
  // Finalize: about 7 commits per issued certificate, in Boulder's order.
  add(iss, "SetOrderProcessing", 1, kSmallRowBytes);
  add(iss, "AddSerial", 1, kSmallRowBytes);
  add(iss, "AddPrecertificate", 3 + names, kDerBytes + kStatusRowBytes + (1 + names) * kSmallRowBytes);
  add(iss, "SetCertificateStatusReady", 1, kStatusRowBytes);
  add(iss, "AddCertificate", 1, kDerBytes);
  add(iss, "AddFQDNSet", 1, kSmallRowBytes);
  add(iss, "FinalizeOrder", 3, 3 * kSmallRowBytes);
  iss.signatures = w.signatures_per_issuance;
  for (const auto& [hop, bytes] : w.rpc_bytes) iss.rpc_bytes += bytes;
  // The ACME front end and the VA: a revocation (an admin-tool RPC) uses neither. With `validation`,
  // new_authz_share is the validation's share (the parser sets it), so commits and validations agree.
  iss.api_requests = w.api_requests_per_issuance;
  if (s.validation.enabled) iss.validations = names * w.new_authz_share;

  OperationCost& rev = m.revocation;
  // One transaction: certificateStatus update + revokedCertificates insert.
  add(rev, "RevokeCertificate", 2, kStatusRowBytes + kSmallRowBytes);
  rev.signatures = w.signatures_per_revocation;
  rev.rpc_bytes = iss.rpc_bytes / 4;  // an admin-tool RPC: no ACME exchange, no CSR or chain

  if (w.era == Era::CRL) {
    m.crl_signatures_per_s = w.crl_shards / w.crl_period_s;
    m.crl_read_bytes_per_revocation = kSmallRowBytes;  // a revokedCertificates row
    m.crl_upload_bytes_per_revocation = w.crl_entry_bytes;
  }
  if (w.era != Era::CRL && w.ocsp_resign_period_s > 0)
    m.ocsp_resign_signatures_per_s = w.active_certificates / w.ocsp_resign_period_s;
  return m;
}

double signature_cost(const HsmSpec& hsm, size_t key) {
  // The reference key is 1 exactly; a spec written in code (no rates by key) signs every key alike.
  if (key == 0 || key >= hsm.key_rates_per_s.size()) return 1.0;
  return hsm.key_rates_per_s[0] / hsm.key_rates_per_s[key];
}

double mixed_signature_cost(const Scenario& s, const HsmSpec& hsm) {
  const std::vector<KeyShare> keys = s.workload.keys();
  double cost = 0;
  for (size_t k = 0; k < keys.size(); ++k) cost += keys[k].share * signature_cost(hsm, k);
  return cost;
}

std::string hsm_capacity_unit(const Scenario& s) {
  const std::vector<KeyShare> keys = s.workload.keys();
  return keys.size() > 1 ? "signatures/s (" + keys.front().key + " equivalent)" : "signatures/s";
}

int issuer_count(const Scenario& scenario) {
  return static_cast<int>(scenario.workload.keys().size());  // one intermediate per key type
}

double background_signatures_per_s(const Scenario& scenario) {
  const CostModel m = cost_model(scenario);
  return m.ocsp_resign_signatures_per_s +
         (crl_generation(scenario) ? issuer_count(scenario) * m.crl_signatures_per_s : 0);
}

bool crl_generation(const Scenario& scenario) {
  return scenario.workload.era == Era::CRL && scenario.workload.crl_shards > 0 && scenario.workload.crl_period_s > 0;
}

}  // namespace surge
