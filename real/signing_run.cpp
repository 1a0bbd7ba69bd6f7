// One level of a signing bench (SigningBench::run_level): N worker threads, each with one session per
// member, signing prepared inputs (or building, hashing, signing and assembling whole structures with
// --pipeline) from a common start instant, paced by open-loop arrivals or a rate cap, every signature
// timed. A Level holds what the workers share; a Worker is one thread's state.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "models/random.hpp"
#include "real/legacy_key.hpp"
#include "real/revocation_structures.hpp"
#include "real/run_environment.hpp"
#include "real/signing_level.hpp"

namespace surge::real {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMixPattern = 1000;  // slots of the weighted round robin over key types
constexpr size_t kSignatureBuffer = 512;
constexpr std::int64_t kLocalStartDelay_ns = 50'000'000;  // a level run in one process starts this soon
constexpr std::uint64_t kRingSpread = 7919;               // workers start this many operations apart
constexpr std::uint64_t kArrivalStream = 0xA441;          // random stream of the open-loop arrivals

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

// Open-loop arrivals: exponential gaps at the offered rate, laid out before the level starts.
std::vector<std::int64_t> arrivals(const LevelSpec& spec, std::uint64_t seed) {
  std::vector<std::int64_t> out;
  if (spec.open_loop_rate_per_s <= 0) return out;
  Rng rng(seed, kArrivalStream);
  for (double t = 0; t < spec.warmup_s + spec.duration_s; t += rng.exponential(1.0 / spec.open_loop_rate_per_s))
    out.push_back(static_cast<std::int64_t>(t * 1e9));
  return out;
}

// What one worker measured.
struct WorkerOut {
  LatencyStats latency, operation;
  std::vector<std::uint64_t> per_second;
  std::map<std::string, std::uint64_t> by_key, errors_by_member;
  std::map<std::string, double> cpu_sum;
  std::map<std::string, std::uint64_t> cpu_count;
  std::string last_error;
};

}  // namespace

// What every worker of a level shares: the plan, the instants, the pacing and the first failure.
struct SigningBench::Level {
  Level(SigningBench& b, const LevelSpec& s)
      : bench(b),
        spec(s),
        pattern(mix_pattern(s.mix)),
        pipeline(b.setup_.pipeline && !b.token_key()),
        arrivals_ns(arrivals(s, b.setup_.seed)),
        rate_interval_ns(s.max_rate_per_s > 0 ? static_cast<std::int64_t>(1e9 / s.max_rate_per_s) : 0),
        start_ns(s.start_at_ns > 0 ? s.start_at_ns : monotonic_ns() + kLocalStartDelay_ns),
        measure_ns(start_ns + static_cast<std::int64_t>(s.warmup_s * 1e9)),
        end_ns(measure_ns + static_cast<std::int64_t>(s.duration_s * 1e9)),
        seconds(static_cast<size_t>(std::ceil(s.duration_s))),
        next_slot_ns(start_ns),
        outs(static_cast<size_t>(s.threads)) {
    for (const auto& [t, share] : s.mix) mats.push_back(&b.material(t));
  }

  bool stopped() const { return abort.load(std::memory_order_relaxed) || setup_failed.load(std::memory_order_relaxed); }
  // The first failure ends the level for every worker.
  void fail(const std::string& message, std::optional<CK_RV> rv) {
    std::lock_guard<std::mutex> lock(mu);
    if (abort_message.empty()) abort_message = message, abort_rv = rv;
    abort = true;
  }
  void setup_fault(const HsmError& e) {
    std::lock_guard<std::mutex> lock(mu);
    if (setup_error.empty()) setup_error = e.what(), setup_rv = e.rv();
    setup_failed = true;
  }
  // Waits for the next operation's turn: its arrival (open loop) or its slot (rate cap), none otherwise.
  // False when the level is over. `arrival_ns` is the arrival instant, or 0 in a closed loop.
  bool wait_turn(std::int64_t& arrival_ns) {
    arrival_ns = 0;
    if (!arrivals_ns.empty()) {
      const size_t i = next_arrival.fetch_add(1);
      if (i >= arrivals_ns.size()) return false;
      arrival_ns = start_ns + arrivals_ns[i];
      if (arrival_ns >= end_ns) return false;
      if (arrival_ns > monotonic_ns()) sleep_until_ns(arrival_ns);  // behind schedule: no system call
    } else if (rate_interval_ns > 0) {
      const std::int64_t slot = next_slot_ns.fetch_add(rate_interval_ns);
      if (slot >= end_ns) return false;
      if (slot > monotonic_ns()) sleep_until_ns(slot);
    }
    return true;
  }
  LevelResult merge(double client_cpu_cores) const;

  SigningBench& bench;
  const LevelSpec& spec;
  const std::vector<int> pattern;
  std::vector<const KeyMaterial*> mats;
  const bool pipeline;
  const std::vector<std::int64_t> arrivals_ns;
  const std::int64_t rate_interval_ns, start_ns, measure_ns, end_ns;
  const size_t seconds;
  std::atomic<std::size_t> next_arrival{0};
  std::atomic<std::int64_t> next_slot_ns;
  std::atomic<std::uint64_t> errors{0};
  std::atomic<bool> abort{false};
  std::atomic<bool> setup_failed{false};
  std::mutex mu;
  std::string abort_message;
  std::optional<CK_RV> abort_rv;
  std::string setup_error;
  std::optional<CK_RV> setup_rv;
  std::vector<WorkerOut> outs;
};

LevelResult SigningBench::Level::merge(double client_cpu_cores) const {
  LevelResult r;
  r.threads = spec.threads;
  r.duration_s = spec.duration_s;
  r.client_cpu_cores = client_cpu_cores;
  r.per_second.assign(seconds, 0);
  r.offered_per_s = spec.open_loop_rate_per_s;
  r.errors = errors.load();
  std::map<std::string, double> cpu_sum;
  std::map<std::string, std::uint64_t> cpu_count;
  for (const WorkerOut& o : outs) {
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

// One worker thread: a session per member, its place in the rings, and with --pipeline a signer per key
// type that signs in the worker's current session and times the call.
class SigningBench::Worker {
 public:
  Worker(Level& level, int w)
      : L_(level), b_(level.bench), w_(w), out_(level.outs[static_cast<size_t>(w)]), fn_(b_.module_->api()) {
    out_.per_second.assign(L_.seconds, 0);
    const LevelSpec& spec = L_.spec;
    const size_t expected =
        spec.max_rate_per_s > 0 ? static_cast<size_t>(spec.max_rate_per_s * spec.duration_s / spec.threads) : 1 << 16;
    out_.latency.reserve(std::min<size_t>(expected + 1024, 1 << 20));
    sessions_.assign(b_.members_.size(), CK_INVALID_HANDLE);
    failed_.assign(b_.members_.size(), false);
    current_ = spec.members.front();
    try {
      for (int m : spec.members) sessions_[static_cast<size_t>(m)] = b_.module_->open_session(member(m).slot);
    } catch (const HsmError& e) {
      L_.setup_fault(e);
    }
    if (L_.pipeline) make_signers();
  }
  ~Worker() {
    for (size_t m = 0; m < sessions_.size(); ++m)
      if (sessions_[m] != CK_INVALID_HANDLE && !(fault_session_closed_ && static_cast<int>(m) == L_.spec.fault.member))
        b_.module_->close_session(sessions_[m]);
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void run();

 private:
  struct Outcome {
    CK_RV rv = CKR_OK;
    double ca_cpu_s = 0;  // pipeline: CA-side CPU (the HSM call excluded)
    double sign_s = 0;    // pipeline: the HSM call's wall time
  };
  const Member& member(int m) const { return *b_.members_[static_cast<size_t>(m)]; }
  CK_RV hsm_sign(KeyType type, const unsigned char* in, size_t len, CK_ULONG* out_len);
  void make_signers();
  int next_member();
  std::optional<Outcome> operate(size_t k, const SigningRing& ring, const std::vector<unsigned char>& input);
  bool on_error(int m, CK_RV rv);
  void record(const SigningRing& ring, KeyType type, const Outcome& o, std::int64_t begin_ns, std::int64_t end_ns);

  Level& L_;
  SigningBench& b_;
  const int w_;
  WorkerOut& out_;
  CK_FUNCTION_LIST* fn_;
  std::vector<CK_SESSION_HANDLE> sessions_;
  std::vector<bool> failed_;
  int current_ = 0;
  CK_RV sign_rv_ = CKR_OK;
  double sign_wall_s_ = 0, sign_cpu_s_ = 0;
  unsigned char sigbuf_[kSignatureBuffer];
  std::vector<std::unique_ptr<DigestSigner>> signers_;
  std::vector<HsmPkey> pkeys_;
  std::uint64_t op_ = 0, member_rr_ = 0;
  long measured_ = 0;
  bool fault_injected_ = false;        // once per level
  bool fault_session_closed_ = false;  // the injected fault's session is closed already
};

CK_RV SigningBench::Worker::hsm_sign(KeyType type, const unsigned char* in, size_t len, CK_ULONG* out_len) {
  CK_MECHANISM mech{signing_mechanism(type), nullptr, 0};
  const CK_SESSION_HANDLE s = sessions_[static_cast<size_t>(current_)];
  CK_RV rv = fn_->C_SignInit(s, &mech, member(current_).keys.at(type).private_key);
  *out_len = sizeof sigbuf_;
  if (rv == CKR_OK) rv = fn_->C_Sign(s, const_cast<unsigned char*>(in), len, sigbuf_, out_len);
  return rv;
}

void SigningBench::Worker::make_signers() {
  for (const auto& [t, share] : L_.spec.mix) {
    const KeyType type = t;
    signers_.push_back(std::make_unique<DigestSigner>([this, type](const std::vector<unsigned char>& digest) {
      const std::vector<unsigned char> input = signing_input(type, digest);
      const auto t0 = Clock::now();
      const double c0 = thread_cpu_s();
      CK_ULONG len = 0;
      const CK_RV rv = hsm_sign(type, input.data(), input.size(), &len);
      sign_cpu_s_ += thread_cpu_s() - c0;
      sign_wall_s_ += std::chrono::duration<double>(Clock::now() - t0).count();
      if (rv != CKR_OK) {
        // Never throw through OpenSSL's C frames: remember the failure, answer with a placeholder.
        sign_rv_ = rv;
        len = signature_bytes(type);
        std::fill(sigbuf_, sigbuf_ + len, 0x01);
      }
      return std::vector<unsigned char>(sigbuf_, sigbuf_ + len);
    }));
    pkeys_.push_back(hsm_pkey(L_.mats[pkeys_.size()]->issuer->key, signers_.back().get()));
  }
}

// Client-side balancing: round robin over the members this worker still has; -1 when none is left.
int SigningBench::Worker::next_member() {
  const std::vector<int>& members = L_.spec.members;
  for (size_t tries = 0; tries < members.size(); ++tries) {
    const int m = members[member_rr_++ % members.size()];
    if (!failed_[static_cast<size_t>(m)]) return m;
  }
  return -1;
}

// One signature, or one whole structure with --pipeline; nothing when surge itself failed (the level ends).
std::optional<SigningBench::Worker::Outcome> SigningBench::Worker::operate(size_t k, const SigningRing& ring,
                                                                           const std::vector<unsigned char>& input) {
  Outcome o;
  if (!L_.pipeline) {
    CK_ULONG len = 0;
    o.rv = hsm_sign(L_.mats[k]->type, input.data(), input.size(), &len);
    return o;
  }
  sign_rv_ = CKR_OK;
  sign_wall_s_ = sign_cpu_s_ = 0;
  const double c0 = thread_cpu_s();
  try {
    build_and_sign(ring.structure, *L_.mats[k]->issuer, pkeys_[k].get(), *signers_[k], b_.setup_.crl_entries, op_);
  } catch (const HsmError& e) {
    if (sign_rv_ == CKR_OK && !e.rv()) {  // not the HSM's: surge could not build the structure
      L_.fail(e.what(), std::nullopt);
      return std::nullopt;
    }
    if (sign_rv_ == CKR_OK) sign_rv_ = *e.rv();
  }
  o.ca_cpu_s = thread_cpu_s() - c0 - sign_cpu_s_;
  o.sign_s = sign_wall_s_;
  o.rv = sign_rv_;
  return o;
}

// Counts a failed signature; past --max-errors the level fails. A session fault gets a new session, as a
// CA's pool would; a member that refuses one is out for this worker. False when the level must end.
bool SigningBench::Worker::on_error(int m, CK_RV rv) {
  const std::string who = member(m).label;
  out_.last_error = "token '" + who + "': C_Sign: " + rv_name(rv);
  ++out_.errors_by_member[who];
  const std::uint64_t total = L_.errors.fetch_add(1) + 1;
  if (static_cast<long>(total) > L_.spec.max_errors) {
    L_.fail(out_.last_error + " (" + std::to_string(total) + " error" + (total == 1 ? "" : "s") + ", --max-errors " +
                std::to_string(L_.spec.max_errors) + ")",
            rv);
    return false;
  }
  if (is_session_fault(rv)) {
    CK_SESSION_HANDLE& s = sessions_[static_cast<size_t>(m)];
    if (!(fault_session_closed_ && m == L_.spec.fault.member)) fn_->C_CloseSession(s);
    if (m == L_.spec.fault.member) fault_session_closed_ = false;
    try {
      s = b_.module_->open_session(member(m).slot);
    } catch (const HsmError&) {
      s = CK_INVALID_HANDLE;
      failed_[static_cast<size_t>(m)] = true;
    }
  }
  return true;
}

void SigningBench::Worker::record(const SigningRing& ring, KeyType type, const Outcome& o, std::int64_t begin_ns,
                                  std::int64_t end_ns) {
  const double latency_s = static_cast<double>(end_ns - begin_ns) * 1e-9;
  out_.latency.record(L_.pipeline ? o.sign_s : latency_s);
  if (L_.pipeline) {
    out_.operation.record(latency_s);
    out_.cpu_sum[structure_name(ring.structure)] += o.ca_cpu_s;
    ++out_.cpu_count[structure_name(ring.structure)];
  }
  const auto sec = static_cast<size_t>((end_ns - L_.measure_ns) / 1'000'000'000);
  if (sec < out_.per_second.size()) ++out_.per_second[sec];
  ++out_.by_key[key_type_name(type)];
  ++measured_;
}

void SigningBench::Worker::run() {
  sleep_until_ns(L_.start_ns);
  op_ = static_cast<std::uint64_t>(w_) * kRingSpread;  // spread workers over the rings
  member_rr_ = static_cast<std::uint64_t>(w_);
  std::int64_t arrival_ns = 0;
  while (!L_.stopped() && L_.wait_turn(arrival_ns)) {
    const int m = next_member();
    if (m < 0) {
      L_.fail("every member failed for a worker; last error: " + out_.last_error, std::nullopt);
      break;
    }
    current_ = m;
    const size_t k = static_cast<size_t>(L_.pattern[op_ % L_.pattern.size()]);
    const KeyMaterial& km = *L_.mats[k];
    const SigningRing& ring = km.rings[op_ % km.rings.size()];
    const std::vector<unsigned char>& input = ring.inputs[(op_ / km.rings.size()) % ring.inputs.size()];
    ++op_;
    const std::int64_t t0_ns = monotonic_ns();
    const std::optional<Outcome> o = operate(k, ring, input);
    if (!o) break;
    const std::int64_t t1_ns = monotonic_ns();
    if (o->rv != CKR_OK) {
      if (!on_error(m, o->rv)) break;
      continue;
    }
    if (t1_ns < L_.measure_ns) continue;  // warm-up
    if (t1_ns > L_.end_ns) break;
    record(ring, km.type, *o, arrival_ns > 0 ? arrival_ns : t0_ns, t1_ns);
    if (w_ == 0 && !fault_injected_ && L_.spec.fault.member == m && measured_ >= L_.spec.fault.after_signatures) {
      fn_->C_CloseSession(sessions_[static_cast<size_t>(m)]);  // the next call on it fails, for real
      fault_injected_ = fault_session_closed_ = true;
    }
  }
}

LevelResult SigningBench::run_level(const LevelSpec& spec) {
  Level level(*this, spec);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(spec.threads));
  for (int w = 0; w < spec.threads; ++w) threads.emplace_back([&level, w] { Worker(level, w).run(); });
  // Process CPU over the measured window (this thread sleeps meanwhile).
  sleep_until_ns(level.measure_ns);
  const double cpu0 = process_cpu_seconds();
  const std::int64_t wall0 = monotonic_ns();
  sleep_until_ns(level.end_ns);
  const double cpu1 = process_cpu_seconds();
  const std::int64_t wall1 = monotonic_ns();
  for (std::thread& t : threads) t.join();
  if (!level.setup_error.empty()) throw HsmError::relayed(level.setup_error, level.setup_rv, HsmError::Kind::FAULT);
  if (level.abort) throw HsmError::relayed(level.abort_message, level.abort_rv, HsmError::Kind::FAULT);
  return level.merge((cpu1 - cpu0) / (static_cast<double>(wall1 - wall0) * 1e-9));
}

}  // namespace surge::real
