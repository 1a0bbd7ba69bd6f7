#include "real/signing_level.hpp"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "models/random.hpp"
#include "real/legacy_key.hpp"
#include "real/revocation_structures.hpp"
#include "real/run_environment.hpp"

namespace surge::real {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

bool is_session_fault(CK_RV rv) {
  return rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_SESSION_CLOSED || rv == CKR_DEVICE_ERROR ||
         rv == CKR_DEVICE_REMOVED || rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_USER_NOT_LOGGED_IN ||
         rv == CKR_KEY_HANDLE_INVALID || rv == CKR_OBJECT_HANDLE_INVALID;
}

// ---- results ---------------------------------------------------------------------------------------

void LevelResult::merge(const LevelResult& o) {
  processes += o.processes;
  signatures += o.signatures;
  throughput_per_s += o.throughput_per_s;
  latency.merge(o.latency);
  operation.merge(o.operation);
  errors += o.errors;
  for (const auto& [k, v] : o.errors_by_member) errors_by_member[k] += v;
  if (last_error.empty()) last_error = o.last_error;
  client_cpu_cores += o.client_cpu_cores;
  if (per_second.size() < o.per_second.size()) per_second.resize(o.per_second.size(), 0);
  for (size_t i = 0; i < o.per_second.size(); ++i) per_second[i] += o.per_second[i];
  // CA-side CPU per structure: the mean over both processes' operations, weighted by signatures.
  const double w = signatures > 0 ? static_cast<double>(o.signatures) / static_cast<double>(signatures) : 0;
  for (const auto& [k, v] : o.ca_cpu_us) ca_cpu_us[k] = ca_cpu_us.count(k) ? ca_cpu_us[k] * (1 - w) + v * w : v;
  for (const auto& [k, v] : o.by_key) by_key[k] += v;
  offered_per_s += o.offered_per_s;
}

nlohmann::json LevelResult::to_json(bool with_samples) const {
  nlohmann::json j = {{"threads", threads},
                      {"processes", processes},
                      {"duration_s", duration_s},
                      {"signatures", signatures},
                      {"throughput_per_s", throughput_per_s},
                      {"latency", latency.summary_json()},
                      {"histogram", latency.histogram_json()},
                      {"errors", errors},
                      {"errors_by_member", errors_by_member},
                      {"client_cpu_cores", client_cpu_cores},
                      {"per_second", per_second},
                      {"by_key_type", by_key}};
  if (!last_error.empty()) j["last_error"] = last_error;
  if (operation.count() > 0) {
    j["operation_latency"] = operation.summary_json();
    j["ca_cpu_us_per_structure"] = ca_cpu_us;
  }
  if (offered_per_s > 0) j["offered_per_s"] = offered_per_s;
  if (with_samples) {
    j["samples"] = latency.samples();
    j["operation_samples"] = operation.samples();
  }
  return j;
}

LevelResult LevelResult::from_json(const nlohmann::json& j) {
  LevelResult r;
  r.threads = j.at("threads");
  r.processes = j.at("processes");
  r.duration_s = j.at("duration_s");
  r.signatures = j.at("signatures");
  r.throughput_per_s = j.at("throughput_per_s");
  r.errors = j.at("errors");
  r.errors_by_member = j.at("errors_by_member").get<std::map<std::string, std::uint64_t>>();
  r.last_error = j.value("last_error", "");
  r.client_cpu_cores = j.at("client_cpu_cores");
  r.per_second = j.at("per_second").get<std::vector<std::uint64_t>>();
  r.by_key = j.at("by_key_type").get<std::map<std::string, std::uint64_t>>();
  r.ca_cpu_us = j.value("ca_cpu_us_per_structure", std::map<std::string, double>{});
  r.offered_per_s = j.value("offered_per_s", 0.0);
  r.latency.samples() = j.at("samples").get<std::vector<float>>();
  r.operation.samples() = j.at("operation_samples").get<std::vector<float>>();
  return r;
}

// ---- the bench ---------------------------------------------------------------------------------------

SigningBench::SigningBench(const BenchSetup& setup, const Pin& pin) : setup_(setup) {
  if (const std::string refusal = module_load_refusal(setup.module, setup.accept_hsm_load); !refusal.empty())
    throw HsmError(refusal, HsmError::Kind::CONFIGURATION);
  module_ = std::make_unique<Pkcs11Module>(setup.module);
  if (!setup.accept_hsm_load && !module_->is_softhsm())
    throw HsmError(setup.module +
                       " is named like SoftHSM2, but C_GetInfo names another maker: only SoftHSM2 is "
                       "loaded without --i-accept-hsm-load",
                   HsmError::Kind::CONFIGURATION);
  try {
    for (const std::string& token : setup.tokens) {
      auto m = std::make_unique<Member>();
      m->slot = token.rfind('#', 0) == 0 ? module_->slot_by_id(std::stoul(token.substr(1)))  // --slot
                                         : module_->slot_by_label(token);
      descriptions_.push_back(module_->describe(m->slot));
      m->label = descriptions_.back().token_label;
      members_.push_back(std::move(m));
    }
    choose_key_types();  // before any session: a token that can sign nothing asked for is not opened
    for (auto& m : members_) {
      m->key_session = module_->open_session(m->slot);
      module_->login(m->key_session, pin.value());
      if (!setup.existing_key.empty()) {
        const KeyPair k = module_->find_key(m->key_session, setup.existing_key);
        require_mechanism(*m, k.type);
        m->keys[k.type] = k;
      } else {
        for (KeyType t : key_types_) m->keys[t] = module_->generate_session_key(m->key_session, t);
      }
    }
    // Signing inputs, prepared once from the first member's keys (a digest is valid for any key).
    Member& first = *members_.front();
    for (auto& [type, key] : first.keys) {
      KeyMaterial km;
      km.type = type;
      if (setup.existing_key.empty()) {
        const KeyPair k = key;
        const DigestSigner sign = [&](const std::vector<unsigned char>& d) {
          return module_->sign_digest(first.key_session, k, d);
        };
        km.issuer = std::make_unique<IssuerMaterial>(make_issuer_material(k, sign));
        km.rings =
            prepare_rings(km.issuer.get(), type, setup.structures, setup.ring_size, setup.crl_entries, setup.seed);
      } else {
        km.rings = prepare_rings(nullptr, type, {}, setup.ring_size, 0, setup.seed);
      }
      first.material.emplace(type, std::move(km));
    }
  } catch (...) {
    for (auto& m : members_)
      if (m->key_session != CK_INVALID_HANDLE) module_->close_session(m->key_session);
    throw;
  }
}

SigningBench::~SigningBench() {
  for (auto& m : members_) module_->close_session(m->key_session);
}

namespace {
// The public-key signature mechanisms among `ms` (MACs sign too, in PKCS#11's terms).
std::string mechanisms_text(const std::vector<CK_MECHANISM_TYPE>& ms) {
  std::string out;
  for (CK_MECHANISM_TYPE m : ms) {
    const std::string name = mechanism_name(m);
    if (name.find("MAC") == std::string::npos) out += (out.empty() ? "" : ", ") + name;
  }
  return out.empty() ? "no public-key signature mechanism" : out;
}
}  // namespace

// Why `member`'s token cannot sign with `type`, or "" if it can.
std::string SigningBench::missing_mechanism(const Member& member, KeyType type) const {
  const CK_MECHANISM_TYPE mech = signing_mechanism(type);
  if (module_->signs_with(member.slot, mech)) return "";
  return "token '" + member.label + "' does not offer " + mechanism_name(mech) +
         " for signing (it signs with: " + mechanisms_text(module_->signing_mechanisms(member.slot)) + ")";
}

void SigningBench::require_mechanism(const Member& member, KeyType type) const {
  if (const std::string why = missing_mechanism(member, type); !why.empty())
    throw HsmError("the stored key is " + key_type_name(type) + ", but " + why, HsmError::Kind::CONFIGURATION);
}

// Session keys: the key types every member can sign with; the others are skipped, with the reason.
void SigningBench::choose_key_types() {
  if (!setup_.existing_key.empty()) return;
  for (KeyType t : setup_.key_types) {
    std::string why;
    for (const auto& m : members_)
      if (why.empty()) why = missing_mechanism(*m, t);
    if (why.empty()) {
      key_types_.push_back(t);
    } else {
      skipped_.push_back({t, why});
    }
  }
  if (key_types_.empty()) {
    std::string all;
    for (const SkippedKeyType& k : skipped_) all += (all.empty() ? "" : "; ") + key_type_name(k.type) + ": " + k.reason;
    throw HsmError("none of the key types asked for can be measured (" + all + ")", HsmError::Kind::CONFIGURATION);
  }
}

std::vector<KeyType> SigningBench::key_types() const {
  std::vector<KeyType> out;
  for (const auto& [t, k] : members_.front()->keys) out.push_back(t);
  return out;
}

const SigningBench::KeyMaterial& SigningBench::material(KeyType t) const {
  const auto& mat = members_.front()->material;
  auto it = mat.find(t);
  if (it == mat.end()) throw HsmError("no key of type " + key_type_name(t) + " on the token");
  return it->second;
}

nlohmann::json SigningBench::crl_latency(KeyType type, long entries, int repetitions) {
  const KeyMaterial& km = material(type);
  if (!km.issuer) throw HsmError("CRL latency needs a session key (not --existing-key)", HsmError::Kind::CONFIGURATION);
  Member& first = *members_.front();
  const KeyPair key = first.keys.at(type);
  double sign_s = 0;
  const DigestSigner sign = [&](const std::vector<unsigned char>& d) {
    const auto t0 = Clock::now();
    std::vector<unsigned char> s = module_->sign_digest(first.key_session, key, d);
    sign_s = std::chrono::duration<double>(Clock::now() - t0).count();
    return s;
  };
  const HsmPkey pkey = hsm_pkey(key, &sign);
  LatencyStats total, signing;
  size_t bytes = 0;
  for (int i = 0; i < repetitions; ++i) {
    const auto t0 = Clock::now();
    bytes = crl_shard(type, km.issuer->issuer_der, pkey.get(), i, entries).size();
    total.record(std::chrono::duration<double>(Clock::now() - t0).count());
    signing.record(sign_s);
  }
  return {{"key_type", key_type_name(type)},
          {"entries", entries},
          {"der_bytes", bytes},
          {"repetitions", repetitions},
          {"build_hash_assemble_s", total.quantile(0.5) - signing.quantile(0.5)},
          {"sign_s", signing.quantile(0.5)},
          {"total_s", total.quantile(0.5)}};
}

}  // namespace surge::real
