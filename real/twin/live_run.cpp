// The live run's loop: the load generator (the scenario's arrivals, as the prediction has them, each a
// replacement order for one old certificate), the CA's incident tooling (revoke as replaced; bulk
// revocation by the controller's rule, models/controller), the failures injected at their times, the
// CRL updater in the CRL era, and a sample of every counter and every process's CPU each second.
#include <openssl/evp.h>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include "models/atomic_file.hpp"
#include "models/controller.hpp"
#include "models/exit_codes.hpp"
#include "models/scenario_parser.hpp"
#include "models/workload.hpp"
#include "real/ca_schema.hpp"
#include "real/key_import.hpp"
#include "real/pin.hpp"
#include "real/twin/live_pipeline.hpp"
#include "real/twin/replica_watch.hpp"
#include "real/twin/roles.hpp"

extern char** environ;

namespace surge::twin {
namespace {

namespace fs = std::filesystem;

constexpr int kBulkWorkers = 16;
constexpr int kCrlWorkers = 64;  // shards in flight at once: each waits its turn at a signer
constexpr int kSampleCertificates = 5;

// Set by SIGINT or SIGTERM: the run stops, its parts are stopped and removed, nothing is written.
std::atomic<bool> g_interrupted{false};
void on_stop(int) {
  g_interrupted = true;
}

void sleep_until(double t) {
  const double d = t - now_s();
  if (d > 0) std::this_thread::sleep_for(std::chrono::duration<double>(d));
}

// The i-th old certificate's serial: surge's prefix, then i (36 hex digits, as Boulder's).
std::string old_serial(std::size_t i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "5e%034zx", i);
  return buf;
}

// When the i-th arrival comes: where the predicted cumulative arrivals reach i + 1 (linear between samples).
std::vector<double> release_times(const nlohmann::json& curves, std::size_t n) {
  const std::vector<double> t = curves.at("t_s").get<std::vector<double>>();
  const std::vector<double> a = curves.at("arrived").get<std::vector<double>>();
  std::vector<double> out(n, t.empty() ? 0 : t.back());
  std::size_t k = 1;
  for (std::size_t i = 0; i < n; ++i) {
    const double target = static_cast<double>(i) + 1;
    while (k < a.size() && a[k] < target) ++k;
    if (k >= a.size()) break;
    const double span = a[k] - a[k - 1];
    out[i] = span > 0 ? t[k - 1] + (t[k] - t[k - 1]) * (target - a[k - 1]) / span : t[k];
  }
  return out;
}

class Run {
 public:
  Run(Pipeline& p, const Scenario& s, const nlohmann::json& prediction, const LiveOptions& o)
      : p_(p),
        s_(s),
        o_(o),
        n_(static_cast<std::size_t>(std::llround(s.workload.certificates))),
        release_(release_times(prediction.at("predicted_curves"), n_)),
        claimed_(n_),
        ra_(RegistrationAuthority::NewStub(channel_to(p.ra_address()))),
        sa_(StorageAuthority::NewStub(channel_to(p.sa_address()))) {
    // One stub per peer for the whole run (a stub is safe for concurrent calls).
    for (const Member& m : p.members()) cas_.push_back(CertificateAuthority::NewStub(channel_to(m.address)));
    for (const auto& [name, address] : p.stats_addresses()) stats_[name] = Stats::NewStub(channel_to(address));
    const real::SoftwareKey k = real::generate_software_key(real::KeyType::ECDSA_P256);
    const std::vector<unsigned char> der = real::public_key_der(k.get());
    subscriber_.assign(der.begin(), der.end());
    if (p.lab()) network_ = p.lab()->describe();
    if (p.replica()) watch_ = std::make_unique<ReplicaWatch>(p.target(), *p.replica());
  }

  Measured go() {
    prefill();
    start_ = now_s();
    cpu_at_start_ = process_cpu_s(getpid());
    std::vector<std::thread> threads;
    for (int i = 0; i < o_.clients; ++i) threads.emplace_back([this] { client(); });
    // As many revokers as clients: each replaced certificate is revoked at once (revoke as replaced), its
    // signature and commit queued with the issuance's, as the model has it.
    for (int i = 0; i < o_.clients; ++i) threads.emplace_back([this] { revoker(); });
    threads.emplace_back([this] { controller(); });
    threads.emplace_back([this] { failures(); });
    if (s_.workload.era == Era::CRL)
      for (int i = 0; i < kCrlWorkers; ++i) threads.emplace_back([this] { crl_updater(); });
    sampler();  // until done or the horizon
    done_ = true;
    for (auto& t : threads) t.join();
    crl_pass();  // every revocation published
    m_.end_s = now_s() - start_;
    record(sample());
    return std::move(m_);
  }

  std::map<int, std::string> crls() const { return crls_; }
  std::vector<std::string> certificates() const { return certificates_; }
  const std::string& network() const { return network_; }

 private:
  double now() const { return now_s() - start_; }

  void prefill() {
    PrefillRequest req;
    req.set_registration_id(0);
    for (std::size_t i = 0; i < n_; ++i) req.add_serials(old_serial(i));
    StorageAuthority::Stub* sa = sa_.get();
    Order reg;
    grpc::ClientContext c1;
    if (!sa->NewRegistration(&c1, Empty{}, &reg).ok()) throw std::runtime_error("the SA cannot register an account");
    req.set_registration_id(reg.registration_id());
    grpc::ClientContext c2;
    Empty e;
    const grpc::Status st = sa->Prefill(&c2, req, &e);
    if (!st.ok()) throw std::runtime_error("writing the old certificates failed: " + st.error_message());
  }

  // One client: takes the next arrival, waits for its time, orders its replacement (retrying each
  // second while it fails) and hands the old certificate to the revokers.
  void client() {
    for (std::size_t i; !done_ && (i = next_++) < n_;) {
      sleep_until(start_ + release_[i]);
      ++arrived_;
      FinalizeRequest req;
      req.set_replaces(old_serial(i));
      req.set_subscriber_public_key(subscriber_);
      while (!done_) {
        Issued out;
        grpc::ClientContext c;
        if (ra_->NewOrderAndFinalize(&c, req, &out).ok()) {
          ++replaced_;
          {
            std::lock_guard<std::mutex> lock(samples_lock_);
            m_.time_to_replace.record(now() - release_[i]);
          }
          keep_certificate(out.der());
          std::lock_guard<std::mutex> lock(m_lock_);
          to_revoke_.push_back(i);
          revoke_cv_.notify_one();
          break;
        }
        ++errors_;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    }
  }

  // Revoke as replaced: each replaced certificate's predecessor, as soon as a revoker is free.
  void revoker() {
    while (true) {
      std::size_t i = 0;
      {
        std::unique_lock<std::mutex> lock(m_lock_);
        revoke_cv_.wait_for(lock, std::chrono::milliseconds(100), [&] { return !to_revoke_.empty(); });
        if (to_revoke_.empty()) {
          if (done_) return;
          continue;
        }
        i = to_revoke_.front();
        to_revoke_.pop_front();
      }
      revoke(i);
    }
  }

  void keep_certificate(const std::string& der) {
    std::lock_guard<std::mutex> lock(m_lock_);
    if (certificates_.size() < kSampleCertificates) certificates_.push_back(der);
  }

  void revoke(std::size_t i) {
    if (claimed_[i].exchange(true)) return;
    RevokeRequest req;
    req.set_serial(old_serial(i));
    req.set_reason(4);
    for (int attempt = 0; attempt < 10 && !done_; ++attempt) {
      grpc::ClientContext c;
      Empty e;
      if (ra_->RevokeCertificate(&c, req, &e).ok()) {
        ++revoked_;
        return;
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  }

  // Bulk revocation by the simulator's rule, on the capacities the twin scenario gives the live parts.
  void controller() {
    const CostModel cost = cost_model(s_);
    const double interval = s_.step(kControllerInterval_s);
    while (!done_ && m_.bulk_revocation_start_s < 0) {
      const double t = now();
      if (t >= s_.incident.decision_delay_s) {
        double signing = 0;
        for (const DataCenter& dc : s_.data_centers)
          signing += live_members(dc.name) * dc.hsm.signatures_per_s / mixed_signature_cost(s_, dc.hsm);
        const double commits = s_.data_centers[s_.writer_data_center()].db.commits_per_s;
        const double remaining = static_cast<double>(n_) - static_cast<double>(revoked_);
        const double need = revocation_need_s(
            s_.incident, {remaining, cost.revocation.signatures, signing, cost.revocation.commits, commits});
        if (remaining > 0 && bulk_revocation_due(s_.incident, t, need, interval)) {
          m_.bulk_revocation_start_s = t;
          std::vector<std::thread> workers;
          for (int w = 0; w < kBulkWorkers; ++w)
            workers.emplace_back([this] {
              for (std::size_t i; !done_ && (i = bulk_next_++) < n_;) revoke(i);
            });
          for (auto& w : workers) w.join();
          return;
        }
      }
      sleep_until(start_ + std::min(t + interval, s_.incident.horizon_s));
    }
  }

  double live_members(const std::string& dc) {
    double n = 0;
    for (const Member& m : p_.members())
      if (m.name.rfind(dc + "/", 0) == 0 && !lost(m.name)) ++n;
    return n;
  }

  bool lost(const std::string& name) {
    std::lock_guard<std::mutex> lock(m_lock_);
    return lost_.count(name) > 0;
  }

  // Whether a failure cuts the lab's link: the link between its two data centers, or the far one lost.
  bool cuts_link(const Failure& f) const {
    const real::NetLab* lab = p_.lab();
    if (!lab) return false;
    const std::string a = lab->site(0).name, b = lab->site(1).name;
    if (f.kind == FailureKind::DATA_CENTER) return f.target == b;
    return f.kind == FailureKind::LINK && (f.target == "wan/" + a + "-" + b || f.target == "wan/" + b + "-" + a);
  }

  // The scenario's failures at their times: an HSM member's (or a data center's) signers SIGKILLed; the
  // lab's link cut, its far side's signers lost to the pipeline though still running.
  void failures() {
    std::vector<const Failure*> plan;
    for (const Failure& f : s_.failures)
      if (f.at_s > 0) plan.push_back(&f);
    std::sort(plan.begin(), plan.end(), [](const Failure* x, const Failure* y) { return x->at_s < y->at_s; });
    for (const Failure* f : plan) {
      while (!done_ && now() < f->at_s) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (done_) return;
      record(sample());  // the observer's last look before it (the parts are not warned)
      std::vector<std::string> names;
      if (cuts_link(*f)) {
        p_.cut_link();
        names.push_back("link " + p_.lab()->site(0).name + "-" + p_.lab()->site(1).name);
      }
      for (Member& m : p_.members()) {
        const bool killed = (f->kind == FailureKind::HSM && m.name == f->target) ||
                            (f->kind == FailureKind::DATA_CENTER && m.data_center == f->target);
        if (killed && m.process) m.process->kill_hard();
        if (killed || (cuts_link(*f) && m.data_center == p_.lab()->site(1).name)) names.push_back(m.name);
      }
      std::lock_guard<std::mutex> lock(m_lock_);
      for (const std::string& name : names) {
        lost_.insert(name);
        m_.lost_at_s[name] = now();
        m_.lost.push_back(name + " at " + std::to_string(m_.lost_at_s[name]) + " s");
      }
    }
  }

  // crl-updater in continuous mode: each shard re-issued once per period (Boulder's, empty or not), the
  // shards' times spread evenly over the period (Boulder draws random phases); enough workers that each
  // shard goes out at its time, however long the signers' queues (open loop, as the clients).
  void crl_updater() {
    const double step = s_.workload.crl_period_s / shards();
    for (long tick; !done_;) {
      tick = crl_tick_++;
      const double at = static_cast<double>(tick + 1) * step;
      while (!done_ && now() < at) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (!done_) crl_shard(static_cast<int>(tick % shards()));
    }
  }

  // The twin scenario's shards (the SA files each revocation in one of 128; these group them).
  int shards() const { return std::clamp(static_cast<int>(s_.workload.crl_shards), 1, 128); }

  // The last pass, once every certificate is revoked: every shard signed with every revocation (published).
  void crl_pass() {
    if (s_.workload.era != Era::CRL) return;
    for (int shard = 0; shard < shards(); ++shard) crl_shard(shard);
  }

  // One shard: its revoked serials read from the SA, signed by a signer still up.
  void crl_shard(int shard) {
    ShardRequest req;
    req.set_shard(shard);
    req.set_shards(shards());
    Serials serials;
    grpc::ClientContext c;
    if (!sa_->RevokedSerials(&c, req, &serials).ok()) return;
    CrlRequest crl;
    crl.set_shard(shard);
    *crl.mutable_serials() = serials.serials();
    // The signers in turn, from the shard's (a CA spreads its CRLs over the HSM group as its issuance).
    const std::vector<Member>& members = p_.members();
    for (std::size_t k = 0; k < members.size(); ++k) {
      const std::size_t i = (static_cast<std::size_t>(shard) + k) % members.size();
      const Member& m = members[i];
      if (lost(m.name)) continue;
      Signed out;
      grpc::ClientContext cc;
      if (cas_[i]->GenerateCRL(&cc, crl, &out).ok()) {
        std::lock_guard<std::mutex> lock(m_lock_);
        crls_[shard] = out.der();
        return;
      }
    }
  }

  Sample sample() {
    Sample x;
    x.t_s = now();
    x.counters["load.arrived"] = static_cast<double>(arrived_);
    x.counters["load.replaced"] = static_cast<double>(replaced_);
    x.counters["load.revoked"] = static_cast<double>(revoked_);
    x.counters["load.errors"] = static_cast<double>(errors_);
    for (const auto& [name, stats] : stats_) {
      if (lost(name)) {  // a killed process keeps the counts it had
        carry_over(name, x);
        continue;
      }
      CounterSet set;
      grpc::ClientContext c;
      c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      if (!stats->Read(&c, Empty{}, &set).ok()) continue;
      for (const Counter& k : set.counters()) {
        if (k.name().rfind("latency.", 0) == 0) {
          m_.final_counters[name + "." + k.name()] = k.value();
          continue;
        }
        x.counters[name + "." + k.name()] = k.value();
      }
    }
    for (const auto& [name, pid] : p_.processes()) x.cpu_s[name] = process_cpu_s(pid);
    x.cpu_s["load"] = process_cpu_s(getpid()) - cpu_at_start_;  // the load generator and the observer
    if (watch_) x.counters["replica.lag_s"] = watch_->lag_s();
    if (p_.lab()) {
      const auto [sent, received] = p_.lab()->first_site_bytes();
      x.counters["wan.sent_bytes"] = sent;
      x.counters["wan.received_bytes"] = received;
    }
    std::lock_guard<std::mutex> lock(samples_lock_);
    for (const Member& m : p_.members())
      if (lost(m.name) && !m_.samples.empty() && m_.samples.back().cpu_s.count(m.name))
        x.cpu_s[m.name] = m_.samples.back().cpu_s.at(m.name);
    return x;
  }

  void record(Sample x) {
    std::lock_guard<std::mutex> lock(samples_lock_);
    m_.samples.push_back(std::move(x));
  }

  void carry_over(const std::string& node, Sample& x) {
    std::lock_guard<std::mutex> lock(samples_lock_);
    if (m_.samples.empty()) return;
    for (const auto& [k, v] : m_.samples.back().counters)
      if (k.rfind(node + ".", 0) == 0) x.counters[k] = v;
  }

  void sampler() {
    for (double next = 1;; next += 1) {
      sleep_until(start_ + next);
      record(sample());
      const bool finished = replaced_ >= n_ && revoked_ >= n_;
      if (finished || now() >= s_.incident.horizon_s || g_interrupted) return;
    }
  }

  Pipeline& p_;
  const Scenario& s_;
  const LiveOptions& o_;
  std::size_t n_;
  std::vector<double> release_;
  std::vector<std::atomic<bool>> claimed_;
  std::unique_ptr<RegistrationAuthority::Stub> ra_;
  std::unique_ptr<StorageAuthority::Stub> sa_;
  std::vector<std::unique_ptr<CertificateAuthority::Stub>> cas_;  ///< by member, as p_.members()
  std::map<std::string, std::unique_ptr<Stats::Stub>> stats_;     ///< by node name
  std::string subscriber_;
  double start_ = 0;
  double cpu_at_start_ = 0;
  std::atomic<bool> done_{false};
  std::atomic<long> crl_tick_{0};
  std::atomic<std::size_t> next_{0}, bulk_next_{0}, arrived_{0}, replaced_{0}, revoked_{0}, errors_{0};
  std::mutex m_lock_;
  std::mutex samples_lock_;  ///< m_.samples (the sampler and the failure injector add to it)
  std::set<std::string> lost_;
  std::deque<std::size_t> to_revoke_;
  std::condition_variable revoke_cv_;
  std::map<int, std::string> crls_;
  std::vector<std::string> certificates_;
  std::string network_;                  ///< the lab's links and qdiscs as ip and tc print them
  std::unique_ptr<ReplicaWatch> watch_;  ///< the replica's lag (two data centers)
  Measured m_;
};

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The evidence a reader (and the tests) can check with OpenSSL: the issuer, each log's key, sample
// certificates, and the CRL shards.
void write_evidence(const fs::path& folder, const std::string& work, const Run& run) {
  const fs::path dir = folder / "evidence";
  fs::remove_all(dir);
  fs::create_directories(dir / "crl");
  for (const auto& e : fs::directory_iterator(work))
    if (e.path().extension() == ".der") fs::copy_file(e.path(), dir / e.path().filename());
  // The processes' logs (their standard error), for a reader to see what went wrong.
  fs::remove_all(folder / "logs");
  fs::create_directories(folder / "logs");
  for (const fs::path& d : {fs::path(work), fs::path(work) / "nodes"})
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ".log") fs::copy_file(e.path(), folder / "logs" / e.path().filename());
  int k = 0;
  for (const std::string& der : run.certificates())
    write_bytes(dir / ("certificate-" + std::to_string(++k) + ".der"), der);
  for (const auto& [shard, der] : run.crls())
    write_bytes(dir / "crl" / ("shard-" + std::to_string(shard) + ".der"), der);
  if (!run.network().empty()) write_bytes(dir / "network.txt", run.network());
}

// DIR/twin.png by surge-plot (built with the workbench, beside surge or in ../gui); says why when none.
std::string plot_png(const fs::path& folder, const std::string& bin_dir) {
  for (const fs::path& plot : {fs::path(bin_dir) / "surge-plot", fs::path(bin_dir) / ".." / "gui" / "surge-plot"}) {
    if (access(plot.c_str(), X_OK) != 0) continue;
    const std::string png = (folder / "twin.png").string();
    std::vector<std::string> args = {plot.string(), folder.string(), "--twin", "-o", png};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return "surge-plot did not start";
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "wrote " + png : "surge-plot failed: no twin.png";
  }
  return "surge-plot is not built (the workbench's build): no twin.png";
}

int live(const LiveOptions& o, const std::string& work) {
  const fs::path folder(o.folder);
  const Scenario twin = load_scenario((folder / "twin-scenario.yaml").string());
  std::ifstream in(folder / "prediction.json");
  const nlohmann::json prediction = nlohmann::json::parse(in, nullptr, false);
  if (!prediction.is_object() || !prediction.contains("predicted_curves"))
    throw std::invalid_argument((folder / "prediction.json").string() +
                                ": no prediction (run surge twin --predict-only first)");
  std::cout << "surge twin: starting the pipeline (" << twin.workload.certificates << " certificates)" << std::endl;
  Pipeline pipeline(o, twin, work);
  Run run(pipeline, twin, prediction, o);
  Measured measured = run.go();
  if (g_interrupted) throw std::runtime_error("interrupted (SIGINT or SIGTERM); nothing written");
  measured.database = pipeline.database_summary(kSampleCertificates);
  pipeline.stop();
  write_evidence(folder, work, run);
  nlohmann::json result = compare(prediction, twin, measured);
  result["database"] = measured.database;
  write_files_atomically({{(folder / "twin.json").string(), result.dump(2)},
                          {(folder / "twin.csv").string(), samples_csv(measured)},
                          {(folder / "host-profile.json").string(), host_profile(twin, measured).dump(2)}});
  std::cout << summary_text(result) << "  " << plot_png(folder, o.bin_dir) << "\n";
  return kExitOk;
}

}  // namespace

int run_live(const LiveOptions& o) {
  const std::string work = (fs::temp_directory_path() / ("surge-twin-live-" + std::to_string(getpid()))).string();
  int code = kExitOk;
  std::signal(SIGINT, on_stop);
  std::signal(SIGTERM, on_stop);
  try {
    code = live(o, work);
  } catch (const ScenarioError& e) {
    std::cerr << "surge twin: " << e.what() << "\n";
    code = kExitBadInput;
  } catch (const std::invalid_argument& e) {
    std::cerr << "surge twin: " << e.what() << "\n";
    code = kExitBadInput;
  } catch (const real::PinError& e) {
    std::cerr << "surge twin: " << e.what() << "\n";
    code = kExitBadInput;
  } catch (const real::RefusedTarget& e) {
    std::cerr << "surge twin: the database: " << e.what() << "\n";
    code = kExitBadInput;
  } catch (const real::HsmError& e) {
    std::cerr << "surge twin: the tokens: " << e.what() << "\n";
    code = e.exit_code();
  } catch (const real::NetLabError& e) {
    std::cerr << "surge twin: " << (real::NetLab::unavailable() ? kTwinNotHere : "") << e.what() << "\n";
    code = kExitRuntime;
  } catch (const real::DbError& e) {
    std::cerr << "surge twin: the database: " << e.what() << "\n";
    code = e.configuration() ? kExitBadInput : kExitRuntime;
  } catch (const std::exception& e) {
    std::cerr << "surge twin: the live run failed: " << e.what() << "\n";
    code = kExitRuntime;
  }
  std::error_code ignored;
  fs::remove_all(work, ignored);
  return code;
}

}  // namespace surge::twin
