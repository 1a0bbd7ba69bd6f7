#include "signing_level.hpp"

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "legacy_key.hpp"
#include "random.hpp"
#include "revocation_structures.hpp"
#include "run_environment.hpp"

namespace surge::real {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMixPattern = 1000;  // slots of the weighted round robin over key types
constexpr size_t kSignatureBuffer = 512;

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void sleep_until_ns(std::int64_t t_ns) {
  const timespec ts{static_cast<time_t>(t_ns / 1'000'000'000), static_cast<long>(t_ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// Key types laid out by share over kMixPattern slots (largest remainder), interleaved evenly.
std::vector<int> mix_pattern(const std::vector<std::pair<KeyType, double>>& mix) {
  if (mix.size() == 1) return {0};
  double total = 0;
  for (const auto& m : mix) total += m.second;
  std::vector<int> pattern;
  std::vector<double> credit(mix.size(), 0);
  for (int slot = 0; slot < kMixPattern; ++slot) {
    // Smooth weighted round robin: each slot goes to the type furthest behind its share.
    size_t best = 0;
    for (size_t k = 0; k < mix.size(); ++k) {
      credit[k] += mix[k].second / total;
      if (credit[k] > credit[best]) best = k;
    }
    credit[best] -= 1;
    pattern.push_back(static_cast<int>(best));
  }
  return pattern;
}

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

struct SigningBench::KeyMaterial {
  KeyType type = KeyType::RSA_2048;
  std::unique_ptr<IssuerMaterial> issuer;  // none for a stored key
  std::vector<SigningRing> rings;
};

struct SigningBench::Member {
  std::string label;
  CK_SLOT_ID slot = 0;
  CK_SESSION_HANDLE key_session = CK_INVALID_HANDLE;  // open until the bench goes: session keys live in it
  std::map<KeyType, KeyPair> keys;
  std::map<KeyType, KeyMaterial> material;  // member 0 only: the inputs are the same for every member
};

SigningBench::SigningBench(const BenchSetup& setup, const Pin& pin) : setup_(setup) {
  if (const std::string refusal = module_load_refusal(setup.module, setup.accept_hsm_load); !refusal.empty())
    throw HsmError(refusal, HsmError::Kind::CONFIGURATION);
  module_ = std::make_unique<Pkcs11Module>(setup.module);
  if (!setup.accept_hsm_load && !module_->is_softhsm())
    throw HsmError(setup.module + " is named like SoftHSM2, but C_GetInfo names another maker: only SoftHSM2 is "
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
  CK_MECHANISM_INFO info{};
  const CK_MECHANISM_TYPE mech = signing_mechanism(type);
  if (module_->api()->C_GetMechanismInfo(member.slot, mech, &info) == CKR_OK && (info.flags & CKF_SIGN)) return "";
  return "token '" + member.label + "' does not offer " + mechanism_name(mech) + " for signing (it signs with: " +
         mechanisms_text(module_->signing_mechanisms(member.slot)) + ")";
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

LevelResult SigningBench::run_level(const LevelSpec& spec) {
  const int n = spec.threads;
  const std::vector<int> pattern = mix_pattern(spec.mix);
  std::vector<const KeyMaterial*> mats;
  for (const auto& [t, share] : spec.mix) mats.push_back(&material(t));
  const bool pipeline = setup_.pipeline && !token_key();

  // Open-loop arrivals: exponential gaps at the offered rate, laid out before the level starts.
  const double horizon_s = spec.warmup_s + spec.duration_s;
  std::vector<std::int64_t> arrivals_ns;
  if (spec.open_loop_rate_per_s > 0) {
    Rng rng(setup_.seed, 0xA441);
    double t = 0;
    while (t < horizon_s) {
      arrivals_ns.push_back(static_cast<std::int64_t>(t * 1e9));
      t += rng.exponential(1.0 / spec.open_loop_rate_per_s);
    }
  }
  std::atomic<std::size_t> next_arrival{0};
  const std::int64_t rate_interval_ns =
      spec.max_rate_per_s > 0 ? static_cast<std::int64_t>(1e9 / spec.max_rate_per_s) : 0;

  const std::int64_t start_ns = spec.start_at_ns > 0 ? spec.start_at_ns : monotonic_ns() + 50'000'000;
  const std::int64_t measure_ns = start_ns + static_cast<std::int64_t>(spec.warmup_s * 1e9);
  const std::int64_t end_ns = measure_ns + static_cast<std::int64_t>(spec.duration_s * 1e9);
  const auto seconds = static_cast<size_t>(std::ceil(spec.duration_s));
  std::atomic<std::int64_t> next_slot_ns{start_ns};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<bool> abort{false};
  std::atomic<bool> setup_failed{false};
  std::mutex mu;
  std::string abort_message;
  std::optional<CK_RV> abort_rv;
  std::string setup_error;
  std::optional<CK_RV> setup_rv;

  struct WorkerOut {
    LatencyStats latency, operation;
    std::vector<std::uint64_t> per_second;
    std::map<std::string, std::uint64_t> by_key, errors_by_member;
    std::map<std::string, double> cpu_sum;
    std::map<std::string, std::uint64_t> cpu_count;
    std::string last_error;
  };
  std::vector<WorkerOut> outs(static_cast<size_t>(n));

  auto fail = [&](const std::string& message, std::optional<CK_RV> rv) {
    std::lock_guard<std::mutex> lock(mu);
    if (abort_message.empty()) abort_message = message, abort_rv = rv;
    abort = true;
  };

  auto worker = [&](int w) {
    WorkerOut& out = outs[static_cast<size_t>(w)];
    out.per_second.assign(seconds, 0);
    const size_t expected =
        spec.max_rate_per_s > 0 ? static_cast<size_t>(spec.max_rate_per_s * spec.duration_s / n) : 1 << 16;
    out.latency.reserve(std::min<size_t>(expected + 1024, 1 << 20));
    CK_FUNCTION_LIST* fn = module_->api();
    std::vector<CK_SESSION_HANDLE> sessions(members_.size(), CK_INVALID_HANDLE);
    std::vector<bool> failed(members_.size(), false);
    try {
      for (int m : spec.members)
        sessions[static_cast<size_t>(m)] = module_->open_session(members_[static_cast<size_t>(m)]->slot);
    } catch (const HsmError& e) {
      std::lock_guard<std::mutex> lock(mu);
      if (setup_error.empty()) setup_error = e.what(), setup_rv = e.rv();
      setup_failed = true;
    }
    // Pipeline: a signer per key type that signs in this worker's current session and times the call.
    int current = spec.members.front();
    CK_RV sign_rv = CKR_OK;
    double sign_wall_s = 0, sign_cpu_s = 0;
    unsigned char sigbuf[kSignatureBuffer];
    auto hsm_sign = [&](KeyType type, const unsigned char* in, size_t len, CK_ULONG* out_len) {
      const Member& mem = *members_[static_cast<size_t>(current)];
      CK_MECHANISM mech{signing_mechanism(type), nullptr, 0};
      const CK_SESSION_HANDLE s = sessions[static_cast<size_t>(current)];
      CK_RV rv = fn->C_SignInit(s, &mech, mem.keys.at(type).private_key);
      *out_len = sizeof sigbuf;
      if (rv == CKR_OK) rv = fn->C_Sign(s, const_cast<unsigned char*>(in), len, sigbuf, out_len);
      return rv;
    };
    std::vector<std::unique_ptr<DigestSigner>> signers;
    std::vector<HsmPkey> pkeys;
    if (pipeline) {
      for (const auto& [t, share] : spec.mix) {
        const KeyType type = t;
        signers.push_back(std::make_unique<DigestSigner>([&, type](const std::vector<unsigned char>& digest) {
          const std::vector<unsigned char> input = signing_input(type, digest);
          const auto t0 = Clock::now();
          const double c0 = thread_cpu_s();
          CK_ULONG len = 0;
          const CK_RV rv = hsm_sign(type, input.data(), input.size(), &len);
          sign_cpu_s += thread_cpu_s() - c0;
          sign_wall_s += std::chrono::duration<double>(Clock::now() - t0).count();
          if (rv != CKR_OK) {
            // Never throw through OpenSSL's C frames: remember the failure, answer with a placeholder.
            sign_rv = rv;
            len = signature_bytes(type);
            std::fill(sigbuf, sigbuf + len, 0x01);
          }
          return std::vector<unsigned char>(sigbuf, sigbuf + len);
        }));
        pkeys.push_back(hsm_pkey(mats[pkeys.size()]->issuer->key, signers.back().get()));
      }
    }
    sleep_until_ns(start_ns);

    std::uint64_t op = static_cast<std::uint64_t>(w) * 7919;  // spread workers over the rings
    std::uint64_t member_rr = static_cast<std::uint64_t>(w);
    long measured = 0;
    bool fault_injected = false;        // once per level
    bool fault_session_closed = false;  // the injected fault's session is closed already
    while (!abort.load(std::memory_order_relaxed) && !setup_failed.load(std::memory_order_relaxed)) {
      std::int64_t arrival_ns = 0;
      if (!arrivals_ns.empty()) {
        const size_t i = next_arrival.fetch_add(1);
        if (i >= arrivals_ns.size()) break;
        arrival_ns = start_ns + arrivals_ns[i];
        if (arrival_ns >= end_ns) break;
        if (arrival_ns > monotonic_ns()) sleep_until_ns(arrival_ns);  // behind schedule: no system call
      } else if (rate_interval_ns > 0) {
        const std::int64_t slot = next_slot_ns.fetch_add(rate_interval_ns);
        if (slot >= end_ns) break;
        if (slot > monotonic_ns()) sleep_until_ns(slot);
      }
      // Client-side balancing: round robin over the members this worker still has.
      int member = -1;
      for (size_t tries = 0; tries < spec.members.size(); ++tries) {
        const int m = spec.members[member_rr++ % spec.members.size()];
        if (!failed[static_cast<size_t>(m)]) {
          member = m;
          break;
        }
      }
      if (member < 0) {
        fail("every member failed for a worker; last error: " + out.last_error, CKR_DEVICE_ERROR);
        break;
      }
      current = member;
      const size_t k = static_cast<size_t>(pattern[op % pattern.size()]);
      const KeyMaterial& km = *mats[k];
      const SigningRing& ring = km.rings[op % km.rings.size()];
      const std::vector<unsigned char>& input = ring.inputs[(op / km.rings.size()) % ring.inputs.size()];
      ++op;

      const std::int64_t t0_ns = monotonic_ns();
      CK_RV rv = CKR_OK;
      double ca_cpu_s = 0;
      double sign_s = 0;
      if (pipeline) {
        sign_rv = CKR_OK;
        sign_wall_s = sign_cpu_s = 0;
        const double c0 = thread_cpu_s();
        try {
          build_and_sign(ring.structure, *km.issuer, pkeys[k].get(), *signers[k], setup_.crl_entries, op);
        } catch (const HsmError& e) {
          if (sign_rv == CKR_OK && !e.rv()) {  // not the HSM's: surge could not build the structure
            fail(e.what(), std::nullopt);
            break;
          }
          if (sign_rv == CKR_OK) sign_rv = *e.rv();
        }
        ca_cpu_s = thread_cpu_s() - c0 - sign_cpu_s;
        sign_s = sign_wall_s;
        rv = sign_rv;
      } else {
        CK_ULONG len = 0;
        rv = hsm_sign(km.type, input.data(), input.size(), &len);
      }
      const std::int64_t t1_ns = monotonic_ns();
      if (rv != CKR_OK) {
        const std::string who = members_[static_cast<size_t>(member)]->label;
        out.last_error = "token '" + who + "': C_Sign: " + rv_name(rv);
        ++out.errors_by_member[who];
        const std::uint64_t total = errors.fetch_add(1) + 1;
        if (static_cast<long>(total) > spec.max_errors) {
          fail(out.last_error + " (" + std::to_string(total) + " error" + (total == 1 ? "" : "s") + ", --max-errors " +
                   std::to_string(spec.max_errors) + ")",
               rv);
          break;
        }
        if (is_session_fault(rv)) {
          // As a CA's pool would: drop the session and open another; a member that refuses is out.
          CK_SESSION_HANDLE& s = sessions[static_cast<size_t>(member)];
          if (!(fault_session_closed && member == spec.fault.member)) fn->C_CloseSession(s);
          if (member == spec.fault.member) fault_session_closed = false;
          try {
            s = module_->open_session(members_[static_cast<size_t>(member)]->slot);
          } catch (const HsmError&) {
            s = CK_INVALID_HANDLE;
            failed[static_cast<size_t>(member)] = true;
          }
        }
        continue;
      }
      if (t1_ns < measure_ns) continue;  // warm-up
      if (t1_ns > end_ns) break;
      const double latency_s = static_cast<double>(t1_ns - (arrival_ns > 0 ? arrival_ns : t0_ns)) * 1e-9;
      out.latency.record(pipeline ? sign_s : latency_s);
      if (pipeline) {
        out.operation.record(latency_s);
        out.cpu_sum[structure_name(ring.structure)] += ca_cpu_s;
        ++out.cpu_count[structure_name(ring.structure)];
      }
      const auto sec = static_cast<size_t>((t1_ns - measure_ns) / 1'000'000'000);
      if (sec < out.per_second.size()) ++out.per_second[sec];
      ++out.by_key[key_type_name(km.type)];
      ++measured;
      if (w == 0 && !fault_injected && spec.fault.member == member && measured >= spec.fault.after_signatures) {
        fn->C_CloseSession(sessions[static_cast<size_t>(member)]);  // the next call on it fails, for real
        fault_injected = fault_session_closed = true;
      }
    }
    for (size_t m = 0; m < sessions.size(); ++m)
      if (sessions[m] != CK_INVALID_HANDLE && !(fault_session_closed && static_cast<int>(m) == spec.fault.member))
        module_->close_session(sessions[m]);
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int w = 0; w < n; ++w) threads.emplace_back(worker, w);
  // Process CPU over the measured window (the main thread sleeps meanwhile).
  sleep_until_ns(measure_ns);
  const double cpu0 = process_cpu_seconds();
  const std::int64_t wall0 = monotonic_ns();
  sleep_until_ns(end_ns);
  const double cpu1 = process_cpu_seconds();
  const std::int64_t wall1 = monotonic_ns();
  for (std::thread& t : threads) t.join();
  if (!setup_error.empty()) throw HsmError::relayed(setup_error, setup_rv, HsmError::Kind::FAULT);
  if (abort) throw HsmError::relayed(abort_message, abort_rv, HsmError::Kind::FAULT);

  LevelResult r;
  r.threads = n;
  r.duration_s = spec.duration_s;
  r.client_cpu_cores = (cpu1 - cpu0) / (static_cast<double>(wall1 - wall0) * 1e-9);
  r.per_second.assign(seconds, 0);
  r.offered_per_s = spec.open_loop_rate_per_s;
  r.errors = errors.load();
  std::map<std::string, double> cpu_sum;
  std::map<std::string, std::uint64_t> cpu_count;
  for (WorkerOut& o : outs) {
    r.latency.merge(o.latency);
    r.operation.merge(o.operation);
    for (size_t i = 0; i < seconds; ++i) r.per_second[i] += o.per_second[i];
    for (const auto& [k, v] : o.by_key) r.by_key[k] += v;
    for (const auto& [k, v] : o.errors_by_member) r.errors_by_member[k] += v;
    for (const auto& [k, v] : o.cpu_sum) cpu_sum[k] += v;
    for (const auto& [k, v] : o.cpu_count) cpu_count[k] += v;
    if (!o.last_error.empty()) r.last_error = o.last_error;
  }
  for (const auto& [k, v] : cpu_sum) r.ca_cpu_us[k] = v / static_cast<double>(cpu_count[k]) * 1e6;
  r.signatures = r.latency.count();
  r.throughput_per_s = static_cast<double>(r.signatures) / spec.duration_s;
  return r;
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
