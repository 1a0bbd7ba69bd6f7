// One level of an HSM calibration: N worker threads, one PKCS#11 session each per token, signing for a
// fixed time after a warm-up, every signature timed. The token(s), the login, the ephemeral keys and the
// prepared signing inputs live in a SigningBench that outlasts every level (session keys die with the
// session that made them).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/latency_stats.hpp"
#include "real/pin.hpp"
#include "real/pkcs11_module.hpp"
#include "real/signing_workload.hpp"

namespace surge::real {

/// Where and how the bench signs.
struct BenchSetup {
  std::string module;                 ///< path of the PKCS#11 module
  std::vector<std::string> tokens;    ///< token labels: one, or two for a pair (HA members)
  std::vector<KeyType> key_types;     ///< keys to generate (session keys)
  std::string existing_key;           ///< a stored key's label: random digests only
  std::vector<Structure> structures;  ///< what the prepared inputs are (default mode)
  bool pipeline = false;              ///< build, hash, sign, assemble per operation
  int ring_size = 256;                ///< prepared inputs per structure
  long crl_entries = 1000;            ///< entries per CRL shard in the rings and the pipeline
  bool accept_hsm_load = false;       ///< needed for any module but SoftHSM2
  std::uint64_t seed = 1;
};

/// A fault the tests inject through the real module: worker 0 closes its own session on `member`
/// after `after_signatures` measured signatures (the next call fails with CKR_SESSION_HANDLE_INVALID).
struct FaultInjection {
  int member = -1;  ///< -1: none
  long after_signatures = 0;
};

/// What one level runs.
struct LevelSpec {
  std::vector<std::pair<KeyType, double>> mix;  ///< key types and their shares (one entry: that type)
  int threads = 1;
  std::vector<int> members = {0};  ///< tokens used; more than one: client-side round-robin balancing
  double warmup_s = 1;
  double duration_s = 5;
  double max_rate_per_s = 0;        ///< 0: unlimited (closed loop)
  double open_loop_rate_per_s = 0;  ///< > 0: arrivals at this rate, latency from the arrival instant
  long max_errors = 0;              ///< errors tolerated before the level (and calibration) fails
  std::int64_t start_at_ns = 0;     ///< CLOCK_MONOTONIC start (processes start together); 0: now
  FaultInjection fault;
};

/// What one level measured.
struct LevelResult {
  int threads = 0;
  int processes = 1;
  double duration_s = 0;
  std::uint64_t signatures = 0;  ///< completed in the measured window
  double throughput_per_s = 0;
  LatencyStats latency;    ///< per signature (C_SignInit + C_Sign; with open loop, from arrival)
  LatencyStats operation;  ///< pipeline: build + hash + sign + assemble
  std::uint64_t errors = 0;
  std::map<std::string, std::uint64_t> errors_by_member;
  std::string last_error;
  double client_cpu_cores = 0;                  ///< process CPU (user + system) / wall
  std::vector<std::uint64_t> per_second;        ///< completions in each second of the window
  std::map<std::string, double> ca_cpu_us;      ///< pipeline: CA-side CPU per structure (excl. the HSM call)
  std::map<std::string, std::uint64_t> by_key;  ///< signatures per key type (mixed loads)
  double offered_per_s = 0;                     ///< open loop: the arrival rate

  /// Adds another process's result of the same level.
  void merge(const LevelResult& other);
  nlohmann::json to_json(bool with_samples) const;
  static LevelResult from_json(const nlohmann::json& j);
};

/// A key type left out because a token cannot sign with it.
struct SkippedKeyType {
  KeyType type = KeyType::RSA_2048;
  std::string reason;  ///< the token, the mechanism it lacks, the signing mechanisms it offers
};

/// The module, logged in once per token, with keys and prepared inputs ready for levels.
class SigningBench {
 public:
  /// Refuses a module other than SoftHSM2 without accept_hsm_load (before loading it), loads it,
  /// finds the tokens, skips the key types a token cannot sign with, logs in (one attempt per token;
  /// none after a failure), generates session keys (or finds the stored key) and prepares inputs.
  /// Throws HsmError.
  SigningBench(const BenchSetup& setup, const Pin& pin);
  ~SigningBench();
  SigningBench(const SigningBench&) = delete;
  SigningBench& operator=(const SigningBench&) = delete;

  /// Runs one level; throws HsmError when errors exceed spec.max_errors.
  LevelResult run_level(const LevelSpec& spec);
  /// CRL shard of `entries`: build, hash and sign times (a few repetitions), DER size.
  nlohmann::json crl_latency(KeyType type, long entries, int repetitions);

  /// Key types available (the stored key's alone with --existing-key).
  std::vector<KeyType> key_types() const;
  /// Key types asked for that a token cannot sign with (none with --existing-key: that is an error).
  const std::vector<SkippedKeyType>& skipped() const { return skipped_; }
  const std::vector<TokenDescription>& tokens() const { return descriptions_; }
  bool token_key() const { return !setup_.existing_key.empty(); }

 private:
  /// A key type's signing inputs, prepared once.
  struct KeyMaterial {
    KeyType type = KeyType::RSA_2048;
    std::unique_ptr<IssuerMaterial> issuer;  ///< none for a stored key
    std::vector<SigningRing> rings;
  };
  /// A token of the bench (one, or two for a pair).
  struct Member {
    std::string label;
    CK_SLOT_ID slot = 0;
    CK_SESSION_HANDLE key_session = CK_INVALID_HANDLE;  ///< open until the bench goes: session keys live in it
    std::map<KeyType, KeyPair> keys;
    std::map<KeyType, KeyMaterial> material;  ///< member 0 only: the inputs are the same for every member
  };
  struct Level;  // what a level's workers share (signing_run.cpp)
  class Worker;  // one worker thread of a level (signing_run.cpp)
  const KeyMaterial& material(KeyType t) const;
  std::string missing_mechanism(const Member& member, KeyType type) const;
  void require_mechanism(const Member& member, KeyType type) const;
  void choose_key_types();

  BenchSetup setup_;
  std::unique_ptr<Pkcs11Module> module_;
  std::vector<std::unique_ptr<Member>> members_;
  std::vector<TokenDescription> descriptions_;
  std::vector<KeyType> key_types_;  ///< session keys made
  std::vector<SkippedKeyType> skipped_;
};

/// True if a PKCS#11 error means the session or device is gone (the pool moves to another member).
bool is_session_fault(CK_RV rv);

}  // namespace surge::real
