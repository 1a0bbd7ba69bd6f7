// The scenario's `workload`: the affected certificates and their era's signatures, the issuing keys by
// share, what one issuance costs the front end and the fabric, the background signing of the era (CRL
// shards, OCSP re-signing) and the cohort size.
#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario_reader.hpp"
#include "models/units.hpp"

namespace surge::detail {
namespace {

std::optional<Era> era_from(const std::string& s) {
  if (s == "seed-2021") return Era::SEED_2021;
  if (s == "precert-2021") return Era::PRECERT_2021;
  if (s == "crl") return Era::CRL;
  return std::nullopt;
}

// workload.key_types: a list of {key, share}; keys distinct, shares in (0, 1] summing to 100%.
void read_key_types(Context& ctx, const YAML::Node& list, std::vector<KeyShare>& out) {
  if (!list.IsSequence() || list.size() == 0) {
    ctx.error(list, "workload.key_types", "'key_types' must be a non-empty list of {key, share}");
    return;
  }
  auto read_key = [&](MapReader& m, const YAML::Node& item, size_t) -> std::optional<double> {
    KeyShare k;
    k.loc = SourceLoc{item.Mark().line + 1, item.Mark().column + 1};
    if (auto v = m.text("key", Need::REQUIRED)) {
      k.key = *v;
      for (const KeyShare& other : out)
        if (other.key == k.key) ctx.error(item["key"], m.path() + ".key", "key type '" + k.key + "' is listed twice");
    }
    const std::optional<double> share = m.quantity("share", QuantityKind::FRACTION, Need::REQUIRED, Sign::POSITIVE);
    k.share = share.value_or(k.share);
    m.finish();
    out.push_back(k);
    return share;
  };
  read_share_list(ctx, list, "workload.key_types", "key", "key type shares", read_key);
}

// The certificates, the era and its signatures per issuance and per revocation.
void read_era(Context& ctx, MapReader& m, Workload& w) {
  YAML::Node wl = m.node();
  if (auto v = m.quantity("certificates", QuantityKind::COUNT, Need::REQUIRED, Sign::NON_NEGATIVE)) w.certificates = *v;
  if (auto v = m.text("era", Need::REQUIRED)) {
    if (auto e = era_from(*v)) {
      w.era = *e;
    } else {
      ctx.error(wl["era"], "workload.era", "unknown era '" + *v + "'; expected seed-2021, precert-2021 or crl");
    }
  }
  // Signatures by era (DOMAIN.md), each overridable.
  switch (w.era) {
    case Era::SEED_2021:
      w.signatures_per_issuance = 2, w.signatures_per_revocation = 1;
      break;
    case Era::PRECERT_2021:
      w.signatures_per_issuance = 3, w.signatures_per_revocation = 1;
      break;
    case Era::CRL:
      w.signatures_per_issuance = 2, w.signatures_per_revocation = 0;
      break;
  }
  if (auto v = m.quantity("signatures_per_issuance", QuantityKind::COUNT, Need::OPTIONAL, Sign::POSITIVE))
    w.signatures_per_issuance = *v;
  if (auto v = m.quantity("signatures_per_revocation", QuantityKind::COUNT, Need::OPTIONAL, Sign::NON_NEGATIVE))
    w.signatures_per_revocation = *v;
}

// One issuing key, or several issuers by share (the first is the reference key).
void read_issuers(Context& ctx, MapReader& m, Workload& w) {
  const auto single_key = m.text("key_type", Need::OPTIONAL);
  if (single_key) w.key_type = *single_key;
  if (YAML::Node kt = m.get("key_types", Need::OPTIONAL); kt && !kt.IsNull()) {
    if (single_key)
      ctx.error(kt, "workload.key_types",
                "'key_type' and 'key_types' exclude each other: list the one key with share 100%");
    read_key_types(ctx, kt, w.key_types);
    if (!w.key_types.empty()) w.key_type = w.key_types.front().key;
  }
}

// What one issuance costs besides its signatures: names, authorizations, ACME requests, bytes by hop.
void read_issuance_costs(Context& ctx, MapReader& m, Workload& w) {
  // Defaults: Workload's member initialisers.
  if (auto v = m.quantity("names_per_certificate", QuantityKind::COUNT, Need::OPTIONAL, Sign::POSITIVE))
    w.names_per_certificate = *v;
  if (auto v = m.quantity("new_authz_share", QuantityKind::FRACTION, Need::OPTIONAL, Sign::NON_NEGATIVE))
    w.new_authz_share = *v;
  if (auto v = m.quantity("api_requests_per_issuance", QuantityKind::COUNT, Need::OPTIONAL, Sign::NON_NEGATIVE))
    w.api_requests_per_issuance = *v;
  if (YAML::Node rb = m.get("rpc_bytes", Need::OPTIONAL); rb && !rb.IsNull()) {
    MapReader r(ctx, rb, "workload.rpc_bytes");
    for (const auto& [hop, bytes] : std::map<std::string, double>(w.rpc_bytes))
      if (auto v = r.quantity(hop, QuantityKind::SIZE, Need::OPTIONAL, Sign::NON_NEGATIVE)) w.rpc_bytes[hop] = *v;
    r.finish();
  }
}

// Background signing: CRL keys belong to the CRL era and OCSP re-signing to the OCSP eras; a key of
// the other era is an error (a planner who writes it expects it to count).
void read_background_signing(Context& ctx, MapReader& m, Workload& w) {
  const bool crl = w.era == Era::CRL;
  for (const char* key : {"crl_shards", "crl_period", "crl_entry_bytes", "ocsp_resign_period", "active_certificates"}) {
    const bool crl_key = std::string(key).rfind("crl_", 0) == 0;
    if (YAML::Node k = m.get(key, Need::OPTIONAL); k && !k.IsNull() && crl_key != crl)
      ctx.error(k, join("workload", key),
                std::string(key) + (crl_key ? " is for era crl; era " + era_name(w.era) + " publishes OCSP responses"
                                            : " is for the OCSP eras (seed-2021, precert-2021); era crl has no OCSP"));
  }
  if (auto v = m.quantity("crl_shards", QuantityKind::COUNT, Need::OPTIONAL, Sign::POSITIVE)) w.crl_shards = *v;
  if (auto v = m.quantity("crl_period", QuantityKind::DURATION, Need::OPTIONAL, Sign::POSITIVE)) w.crl_period_s = *v;
  if (auto v = m.quantity("crl_entry_bytes", QuantityKind::SIZE, Need::OPTIONAL, Sign::POSITIVE))
    w.crl_entry_bytes = *v;
  // Defaults that depend on other fields are the readers': every active certificate is an affected one.
  w.active_certificates =
      m.quantity("active_certificates", QuantityKind::COUNT, Need::OPTIONAL, Sign::POSITIVE).value_or(w.certificates);
  // 0 turns re-signing off, as absence does; any other period lies in its range.
  const YAML::Node resign = m.get("ocsp_resign_period", Need::OPTIONAL);
  const bool resign_off =
      resign && resign.IsScalar() && parse_quantity(resign.Scalar(), QuantityKind::DURATION).value == 0.0;
  if (!resign_off)
    if (auto v = m.quantity("ocsp_resign_period", QuantityKind::DURATION, Need::OPTIONAL, Sign::NON_NEGATIVE))
      w.ocsp_resign_period_s = *v;
}

}  // namespace

void read_workload(MapReader& top, Scenario& s) {
  YAML::Node wl = top.get("workload", Need::REQUIRED);
  if (!wl) return;
  Context& ctx = ctx_of(top);
  MapReader m(ctx, wl, "workload");
  Workload& w = s.workload;
  read_era(ctx, m, w);
  read_issuers(ctx, m, w);
  read_issuance_costs(ctx, m, w);
  read_background_signing(ctx, m, w);
  if (YAML::Node k = m.get("cohort_size", Need::OPTIONAL); k && !k.IsNull()) {
    if (k.IsScalar() && k.Scalar() == "auto") {
      w.cohort_size = 0;
    } else if (auto v = m.integer("cohort_size", Need::OPTIONAL, 1)) {
      w.cohort_size = *v;
    }
  }
  m.finish();
}

}  // namespace surge::detail
