#include "simulation.hpp"

#include <xbt/log.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <queue>
#include <sstream>
#include <tuple>

#include "broken_sites.hpp"
#include "child_process.hpp"
#include "clients.hpp"
#include "ct.hpp"
#include "fluid.hpp"
#include "platform.hpp"
#include "topology.hpp"
#include "workload.hpp"

XBT_LOG_NEW_DEFAULT_CATEGORY(surge_sim, "surge: the incident simulation");

namespace surge::sim {
namespace {

constexpr double kControllerInterval_s = 60.0;  // how often the revocation controller looks
constexpr double kReplicationBatch_s = 5.0;     // replicas pull the binlog at most this often
constexpr double kBackgroundBatch_s = 60.0;     // ocsp-updater hands the HSMs its re-signing this often
constexpr double kPollBatch_s = 60.0;           // ARI polls reach the API and the replicas in batches this long

// An issuance's steps before its journey, each only where modelled: the data center's API, its VA, then
// the validation's DNS and HTTP latency (a delay); then the journey's first step.
constexpr int kApiStep = 0;
constexpr int kVaStep = 1;
constexpr int kLatencyStep = 2;

/// A cohort's journey: issue (RPCs to the writer, commits, signatures) or revoke (signature, RPC,
/// commit). Each step is a FIFO station. SIGN is background signing (OCSP re-signing, CRL shards): one
/// HSM step, no cohort (its `cohort` indexes the model's background work).
enum class JobKind { ISSUE, REVOKE, SIGN };
enum class Stage { NET, DB, HSM, CT };
constexpr int kSteps = 3;
constexpr Stage kIssueSteps[kSteps] = {Stage::NET, Stage::DB, Stage::HSM};
constexpr Stage kRevokeSteps[kSteps] = {Stage::HSM, Stage::NET, Stage::DB};
// With CT logs, an issuance's signatures are split around the SCTs: the precertificate's, then (once
// its SCTs are back) the certificate's and the rest, as DOMAIN.md orders them.
constexpr int kCtSteps = 5;
constexpr Stage kIssueCtSteps[kCtSteps] = {Stage::NET, Stage::DB, Stage::HSM, Stage::CT, Stage::HSM};
constexpr int kPrecertStep = 2;   // the precertificate's signature
constexpr int kFinalHsmStep = 4;  // the issuance's other signatures, after the SCTs
struct Job {
  int cohort = 0;
  JobKind kind = JobKind::ISSUE;
  int step = 0;
  double enqueued = 0;  // when it joined its current station
  double started = 0;   // when its (last) service there began
  bool ct = false;      // an issuance that waits for SCTs
  int front = 0;        // an issuance's next step before the journey (kApiStep...)
  double polls = 0;     // a batch of ARI polls at the API (cohort -1): its requests
  bool with_ct() const { return ct && kind == JobKind::ISSUE; }
  int steps() const { return kind == JobKind::SIGN ? 1 : with_ct() ? kCtSteps : kSteps; }
  Stage stage() const {
    if (kind == JobKind::SIGN) return Stage::HSM;
    return with_ct() ? kIssueCtSteps[step] : (kind == JobKind::ISSUE ? kIssueSteps : kRevokeSteps)[step];
  }
};

/// Queueing statistics of one station (jobs are cohorts; with k = 1, certificates): waits and times in
/// system of jobs that joined after the warm-up, and the time-averaged number in system after it.
struct StationStats {
  double warm_up = 0;
  int in_system = 0;
  double area = 0;  // integral of in_system over time after the warm-up
  double since = 0;
  double sum_wait = 0, sum_sojourn = 0;
  long jobs = 0;
  void change(int delta, double now) {
    const double from = std::max(since, warm_up);
    if (now > from) area += in_system * (now - from);
    since = now;
    in_system += delta;
  }
  void arrive(double now) { change(+1, now); }
  void leave(double now) { change(-1, now); }  // rerouted before service
  void finish(const Job& j, double now) {
    change(-1, now);
    if (j.enqueued < warm_up) return;
    sum_wait += j.started - j.enqueued;  // counted once, even for a job served again after a failure
    sum_sojourn += now - j.enqueued;
    ++jobs;
  }
  double area_at(double now) const {
    const double from = std::max(since, warm_up);
    return area + (now > from ? in_system * (now - from) : 0);
  }
};

/// Signatures the HSMs make for no certificate: one OCSP re-signing batch, or one CRL generation's shards.
struct BackgroundWork {
  double signatures = 0;
  bool crl = false;        // CRL shards: the revocation (urgent) queue of the writer's data center
  int dc = -1;             // where it is queued
  sg4::SemaphorePtr done;  // CRL: released once signed (or lost)
};

/// An activity could not run because an end of it is down.
struct Unreachable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CohortState {
  Cohort c;
  int dc = -1;
  double replaced_s = -1;
  double revoked_s = -1;
  double admitted_s = -1;  // when the API admitted its order (its first request, without admission control)
  int rejections = 0;      // 503s its order was answered with
  bool arrived = false;
  bool revoke_queued = false;
  bool affected() const { return c.affected(); }
};

/// A worker (HSM session, DB connection) waiting for a job: the queue hands it one directly.
struct Waiter {
  sg4::SemaphorePtr wake = sg4::Semaphore::create(0);
  std::optional<Job> slot;
};

/// A FIFO multi-server's waiting room: revocations first, then issuance, each in arrival order. A busy
/// station's workers take the next job without a simcall; idle workers block on their own semaphore
/// and are handed a job by push (first idle, first served).
class Queue {
 public:
  void push(const Job& j, bool urgent, bool front, int certs) {
    if (!idle_.empty()) {
      Waiter* w = idle_.front();
      idle_.pop_front();
      w->slot = j;
      w->wake->release();
      return;
    }
    auto& q = urgent ? urgent_ : normal_;
    front ? q.push_front(j) : q.push_back(j);
    certs_ += certs;
  }
  /// The next job, blocking while there is none.
  Job pop(Waiter& w, const std::vector<CohortState>& cohorts) {
    auto& q = !urgent_.empty() ? urgent_ : normal_;
    if (!q.empty()) {
      Job j = q.front();
      q.pop_front();
      if (j.kind != JobKind::SIGN && j.cohort >= 0) certs_ -= cohorts[static_cast<size_t>(j.cohort)].c.size;
      return j;
    }
    idle_.push_back(&w);
    w.wake->acquire();
    Job j = *w.slot;
    w.slot.reset();
    return j;
  }
  /// Takes everything waiting (for a dead station).
  std::vector<Job> drain() {
    std::vector<Job> out(urgent_.begin(), urgent_.end());
    out.insert(out.end(), normal_.begin(), normal_.end());
    urgent_.clear();
    normal_.clear();
    certs_ = 0;
    return out;
  }
  /// Certificates waiting.
  double certs() const { return certs_; }

 private:
  std::deque<Job> urgent_;
  std::deque<Job> normal_;
  std::deque<Waiter*> idle_;
  double certs_ = 0;
};

/// One data center's HSM group.
struct HsmGroup {
  std::vector<int> members;  // vertices
  Queue queue;
  double assigned = 0;       // signatures routed here, for balancing
  double live_capacity = 0;  // signatures/s of its members that are up
  StationStats stats;
};

/// A data center's API or VA: one FIFO server at `rate` (requests or validations per second).
struct FrontStation {
  Queue queue;
  double rate = 0;  // 0: not modelled here
  int tracked = -1;
};

/// One CT log: a server taking the CA's submissions at its rate limit, k at a time (a cohort's), from
/// the CT station's FIFO; each batch's SCTs return `latency` after its service.
struct CtLogState {
  struct Entry {
    int cohort = 0;
    double started = 0;  // when its service began
    double at = 0;       // when its SCTs return
  };
  int op = 0;                   // operator index
  int down = 0;                 // outages in force
  std::deque<Entry> returning;  // served, SCTs on their way back (in time order: constant latency)
  bool server_idle = false, returner_idle = false;
  sg4::SemaphorePtr server_wake = sg4::Semaphore::create(0);
  sg4::SemaphorePtr returner_wake = sg4::Semaphore::create(0);
  StationStats stats;
};

/// A cohort's issuance at the CT station: which operators it has submitted to, and what is missing.
struct CtVisit {
  Job job;
  std::uint64_t operators = 0;  // bit per operator already submitted to
  int needed = 0;               // submissions no log has taken yet
  int outstanding = 0;          // taken by a log, SCT not yet back
};

/// A resource as the report and the bottleneck arithmetic see it. Work is counted when an activity
/// completes (cheaper than SimGrid's load plugins, which update on every solver step); bulk transfers
/// are counted as they progress, at each sample.
struct Tracked {
  std::string name, kind, unit;
  double capacity = 0;
  double work_up = 0;        // signatures (reference-key ones), commits, or bytes crossing a link forward
  double signatures = 0;     // HSM groups: signatures actually made, whatever their key
  double work_down = 0;      // bytes crossing a link backward
  double steady_work = 0;    // ARI polls served (API requests, replica reads): not certificate work
  double transfer_up = 0;    // bulk transfer bytes forward (not certificate work)
  double transfer_down = 0;  // ... backward
  CapacityTimeline timeline{0.0};
  double last_work = 0;
  double peak = 0;
  bool alive = true;
  sg4::SplitDuplexLink* link = nullptr;
  std::vector<int> servers;  // HSM members or DB hosts whose busy sessions/connections count here
  double last_busy = 0;
  double busy_at_decision = 0;
  double servers_per_capacity = 0;  // sessions (connections) per signature/s (commit/s)
  double work_at_decision = 0;
  /// Everything served: certificate work and, on links, bulk transfers.
  double work() const {
    return link ? std::max(work_up + transfer_up, work_down + transfer_down) : work_up + steady_work;
  }
  /// Certificate work only (what the bottleneck arithmetic spreads over the certificates).
  double certificate_work() const { return link ? std::max(work_up, work_down) : work_up; }
};

/// A bulk transfer in progress.
struct InFlight {
  sg4::CommPtr comm;
  int from = -1, to = -1;
  double counted = 0;  // bytes already added to its links
};

/// Busy servers of one host over time: n running cohorts keep min(n x per_cohort, c) servers busy.
struct BusyMeter {
  int running = 0;
  int per_cohort = 1;
  int servers = 1;  // c
  double area = 0;  // integral of busy servers over time
  double since = 0;
  int busy() const { return std::min(running * per_cohort, servers); }
  void change(int delta, double now) {
    area += busy() * (now - since);
    since = now;
    running += delta;
  }
  double area_at(double now) const { return area + busy() * (now - since); }
};

class Model {
 public:
  Model(const Scenario& s, const RunOptions& o, std::uint64_t seed)
      : s_(s), opt_(o), seed_(seed), topo_(s), cost_(cost_model(s)) {}

  Report run();

 private:
  // actors
  void source();
  void hsm_worker(int dc, int member);
  void net_worker();
  void db_worker();
  void controller();
  void monitor();
  void replication(int replica);
  void transfer(size_t i);
  void count_progress(InFlight& f, double sent);
  void failure(size_t i);
  void ct_outage(const Failure& f);
  void ct_server(int log);
  void ct_returner(int log);
  void ct_enter(const Job& j);
  int ct_take(int op);
  void ct_set_down(int log, bool down);
  void ct_returned(int cohort);
  void ocsp_updater();
  void crl_updater();
  void sign_in_background(BackgroundWork work);
  void enqueue_background(Job j, bool front);
  void background_signed(const Job& j);
  void before_journey(Job j);
  void front_worker(int dc, bool va);
  void validation_delay();
  void poller();
  void reader();
  void update_read_capacity();
  double read_capacity() const;

  // flow
  void enqueue(Job j, bool front = false);
  std::optional<Job> advance(Job j, bool keep_hsm = false);
  void send(int from, int to, double bytes, bool bulk = false);
  const std::vector<RouteHop>& route(int from, int to);
  void mark_revoke_queued(CohortState& c);
  Waiter& new_waiter() { return *waiters_.emplace_back(std::make_unique<Waiter>()); }
  int route_dc(double signatures, int key);
  /// Reference-key signatures (flops) one signature of the job's key costs at data center dc.
  double key_cost(int dc, const Job& j) const;
  /// Up, and its front end has a live route to the writer (or to the replica being promoted).
  bool dc_issues(int dc) const { return dc_up_[static_cast<size_t>(dc)] && reaches_writer_[static_cast<size_t>(dc)]; }
  int any_dc_issuing() const {
    for (size_t d = 0; d < dc_up_.size(); ++d)
      if (dc_issues(static_cast<int>(d))) return static_cast<int>(d);
    return -1;
  }
  bool route_live(int from, int to);
  void update_reachability();
  void reroute(Job j);
  void lose_writer();
  void schedule_promotion();
  bool wait_for_writer();
  void set_hsm_capacity(int dc);
  bool dc_can_sign(int dc) const { return hsm_[static_cast<size_t>(dc)].live_capacity > 0; }
  double job_signatures(const Job& j) const;
  double service_factor(const Job& j) const;
  sg4::Host* host(int v) const { return platform_.hosts[static_cast<size_t>(v)]; }
  bool up(int v) const { return !down_[static_cast<size_t>(v)]; }
  void execute(int v, double amount);
  double busy_share(const Tracked& t, double area_before, double a, double b) const;
  double busy_area(const Tracked& t, double now) const {
    double area = 0;
    for (int v : t.servers) area += busy_[static_cast<size_t>(v)].area_at(now);
    return area;
  }
  void start_bulk_revocation();
  Report build_report(double wall_s);
  std::vector<ClassOutcome> class_outcomes() const;

  const Scenario& s_;
  const RunOptions& opt_;
  std::uint64_t seed_;
  Topology topo_;
  CostModel cost_;
  Platform platform_;
  std::vector<CohortState> cohorts_;
  double affected_total_ = 0;
  std::vector<std::vector<double>> key_cost_;  // by data center and key: signature_cost of its HSM
  std::vector<double> mix_cost_;               // by data center: mixed_signature_cost of its HSM
  std::vector<double> signed_by_key_;          // signatures made, by key
  double unqueued_revocations_ = 0;            // affected certificates whose revocation is not yet queued
  std::map<std::pair<int, int>, std::vector<RouteHop>> routes_;
  std::vector<std::unique_ptr<Waiter>> waiters_;
  int first_link_tracked_ = 0;
  std::vector<HsmGroup> hsm_;
  std::vector<bool> dc_up_;
  std::vector<bool> reaches_writer_;  // by data center: its front end's route to the writer is live
  std::vector<bool> link_cut_;        // by link: taken down by a link failure
  std::vector<bool> down_;            // by vertex: failed, or failing in this scheduling round
  std::vector<BusyMeter> busy_;       // by vertex: HSM members and DB servers
  Queue net_queue_;
  Queue db_queue_;
  StationStats db_stats_;
  std::vector<int> frontends_;  // vertex of each data center's front end
  int writer_ = -1;             // vertex of the current writer
  int promoting_ = -1;          // vertex of the replica being promoted, while a promotion is pending
  bool writer_up_ = true;
  double promotion_at_ = 0;
  double writer_rate_ = 0;     // commits/s of the current (or the promoted) writer
  double produced_bytes_ = 0;  // binlog bytes the writer produced
  double replication_lag_max_ = 0;
  double replication_lag_last_ = 0;
  double arrived_ = 0, replaced_ = 0, revoked_ = 0, broken_ = 0;
  double pending_issuance_ = 0;   // certificates admitted whose issuance is not finished: the admission queue
  double rejected_requests_ = 0;  // certificates x 503s
  std::optional<double> bulk_start_;
  std::vector<TransferOutcome> transfers_;
  std::vector<InFlight> in_flight_;  // by transfer
  std::vector<Tracked> tracked_;
  int db_tracked_ = -1;
  std::vector<std::string> columns_;
  std::vector<std::vector<double>> series_;
  // Certificate Transparency (empty without `ct` logs)
  std::vector<CtLogState> ct_logs_;
  std::vector<CtVisit> ct_visits_;  // by cohort
  std::vector<int> ct_fifo_;        // cohorts in the order they joined the CT station
  std::vector<size_t> ct_cursor_;   // by operator: no cohort before this in ct_fifo_ needs it any more
  StationStats ct_stats_;           // the CT step as a whole: joining to the last SCT's return
  double ct_certs_ = 0;             // certificates at the CT station
  double precert_signatures_ = 0;   // of an issuance's signatures, made before the CT step
  int first_ct_tracked_ = -1;
  // Background signing
  std::vector<BackgroundWork> background_;  // by SIGN job
  double ocsp_signed_ = 0;                  // OCSP re-signatures done
  double crl_signed_ = 0;                   // CRL shard signatures done
  double crl_uploaded_ = 0;                 // CRL bytes uploaded to the cloud
  std::optional<double> published_;         // the first CRL upload that includes the last revocation
  // The API, the VA and ARI polling (empty, or unused, when not modelled)
  std::vector<FrontStation> api_;                  // by data center
  std::vector<FrontStation> va_;                   // by data center
  double va_latency_s_ = 0;                        // DNS + HTTP latency of a validating issuance
  std::deque<std::pair<double, Job>> validating_;  // (when its latency ends, job), in time order
  bool validator_idle_ = false;
  sg4::SemaphorePtr validator_wake_ = sg4::Semaphore::create(0);
  double poll_rate_ = 0;      // ARI polls per second
  double reads_pending_ = 0;  // polls' reads not yet taken by the replicas
  bool reader_idle_ = false;
  sg4::SemaphorePtr reader_wake_ = sg4::Semaphore::create(0);
  int reads_tracked_ = -1;
  double ari_polls_ = 0;  // polls whose read was served
  double end_s_ = 0;
  long activities_ = 0;  // SimGrid activities the model started (execs, comms, arrival sleeps)
  std::chrono::steady_clock::time_point wall_start_;
};

double Model::job_signatures(const Job& j) const {
  if (j.kind == JobKind::SIGN) return background_[static_cast<size_t>(j.cohort)].signatures;
  double per = j.kind == JobKind::ISSUE ? cost_.issuance.signatures : cost_.revocation.signatures;
  if (j.with_ct()) per = j.step == kPrecertStep ? precert_signatures_ : per - precert_signatures_;
  return per * cohorts_[static_cast<size_t>(j.cohort)].c.size;
}

// The job's service-time factor (mean 1) at its station: drawn from a stream of its own, keyed by
// station, cohort and kind, so that two scenarios with one seed give the same entity the same draw
// (common random numbers).
double Model::service_factor(const Job& j) const {
  if (j.kind == JobKind::SIGN) return 1.0;  // background batches: their size is their rate x the batch
  const Stage st = j.stage();
  const Distribution& d = st == Stage::HSM ? s_.hsm_service : st == Stage::DB ? s_.db_service : s_.network_service;
  if (d.kind == DistributionKind::DETERMINISTIC) return 1.0;
  constexpr std::uint64_t kServiceStreams = 1ULL << 40;  // far from the arrival streams (1, 2, 3)
  std::uint64_t stream = kServiceStreams + (static_cast<std::uint64_t>(st) << 36) +
                         (static_cast<std::uint64_t>(j.kind) << 35) + static_cast<std::uint64_t>(j.cohort);
  constexpr std::uint64_t kSecondHsmVisit = 1ULL << 34;  // after the SCTs: a draw of its own
  if (j.with_ct() && j.step == kFinalHsmStep) stream += kSecondHsmVisit;
  Rng rng(seed_, stream);
  return d.draw(rng);
}

double Model::key_cost(int dc, const Job& j) const {
  const std::vector<double>& costs = key_cost_[static_cast<size_t>(dc)];
  if (j.kind != JobKind::SIGN) return costs[static_cast<size_t>(cohorts_[static_cast<size_t>(j.cohort)].c.key)];
  return mixed_signature_cost(s_, s_.data_centers[static_cast<size_t>(dc)].hsm);  // background: every issuer
}

int Model::route_dc(double signatures, int key) {
  // Balance signing work (in each group's reference-key signatures) by capacity over the data centers
  // that are up and can sign.
  auto work_at = [&](size_t d) { return signatures * key_cost_[d][static_cast<size_t>(key)]; };
  int best = -1;
  double best_load = std::numeric_limits<double>::infinity();
  for (size_t d = 0; d < hsm_.size(); ++d) {
    if (!dc_up_[d] || !dc_can_sign(static_cast<int>(d))) continue;
    const double load = (hsm_[d].assigned + work_at(d)) / hsm_[d].live_capacity;
    if (load < best_load) best_load = load, best = static_cast<int>(d);
  }
  if (best >= 0) hsm_[static_cast<size_t>(best)].assigned += work_at(static_cast<size_t>(best));
  return best;
}

void Model::enqueue(Job j, bool front) {
  if (j.kind == JobKind::SIGN) return enqueue_background(j, front);
  CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
  if (j.stage() == Stage::HSM && job_signatures(j) <= 0) {  // CRL era: a revocation needs no signature
    ++j.step;
  }
  const double now = sg4::Engine::get_clock();
  if (!front) j.enqueued = now;  // a fresh arrival at this station (front: a retry keeps its time)
  const bool urgent = j.kind == JobKind::REVOKE;
  switch (j.stage()) {
    case Stage::HSM:
      if (c.dc < 0 || !dc_up_[static_cast<size_t>(c.dc)] || !dc_can_sign(c.dc))
        c.dc = route_dc(job_signatures(j), c.c.key);
      if (c.dc < 0) return;  // nothing left that can sign: the work is lost, and the report shows it
      hsm_[static_cast<size_t>(c.dc)].queue.push(j, urgent, front, c.c.size);
      hsm_[static_cast<size_t>(c.dc)].stats.arrive(now);
      break;
    case Stage::NET:
      net_queue_.push(j, urgent, front, c.c.size);
      break;
    case Stage::DB:
      db_queue_.push(j, urgent, front, c.c.size);
      db_stats_.arrive(now);
      break;
    case Stage::CT:
      ct_enter(j);
      break;
  }
}

void Model::reroute(Job j) {
  if (j.kind == JobKind::SIGN) {
    background_[static_cast<size_t>(j.cohort)].dc = -1;
    return enqueue(j, true);
  }
  cohorts_[static_cast<size_t>(j.cohort)].dc = -1;
  enqueue(j, true);
}

void Model::mark_revoke_queued(CohortState& c) {
  c.revoke_queued = true;
  unqueued_revocations_ -= c.c.size;
}

// Moves a job past the step it finished. With keep_hsm, a follow-up step at the HSM (the revocation's
// signature right after the replacement's) is returned for the same session instead of queued.
std::optional<Job> Model::advance(Job j, bool keep_hsm) {
  CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
  const double now = sg4::Engine::get_clock();
  ++j.step;
  // An issuance whose only signature was the precertificate's is done once its SCTs are back.
  if (j.with_ct() && j.step == kFinalHsmStep && job_signatures(j) <= 0) j.step = j.steps();
  if (j.step < j.steps()) {
    enqueue(j);
    return std::nullopt;
  }
  if (j.kind == JobKind::ISSUE) {
    pending_issuance_ -= c.c.size;
    if (!c.affected()) return std::nullopt;
    c.replaced_s = now;
    replaced_ += c.c.size;
    if (!c.revoke_queued) {
      mark_revoke_queued(c);
      Job next{j.cohort, JobKind::REVOKE, 0};
      if (keep_hsm && cost_.revocation.signatures > 0) return next;
      enqueue(next);
    }
  } else {
    c.revoked_s = now;
    revoked_ += c.c.size;
    if (site_breaks(c.replaced_s, c.revoked_s)) broken_ += c.c.size;
  }
  return std::nullopt;
}

// Blocking work (signatures, commits) on a host; throws if it is down or fails meanwhile.
void Model::execute(int v, double amount) {
  if (!up(v)) throw Unreachable("host down");
  ++activities_;
  BusyMeter& meter = busy_[static_cast<size_t>(v)];
  meter.change(+1, sg4::Engine::get_clock());
  try {
    sg4::this_actor::exec_init(amount)->set_host(host(v))->start()->wait();
  } catch (...) {
    meter.change(-1, sg4::Engine::get_clock());
    throw;
  }
  meter.change(-1, sg4::Engine::get_clock());
}

// Busy sessions (or connections) of a resource over [a, b], as a share of the servers offered then
// (servers follow the capacity timeline: a failed member's sessions are not offered).
double Model::busy_share(const Tracked& t, double area_before, double a, double b) const {
  const double offered = t.servers_per_capacity * (t.timeline.cumulative(b) - t.timeline.cumulative(a));
  return offered > 0 ? (busy_area(t, b) - area_before) / offered : 0;
}

const std::vector<RouteHop>& Model::route(int from, int to) {
  auto key = std::make_pair(from, to);
  auto it = routes_.find(key);
  if (it == routes_.end()) it = routes_.emplace(key, topo_.route(from, to)).first;
  return it->second;
}

// A blocking transfer between two hosts; its bytes are counted on every link it crossed. Throws if an
// end is down (or its transfer fails on the way).
// With bulk, the bytes count as bulk transfer bytes (not certificate work) on the links.
void Model::send(int from, int to, double bytes, bool bulk) {
  if (!up(from) || !up(to)) throw Unreachable("host down");
  ++activities_;
  sg4::Comm::sendto(host(from), host(to), static_cast<std::uint64_t>(bytes));
  for (const RouteHop& hop : route(from, to)) {
    Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + hop.link)];
    if (bulk)
      (hop.forward ? t.transfer_up : t.transfer_down) += bytes;
    else
      (hop.forward ? t.work_up : t.work_down) += bytes;
  }
}

// Queues background signatures at the HSMs as one job.
void Model::sign_in_background(BackgroundWork work) {
  background_.push_back(std::move(work));
  enqueue(Job{static_cast<int>(background_.size() - 1), JobKind::SIGN, 0});
}

// OCSP re-signing goes where issuance signatures would (the router); CRL shards to the HSMs of the
// crl-updater's data center while they can sign. Nothing left that can sign: the work is lost. Either
// joins the front of its queue (OCSP: issuance's, CRL: revocation's): ocsp-updater and crl-updater are
// clients of the HSMs of their own, served alongside the CA rather than behind its backlog, so that
// issuance gets what they leave of the capacity.
void Model::enqueue_background(Job j, bool /*front*/) {
  BackgroundWork& b = background_[static_cast<size_t>(j.cohort)];
  j.enqueued = sg4::Engine::get_clock();
  if (b.dc < 0 || !dc_up_[static_cast<size_t>(b.dc)] || !dc_can_sign(b.dc))
    b.dc = route_dc(b.signatures, 0);  // balanced as reference-key work
  if (b.dc < 0) {
    if (b.done) b.done->release();
    return;
  }
  hsm_[static_cast<size_t>(b.dc)].queue.push(j, b.crl, true, 0);
}

void Model::background_signed(const Job& j) {
  BackgroundWork& b = background_[static_cast<size_t>(j.cohort)];
  (b.crl ? crl_signed_ : ocsp_signed_) += b.signatures;
  if (b.done) b.done->release();
}

// ocsp-updater: every unexpired response re-signed once per period, as a steady background from t = 0,
// handed to the HSMs in batches in the issuance (normal) queue.
void Model::ocsp_updater() {
  const double batch = cost_.ocsp_resign_signatures_per_s * kBackgroundBatch_s;
  for (double at = 0; at < s_.incident.horizon_s; at += kBackgroundBatch_s) {
    sg4::this_actor::sleep_until(at);
    ++activities_;
    sign_in_background(BackgroundWork{batch, false, -1, {}});
  }
}

// crl-updater, in the writer's data center: at t = 0, P, 2P, ... it reads the revoked rows committed so
// far from the DB (a replica there if one is up, else the writer), signs every shard of every issuer in
// the revocation queue, and uploads the shards to the cloud. Revocation is public once an upload that
// includes the last affected revocation ends.
void Model::crl_updater() {
  const double signatures = issuer_count(s_) * s_.workload.crl_shards;
  const int cloud = topo_.find("cloud");
  for (double at = 0; at < s_.incident.horizon_s; at += s_.workload.crl_period_s) {
    sg4::this_actor::sleep_until(at);
    if (!writer_up_) {
      XBT_INFO("CRL generation skipped: no DB writer");
      continue;
    }
    const double entries = revoked_;
    const bool complete = affected_total_ > 0 && revoked_ >= affected_total_;
    const int dc = topo_.node(writer_).dc;
    const int ca = topo_.find(host_name(s_.data_centers[static_cast<size_t>(dc)].name, "ca"));
    int db = writer_;
    for (int r : topo_.replicas(dc))
      if (up(r) && db == writer_) db = r;
    try {
      send(db, ca, entries * cost_.crl_read_bytes_per_revocation, true);
      BackgroundWork work{signatures, true, dc, sg4::Semaphore::create(0)};
      const sg4::SemaphorePtr done = work.done;
      sign_in_background(std::move(work));
      done->acquire();
      const double bytes = entries * cost_.crl_upload_bytes_per_revocation;
      if (cloud >= 0 && !route(ca, cloud).empty()) {  // no WAN link to the cloud: nowhere to upload
        send(ca, cloud, bytes, true);
        crl_uploaded_ += bytes;
      }
    } catch (const std::exception&) {
      XBT_INFO("CRL generation of t = %.0f s failed", at);
      continue;
    }
    if (complete && !published_) published_ = sg4::Engine::get_clock();
  }
}

// Delivers the cohorts' orders to the API in time order: first requests (cohorts_ is sorted by arrival)
// and, with admission control, the retries of refused ones. A retry due at the same time as a first
// request goes first: its client asked earlier.
void Model::source() {
  const std::vector<ClientClass> classes = client_classes(s_);
  const double horizon = s_.incident.horizon_s;
  using Retry = std::pair<double, int>;  // (when, cohort)
  std::priority_queue<Retry, std::vector<Retry>, std::greater<Retry>> retries;
  size_t next = 0;
  while (true) {
    const bool fresh = next < cohorts_.size() && cohorts_[next].c.arrival_s < horizon;
    if (!fresh && retries.empty()) break;
    size_t i = 0;
    double at = 0;
    if (fresh && (retries.empty() || cohorts_[next].c.arrival_s < retries.top().first)) {
      i = next++;
      at = cohorts_[i].c.arrival_s;
    } else {
      std::tie(at, i) = retries.top();
      retries.pop();
    }
    CohortState& c = cohorts_[i];
    sg4::this_actor::sleep_until(at);
    ++activities_;
    // Admission control: a whole cohort (its clients ask together) is admitted or refused while the
    // issuance work admitted and not yet finished is below the bound, so the bound is overshot by less
    // than one cohort. A refused client asks again: cron clients at their next run, the others after
    // the Retry-After served with the 503.
    if (s_.admission.enabled() && pending_issuance_ >= s_.admission.queue_certificates) {
      ++c.rejections;
      rejected_requests_ += c.c.size;
      const bool cron = c.affected() && classes[static_cast<size_t>(c.c.client_class)].kind == ClientKind::CRON;
      const double again =
          at + (cron ? classes[static_cast<size_t>(c.c.client_class)].period_s() : s_.admission.retry_after_s);
      if (again < horizon) retries.push({again, static_cast<int>(i)});
      continue;
    }
    c.admitted_s = at;
    pending_issuance_ += c.c.size;
    c.arrived = true;
    if (c.affected()) arrived_ += c.c.size;
    c.dc = route_dc(cost_.issuance.signatures * c.c.size, c.c.key);
    Job j{static_cast<int>(i), JobKind::ISSUE, 0};
    j.ct = !ct_logs_.empty();
    before_journey(j);
  }
}

// Takes an issuance through its steps before the journey, from j.front on, skipping those not modelled;
// a data center that no longer issues hands the issuance to one that does (route_dc).
void Model::before_journey(Job j) {
  CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
  auto station = [&](std::vector<FrontStation>& st) -> FrontStation* {
    if (st.empty()) return nullptr;
    if (c.dc < 0 || !dc_issues(c.dc)) c.dc = route_dc(cost_.issuance.signatures * c.c.size, c.c.key);
    if (c.dc < 0 || st[static_cast<size_t>(c.dc)].rate <= 0) return nullptr;
    return &st[static_cast<size_t>(c.dc)];
  };
  for (;; ++j.front) {
    FrontStation* st = nullptr;
    if (j.front == kApiStep) {
      st = station(api_);
    } else if (j.front == kVaStep && cost_.issuance.validations > 0) {
      st = station(va_);
    } else if (j.front == kLatencyStep && va_latency_s_ > 0) {
      validating_.push_back({sg4::Engine::get_clock() + va_latency_s_, j});
      if (validator_idle_) {
        validator_idle_ = false;
        validator_wake_->release();
      }
      return;
    } else if (j.front > kLatencyStep) {
      enqueue(j);
      return;
    }
    if (st) {
      st->queue.push(j, false, false, c.c.size);
      return;
    }
  }
}

// One data center's API (or VA) server: FIFO, issuance requests (validations) and, at the API, batches
// of ARI polls. Work found on a data center that is down (or no longer issues) goes elsewhere; polls are
// dropped, as their clients' connections would be.
void Model::front_worker(int dc, bool va) {
  FrontStation& st = (va ? va_ : api_)[static_cast<size_t>(dc)];
  Tracked& use = tracked_[static_cast<size_t>(st.tracked)];
  const double per_certificate = va ? cost_.issuance.validations : cost_.issuance.api_requests;
  Waiter& me = new_waiter();
  while (true) {
    Job j = st.queue.pop(me, cohorts_);
    const bool poll = j.cohort < 0;
    auto live = [&] { return poll ? static_cast<bool>(dc_up_[static_cast<size_t>(dc)]) : dc_issues(dc); };
    if (!live()) {
      if (!poll) before_journey(j);
      continue;
    }
    const double amount = poll ? j.polls : per_certificate * cohorts_[static_cast<size_t>(j.cohort)].c.size;
    ++activities_;
    sg4::this_actor::sleep_for(amount / st.rate);
    if (!live()) {  // failed meanwhile: served again where it goes
      if (!poll) before_journey(j);
      continue;
    }
    if (poll) {
      use.steady_work += amount;
      continue;
    }
    use.work_up += amount;
    ++j.front;
    before_journey(j);
  }
}

// Releases validating issuances once their DNS and HTTP latency is over (in order: it is constant).
void Model::validation_delay() {
  while (true) {
    if (validating_.empty()) {
      validator_idle_ = true;
      validator_wake_->acquire();
      continue;
    }
    if (validating_.front().first > sg4::Engine::get_clock()) {
      sg4::this_actor::sleep_until(validating_.front().first);
      continue;
    }
    Job j = validating_.front().second;
    validating_.pop_front();
    ++j.front;
    before_journey(j);
  }
}

// ARI polling: every batch period, the polls of that period go to the APIs of the data centers up, by the
// router's shares (live signing capacity; evenly if nothing can sign), ahead of the orders waiting there
// (so issuance gets what the polls leave), and their reads to the replicas.
void Model::poller() {
  const double batch = poll_rate_ * kPollBatch_s;
  while (true) {
    double signing = 0, up_count = 0;
    for (size_t d = 0; d < hsm_.size(); ++d) {
      if (!dc_up_[d]) continue;
      up_count += 1;
      if (dc_issues(static_cast<int>(d))) signing += hsm_[d].live_capacity;
    }
    for (size_t d = 0; d < api_.size(); ++d) {
      if (!dc_up_[d] || api_[d].rate <= 0) continue;
      const double share =
          signing > 0 ? (dc_issues(static_cast<int>(d)) ? hsm_[d].live_capacity / signing : 0.0) : 1.0 / up_count;
      if (share <= 0) continue;
      Job j{-1, JobKind::ISSUE, 0};
      j.polls = batch * share;
      api_[d].queue.push(j, true, false, 0);  // ahead of queued orders: a poll is a cheap GET answered at once
    }
    reads_pending_ += batch;
    if (reader_idle_) {
      reader_idle_ = false;
      reader_wake_->release();
    }
    sg4::this_actor::sleep_for(kPollBatch_s);
  }
}

// Read capacity for the polls: the live replicas of the data centers up, else the writer.
double Model::read_capacity() const {
  double cap = 0;
  for (size_t d = 0; d < s_.data_centers.size(); ++d)
    for (int r : topo_.replicas(static_cast<int>(d)))
      if (up(r) && r != writer_) cap += s_.data_centers[d].db.reads_per_s;
  if (cap <= 0 && writer_up_) cap = s_.data_centers[static_cast<size_t>(topo_.node(writer_).dc)].db.reads_per_s;
  return cap;
}

void Model::update_read_capacity() {
  if (reads_tracked_ < 0) return;
  Tracked& t = tracked_[static_cast<size_t>(reads_tracked_)];
  const double cap = read_capacity();
  if (cap == t.timeline.at(sg4::Engine::get_clock())) return;
  t.timeline.set(sg4::Engine::get_clock(), cap);
  t.alive = cap > 0;
}

// The replicas answering the polls' reads: all that is pending, at the read capacity up when it starts.
void Model::reader() {
  Tracked& use = tracked_[static_cast<size_t>(reads_tracked_)];
  while (true) {
    if (reads_pending_ <= 0) {
      reader_idle_ = true;
      reader_wake_->acquire();
      continue;
    }
    const double amount = reads_pending_;
    reads_pending_ = 0;
    const double cap = read_capacity();
    if (cap <= 0) continue;  // nothing left to read from: these polls fail
    ++activities_;
    sg4::this_actor::sleep_for(amount / cap);
    use.steady_work += amount;
    ari_polls_ += amount;
  }
}

void Model::hsm_worker(int dc, int member) {
  HsmGroup& g = hsm_[static_cast<size_t>(dc)];
  Tracked& use = tracked_[static_cast<size_t>(dc)];
  Waiter& me = new_waiter();
  while (true) {
    std::optional<Job> j = g.queue.pop(me, cohorts_);
    while (j) {
      // A member computes in reference-key signatures: a signature of another key costs more or less.
      const double signatures = job_signatures(*j);
      const double work = signatures * key_cost(dc, *j);
      j->started = sg4::Engine::get_clock();
      try {
        execute(member, work * service_factor(*j));
      } catch (const std::exception&) {
        if (j->kind != JobKind::SIGN) g.stats.leave(sg4::Engine::get_clock());
        reroute(*j);  // the member failed under us: the cohort is signed elsewhere
        return;
      }
      const double now = sg4::Engine::get_clock();
      use.work_up += work;
      use.signatures += signatures;
      if (j->kind == JobKind::SIGN) {
        background_signed(*j);
        break;
      }
      g.stats.finish(*j, now);
      signed_by_key_[static_cast<size_t>(cohorts_[static_cast<size_t>(j->cohort)].c.key)] += signatures;
      j = advance(*j, true);
      if (j) {  // the revocation's signature, in the same session: joins and starts at once
        j->enqueued = j->started = now;
        g.stats.arrive(now);
      }
    }
  }
}

void Model::net_worker() {
  Waiter& me = new_waiter();
  while (true) {
    const Job j = net_queue_.pop(me, cohorts_);
    if (!wait_for_writer()) return;  // no replica left to promote
    CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
    const OperationCost& op = j.kind == JobKind::ISSUE ? cost_.issuance : cost_.revocation;
    if (c.dc < 0 || !dc_issues(c.dc)) c.dc = route_dc(0, c.c.key);
    if (c.dc < 0) c.dc = any_dc_issuing();  // nothing can sign, but a revocation may need no signature (CRL era)
    if (c.dc < 0) continue;
    try {
      send(frontends_[static_cast<size_t>(c.dc)], writer_, c.c.size * (op.rpc_bytes + op.db_bytes) * service_factor(j));
    } catch (const std::exception&) {
      net_queue_.push(j, j.kind == JobKind::REVOKE, true, c.c.size);  // resent from wherever is up
      continue;
    }
    advance(j);
  }
}

void Model::db_worker() {
  Waiter& me = new_waiter();
  Tracked& use = tracked_[static_cast<size_t>(db_tracked_)];
  while (true) {
    Job j = db_queue_.pop(me, cohorts_);
    if (!wait_for_writer()) return;
    CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
    const OperationCost& op = j.kind == JobKind::ISSUE ? cost_.issuance : cost_.revocation;
    const double commits = c.c.size * op.commits;
    j.started = sg4::Engine::get_clock();
    try {
      execute(writer_, commits * service_factor(j));
    } catch (const std::exception&) {
      db_queue_.push(j, j.kind == JobKind::REVOKE, true, c.c.size);  // retried once the writer is back
      continue;
    }
    use.work_up += commits;
    db_stats_.finish(j, sg4::Engine::get_clock());
    produced_bytes_ += c.c.size * op.db_bytes;
    advance(j);
  }
}

void Model::start_bulk_revocation() {
  bulk_start_ = sg4::Engine::get_clock();
  XBT_INFO("bulk revocation of certificates not yet replaced starts");
  // Revoke first those furthest from replacement: not yet asked for (latest first), then waiting.
  std::vector<int> order;
  for (size_t i = cohorts_.size(); i-- > 0;)
    if (cohorts_[i].affected() && !cohorts_[i].revoke_queued && !cohorts_[i].arrived)
      order.push_back(static_cast<int>(i));
  for (size_t i = cohorts_.size(); i-- > 0;)
    if (cohorts_[i].affected() && !cohorts_[i].revoke_queued && cohorts_[i].arrived)
      order.push_back(static_cast<int>(i));
  for (int i : order) {
    mark_revoke_queued(cohorts_[static_cast<size_t>(i)]);
    cohorts_[static_cast<size_t>(i)].dc = -1;
    enqueue(Job{i, JobKind::REVOKE, 0});
  }
}

void Model::controller() {
  sg4::this_actor::sleep_until(s_.incident.decision_delay_s);
  for (Tracked& t : tracked_) {
    t.busy_at_decision = busy_area(t, sg4::Engine::get_clock());
    t.work_at_decision = t.work();
  }
  const double horizon = s_.incident.horizon_s;
  while (true) {
    const double now = sg4::Engine::get_clock();
    // Done when every affected certificate is replaced and revoked; with none (a normal day), at the horizon.
    bool incident_done = affected_total_ > 0 && replaced_ >= affected_total_ && revoked_ >= affected_total_;
    // CRL era: ... and the revocations are published (or the horizon comes first).
    if (crl_generation(s_)) incident_done = incident_done && published_.has_value();
    if (incident_done || now >= horizon) break;
    if (!bulk_start_) {
      // Revocations still to start, and how long they take on what survives, with the margin.
      const double remaining = unqueued_revocations_;
      double signing = 0;
      // In signatures of the key mix per second: each group's reference-key capacity over the mix's cost.
      for (size_t d = 0; d < hsm_.size(); ++d)
        if (dc_up_[d]) signing += hsm_[d].live_capacity / mix_cost_[d];
      // While a replica is being promoted, revocation can start committing only once it is writer.
      const bool promoting = !writer_up_ && promotion_at_ < std::numeric_limits<double>::infinity();
      const double commits = writer_up_ || promoting ? writer_rate_ : 0;
      const double start = promoting ? std::max(now, promotion_at_) : now;
      const double need_sign = cost_.revocation.signatures > 0 ? remaining * cost_.revocation.signatures / signing : 0;
      const double need_db = remaining * cost_.revocation.commits / commits;
      const double need = std::max(need_sign, need_db) * (1.0 + s_.incident.revocation_margin);
      const double latest = s_.incident.deadline_s - s_.incident.revocation_slack_s - kControllerInterval_s;
      // With nothing left that can sign or commit, bulk revocation cannot help: it waits for capacity.
      if (remaining > 0 && std::isfinite(need) && start + need >= latest) start_bulk_revocation();
    }
    sg4::this_actor::sleep_for(std::min(kControllerInterval_s, horizon - now));
  }
  end_s_ = sg4::Engine::get_clock();
}

void Model::monitor() {
  double last_t = 0;
  while (true) {
    sg4::this_actor::sleep_for(opt_.sample_interval_s);
    const double now = sg4::Engine::get_clock();
    for (size_t i = 0; i < in_flight_.size(); ++i)
      if (in_flight_[i].comm)
        count_progress(in_flight_[i], s_.transfers[i].bytes - in_flight_[i].comm->get_remaining());
    std::vector<double> row{now, arrived_, replaced_, revoked_, broken_};
    for (Tracked& t : tracked_) {
      const double w = t.work();
      // Capacity over the interval as it was (failures and promotions change it).
      const double offered = t.timeline.cumulative(now) - t.timeline.cumulative(last_t);
      const double u = offered > 0 ? (w - t.last_work) / offered : 0;
      t.last_work = w;
      t.peak = std::max(t.peak, u);
      row.push_back(u);
    }
    for (Tracked& t : tracked_) {
      if (t.servers.empty()) continue;
      row.push_back(busy_share(t, t.last_busy, last_t, now));
      t.last_busy = busy_area(t, now);
    }
    for (const HsmGroup& g : hsm_) row.push_back(g.queue.certs());
    row.push_back(net_queue_.certs());
    row.push_back(db_queue_.certs());
    row.push_back(replication_lag_last_);
    if (!ct_logs_.empty()) row.push_back(ct_certs_);
    series_.push_back(std::move(row));
    last_t = now;
    if (opt_.on_progress) {
      Progress p;
      p.sim_time_s = now;
      p.horizon_s = s_.incident.horizon_s;
      p.replaced = replaced_;
      p.revoked = revoked_;
      p.certificates = affected_total_;
      p.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
      opt_.on_progress(p);
    }
  }
}

void Model::replication(int replica) {
  double sent = 0;
  double chunk_start = 0;
  while (true) {
    const double now = sg4::Engine::get_clock();
    if (!up(replica) || writer_ == replica) return;
    const double pending = produced_bytes_ - sent;
    if (!writer_up_ || pending <= 0) {
      chunk_start = now;
      sg4::this_actor::sleep_for(kReplicationBatch_s);
      continue;
    }
    if (!route_live(writer_, replica)) {
      // Cut off by a link failure: the binlog waits (and the lag grows) until a promotion puts the writer
      // on this replica's side, if one ever does.
      sg4::this_actor::sleep_for(kReplicationBatch_s);
      continue;
    }
    try {
      send(writer_, replica, pending);
    } catch (const std::exception&) {
      sg4::this_actor::sleep_for(kReplicationBatch_s);
      continue;
    }
    sent += pending;
    const double done = sg4::Engine::get_clock();
    replication_lag_last_ = done - chunk_start;
    replication_lag_max_ = std::max(replication_lag_max_, replication_lag_last_);
    chunk_start = done;
    if (done - now < kReplicationBatch_s) sg4::this_actor::sleep_for(kReplicationBatch_s - (done - now));
  }
}

// A bulk transfer: one long flow whose progress the monitor counts on its links as it goes (counting it
// only at the end would put terabytes into one sample).
void Model::transfer(size_t i) {
  const Transfer& t = s_.transfers[i];
  sg4::this_actor::sleep_until(t.start_s);
  const int from = topo_.place(t.from), to = topo_.place(t.to);
  InFlight& f = in_flight_[i];
  try {
    if (!up(from) || !up(to)) throw Unreachable("host down");
    ++activities_;
    f.from = from;
    f.to = to;
    f.comm = sg4::Comm::sendto_async(host(from), host(to), static_cast<std::uint64_t>(t.bytes));
    f.comm->wait();
    count_progress(f, t.bytes);
    transfers_[i].done_s = sg4::Engine::get_clock();
  } catch (const std::exception&) {
    XBT_INFO("transfer %s failed", t.name.c_str());
  }
  f.comm = nullptr;
}

// Adds a transfer's bytes sent since the last count to the links of its route, as transfer bytes.
void Model::count_progress(InFlight& f, double sent) {
  const double delta = sent - f.counted;
  if (delta <= 0) return;
  f.counted = sent;
  for (const RouteHop& hop : route(f.from, f.to)) {
    Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + hop.link)];
    (hop.forward ? t.transfer_up : t.transfer_down) += delta;
  }
}

void Model::set_hsm_capacity(int dc) {
  HsmGroup& g = hsm_[static_cast<size_t>(dc)];
  g.live_capacity = 0;
  // A data center cut off from the writer cannot issue: its members' signatures are no use to anyone.
  if (dc_issues(dc))
    for (int m : g.members)
      if (up(m)) g.live_capacity += s_.data_centers[static_cast<size_t>(dc)].hsm.signatures_per_s;
  Tracked& t = tracked_[static_cast<size_t>(dc)];
  t.timeline.set(sg4::Engine::get_clock(), g.live_capacity);
  t.alive = g.live_capacity > 0;
  if (g.live_capacity <= 0)
    for (const Job& j : g.queue.drain()) {  // a group that cannot sign hands its queue on
      if (j.kind != JobKind::SIGN) g.stats.leave(sg4::Engine::get_clock());
      reroute(j);
    }
}

// True when no link on the static route from one host to another was taken down by a link failure.
bool Model::route_live(int from, int to) {
  for (const RouteHop& hop : route(from, to))
    if (link_cut_[static_cast<size_t>(hop.link)]) return false;
  return true;
}

// Which data centers' front ends reach the writer (the replica being promoted, while one is) over links
// that are up; a data center that changes side gains or loses its signing capacity. Routes are static,
// so a cut link is not routed around.
void Model::update_reachability() {
  const int target = promoting_ >= 0 ? promoting_ : writer_;
  std::vector<int> gained, lost;
  for (size_t d = 0; d < reaches_writer_.size(); ++d) {
    const bool reaches = route_live(frontends_[d], target);
    if (reaches == reaches_writer_[d]) continue;
    reaches_writer_[d] = reaches;
    (reaches ? gained : lost).push_back(static_cast<int>(d));
    XBT_INFO("data center %s %s the DB writer (%s)", s_.data_centers[d].name.c_str(),
             reaches ? "reaches" : "is cut off from", topo_.name(target).c_str());
  }
  // Capacity first where it appears, so that the queues handed on from where it vanishes find it.
  for (int d : gained) set_hsm_capacity(d);
  for (int d : lost) set_hsm_capacity(d);
}

void Model::lose_writer() {
  down_[static_cast<size_t>(writer_)] = true;
  writer_up_ = false;
  tracked_[static_cast<size_t>(db_tracked_)].timeline.set(sg4::Engine::get_clock(), 0);
  schedule_promotion();
}

// Picks a replica to promote (one in another data center that is up, else one in the writer's own) and
// promotes it after the delay; if it is lost meanwhile, picks again.
void Model::schedule_promotion() {
  const double now = sg4::Engine::get_clock();
  Tracked& db = tracked_[static_cast<size_t>(db_tracked_)];
  const int old_dc = topo_.node(writer_).dc;
  int next = -1;
  for (int pass = 0; pass < 2 && next < 0; ++pass)
    for (size_t d = 0; d < s_.data_centers.size() && next < 0; ++d) {
      if (!dc_up_[d] || ((static_cast<int>(d) == old_dc) != (pass == 1))) continue;
      for (int r : topo_.replicas(static_cast<int>(d)))
        if (up(r) && next < 0) next = r;
    }
  if (next < 0) {
    promotion_at_ = std::numeric_limits<double>::infinity();
    promoting_ = -1;
    db.alive = false;
    XBT_INFO("DB writer lost and no replica left to promote");
    return;
  }
  promotion_at_ = now + s_.incident.db_promotion_delay_s;
  promoting_ = next;
  update_reachability();  // work goes where the new writer will be reachable from
  writer_rate_ = s_.data_centers[static_cast<size_t>(topo_.node(next).dc)].db.commits_per_s;
  db.timeline.set(promotion_at_, writer_rate_);
  sg4::Actor::create("promote", platform_.control, [this, next] {
    sg4::this_actor::sleep_until(promotion_at_);
    if (!up(next)) {
      tracked_[static_cast<size_t>(db_tracked_)].timeline.set(sg4::Engine::get_clock(), 0);
      schedule_promotion();  // the chosen replica was lost meanwhile
      return;
    }
    writer_ = next;
    promoting_ = -1;
    writer_up_ = true;
    update_read_capacity();
    XBT_INFO("replica %s promoted to writer", topo_.name(next).c_str());
  })->daemonize();
}

// Blocks while the writer is down; false if no replica will ever be promoted.
bool Model::wait_for_writer() {
  while (!writer_up_) {
    if (promotion_at_ == std::numeric_limits<double>::infinity()) return false;
    const double wait = promotion_at_ - sg4::Engine::get_clock();
    if (wait > 0) {
      sg4::this_actor::sleep_for(wait);
    } else {
      sg4::this_actor::yield();  // the promotion is due: let the promoting actor run
    }
  }
  return true;
}

void Model::failure(size_t i) {
  const Failure& f = s_.failures[i];
  if (f.kind == FailureKind::CT_LOG || f.kind == FailureKind::CT_OPERATOR) return ct_outage(f);
  sg4::this_actor::sleep_until(f.at_s);
  XBT_INFO("failure: %s", f.kind == FailureKind::DB_WRITER ? "DB writer" : f.target.c_str());
  // First the model stops routing work to what fails; then, one scheduling round later, SimGrid turns it
  // off. Actors that already chose it in this round see their activity fail instead of starting on a
  // host that is off.
  std::vector<int> hosts;
  std::vector<sg4::SplitDuplexLink*> links;
  switch (f.kind) {
    case FailureKind::HSM: {
      const int v = topo_.find(f.target);
      if (!up(v)) return;
      down_[static_cast<size_t>(v)] = true;
      hosts.push_back(v);
      set_hsm_capacity(topo_.node(v).dc);
      break;
    }
    case FailureKind::DB_WRITER:
      if (!writer_up_) return;
      hosts.push_back(writer_);
      lose_writer();
      break;
    case FailureKind::DATA_CENTER: {
      const int dc = s_.data_center_index(f.target);
      if (!dc_up_[static_cast<size_t>(dc)]) return;
      dc_up_[static_cast<size_t>(dc)] = false;
      if (writer_up_ && topo_.node(writer_).dc == dc) lose_writer();
      for (int v : topo_.hosts())
        if (topo_.node(v).dc == dc) {
          if (up(v)) hosts.push_back(v);
          down_[static_cast<size_t>(v)] = true;
        }
      for (const LinkProps& lp : topo_.links())
        if (lp.dc == dc) {
          Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + lp.index)];
          t.alive = false;
          t.timeline.set(sg4::Engine::get_clock(), 0);
          links.push_back(platform_.links[static_cast<size_t>(lp.index)]);
        }
      set_hsm_capacity(dc);
      for (std::vector<FrontStation>* stations : {&api_, &va_})
        if (!stations->empty() && (*stations)[static_cast<size_t>(dc)].tracked >= 0) {
          Tracked& t = tracked_[static_cast<size_t>((*stations)[static_cast<size_t>(dc)].tracked)];
          t.alive = false;
          t.timeline.set(sg4::Engine::get_clock(), 0);
        }
      break;
    }
    case FailureKind::CT_LOG:
    case FailureKind::CT_OPERATOR:
      return;  // ct_outage
    case FailureKind::LINK: {
      const int l = topo_.find_link(f.target);  // the parser names only links of the topology
      if (l < 0 || link_cut_[static_cast<size_t>(l)]) return;
      link_cut_[static_cast<size_t>(l)] = true;
      Tracked& t = tracked_[static_cast<size_t>(first_link_tracked_ + l)];
      t.alive = false;
      t.timeline.set(sg4::Engine::get_clock(), 0);
      links.push_back(platform_.links[static_cast<size_t>(l)]);
      // Data centers behind the link stop issuing; their queues go to those still reaching the writer.
      // Flows in flight across it fail when it goes off: RPC flows are resent from a data center that
      // issues, replication waits, and transfers fail for good.
      update_reachability();
      break;
    }
  }
  update_read_capacity();
  sg4::this_actor::yield();
  for (int v : hosts) host(v)->turn_off();
  for (sg4::SplitDuplexLink* l : links) l->turn_off();
}

// A CT outage: the log (or every log of the operator) goes down at `at` and comes back at `until`.
void Model::ct_outage(const Failure& f) {
  std::vector<int> logs;
  for (size_t l = 0; l < s_.ct.logs.size(); ++l) {
    const CtLog& log = s_.ct.logs[l];
    if (f.kind == FailureKind::CT_LOG ? log.name == f.target : log.operator_name == f.target)
      logs.push_back(static_cast<int>(l));
  }
  sg4::this_actor::sleep_until(f.at_s);
  XBT_INFO("CT outage: %s", f.target.c_str());
  for (int l : logs) ct_set_down(l, true);
  if (!std::isfinite(f.until_s)) return;
  sg4::this_actor::sleep_until(f.until_s);
  XBT_INFO("CT back: %s", f.target.c_str());
  for (int l : logs) ct_set_down(l, false);
}

// A log that goes down stops taking submissions (one in service still gets its SCT); one that comes
// back takes the oldest submissions it can.
void Model::ct_set_down(int log, bool down) {
  CtLogState& g = ct_logs_[static_cast<size_t>(log)];
  Tracked& t = tracked_[static_cast<size_t>(first_ct_tracked_ + log)];
  g.down += down ? 1 : -1;
  if (down && g.down == 1) {
    t.timeline.set(sg4::Engine::get_clock(), 0);
    t.alive = false;
  } else if (!down && g.down == 0) {
    t.timeline.set(sg4::Engine::get_clock(), s_.ct.logs[static_cast<size_t>(log)].rate_per_s);
    t.alive = true;
    if (g.server_idle) {
      g.server_idle = false;
      g.server_wake->release();
    }
  }
}

void Model::ct_enter(const Job& j) {
  CtVisit& v = ct_visits_[static_cast<size_t>(j.cohort)];
  v = CtVisit{};
  v.job = j;
  v.job.started = j.enqueued;
  v.needed = s_.ct.scts_required;
  ct_stats_.arrive(j.enqueued);
  ct_certs_ += cohorts_[static_cast<size_t>(j.cohort)].c.size;
  ct_fifo_.push_back(j.cohort);
  for (CtLogState& g : ct_logs_)
    if (g.server_idle && g.down == 0) {
      g.server_idle = false;
      g.server_wake->release();
    }
}

// The oldest cohort at the CT station that still needs an SCT and has none from operator `op`, or -1.
// Whoever a cursor passes never needs that operator again (an operator, once submitted to, stays used
// and a cohort's needs only shrink), so each operator scans the FIFO once.
int Model::ct_take(int op) {
  size_t& i = ct_cursor_[static_cast<size_t>(op)];
  for (; i < ct_fifo_.size(); ++i) {
    const CtVisit& v = ct_visits_[static_cast<size_t>(ct_fifo_[i])];
    if (v.needed > 0 && !((v.operators >> op) & 1)) return ct_fifo_[i];
  }
  return -1;
}

void Model::ct_server(int log) {
  CtLogState& g = ct_logs_[static_cast<size_t>(log)];
  const CtLog& spec = s_.ct.logs[static_cast<size_t>(log)];
  Tracked& use = tracked_[static_cast<size_t>(first_ct_tracked_ + log)];
  while (true) {
    const int cohort = g.down > 0 ? -1 : ct_take(g.op);
    if (cohort < 0) {
      g.server_idle = true;
      g.server_wake->acquire();
      continue;
    }
    CtVisit& v = ct_visits_[static_cast<size_t>(cohort)];
    v.operators |= std::uint64_t{1} << g.op;
    --v.needed;
    ++v.outstanding;
    const double size = cohorts_[static_cast<size_t>(cohort)].c.size;
    CtLogState::Entry e{cohort, sg4::Engine::get_clock(), 0};
    g.stats.arrive(e.started);                           // in this log: from its service to its SCT
    v.job.started = std::max(v.job.started, e.started);  // the station's wait ends when its last submission starts
    ++activities_;
    sg4::this_actor::sleep_for(size / spec.rate_per_s);
    use.work_up += size;
    e.at = sg4::Engine::get_clock() + spec.latency_s;
    g.returning.push_back(e);
    if (g.returner_idle) {
      g.returner_idle = false;
      g.returner_wake->release();
    }
  }
}

// Delivers a log's SCTs `latency` after their service (in order: the latency is constant).
void Model::ct_returner(int log) {
  CtLogState& g = ct_logs_[static_cast<size_t>(log)];
  while (true) {
    if (g.returning.empty()) {
      g.returner_idle = true;
      g.returner_wake->acquire();
      continue;
    }
    const CtLogState::Entry e = g.returning.front();
    if (e.at > sg4::Engine::get_clock()) {
      sg4::this_actor::sleep_until(e.at);
      continue;
    }
    g.returning.pop_front();
    Job as_job;  // a submission: from its cohort joining the CT station to its SCT
    as_job.enqueued = ct_visits_[static_cast<size_t>(e.cohort)].job.enqueued;
    as_job.started = e.started;
    g.stats.finish(as_job, e.at);
    ct_returned(e.cohort);
  }
}

void Model::ct_returned(int cohort) {
  CtVisit& v = ct_visits_[static_cast<size_t>(cohort)];
  if (--v.outstanding > 0 || v.needed > 0) return;
  const double now = sg4::Engine::get_clock();
  ct_stats_.finish(v.job, now);
  ct_certs_ -= cohorts_[static_cast<size_t>(cohort)].c.size;
  advance(v.job);
}

Report Model::run() {
  wall_start_ = std::chrono::steady_clock::now();
  platform_ = build_platform(s_, topo_);

  const ArrivalPlan plan = plan_arrivals(s_, seed_);
  for (const Cohort& c : plan.cohorts) {
    cohorts_.push_back(CohortState{c});
    if (c.affected()) affected_total_ += c.size;
  }
  unqueued_revocations_ = affected_total_;

  // Resources and their tracking.
  dc_up_.assign(s_.data_centers.size(), true);
  reaches_writer_.assign(s_.data_centers.size(), true);  // checked at loading: every data center does
  link_cut_.assign(topo_.links().size(), false);
  down_.assign(boost::num_vertices(topo_.graph()), false);
  busy_.assign(boost::num_vertices(topo_.graph()), BusyMeter{});
  const int k = s_.effective_cohort_size();
  for (int v : topo_.hosts()) {
    const NodeProps& n = topo_.node(v);
    if (n.dc < 0) continue;
    const DataCenter& dc = s_.data_centers[static_cast<size_t>(n.dc)];
    const int c = n.kind == NodeKind::HSM ? dc.hsm.sessions : dc.db.connections;
    busy_[static_cast<size_t>(v)].servers = c;
    busy_[static_cast<size_t>(v)].per_cohort = std::min(k, c);
  }
  hsm_ = std::vector<HsmGroup>(s_.data_centers.size());
  for (HsmGroup& g : hsm_) g.stats.warm_up = s_.warm_up_s;
  const std::vector<KeyShare> keys = s_.workload.keys();
  signed_by_key_.assign(keys.size(), 0.0);
  for (const DataCenter& dc : s_.data_centers) {
    key_cost_.emplace_back();
    for (size_t key = 0; key < keys.size(); ++key) key_cost_.back().push_back(signature_cost(dc.hsm, key));
    mix_cost_.push_back(mixed_signature_cost(s_, dc.hsm));
  }
  db_stats_.warm_up = s_.warm_up_s;
  for (size_t d = 0; d < s_.data_centers.size(); ++d) {
    const DataCenter& dc = s_.data_centers[d];
    hsm_[d].members = topo_.hsms(static_cast<int>(d));
    hsm_[d].live_capacity = dc.hsm_count * dc.hsm.signatures_per_s;
    Tracked t;
    t.name = "hsm:" + dc.name;
    t.kind = "hsm";
    t.unit = hsm_capacity_unit(s_);
    t.capacity = hsm_[d].live_capacity;
    t.timeline = CapacityTimeline(t.capacity);
    t.servers = hsm_[d].members;
    t.servers_per_capacity = dc.hsm.sessions / dc.hsm.signatures_per_s;
    tracked_.push_back(t);
    if (dc.db_writer) writer_ = topo_.find(host_name(dc.name, "db-writer"));
    frontends_.push_back(topo_.find(host_name(dc.name, "frontend")));
  }
  {
    const DbSpec& db = s_.data_centers[static_cast<size_t>(topo_.node(writer_).dc)].db;
    Tracked t;
    t.name = "db-writer";
    t.kind = "db";
    t.unit = "commits/s";
    t.capacity = db.commits_per_s;
    t.timeline = CapacityTimeline(t.capacity);
    writer_rate_ = db.commits_per_s;
    t.servers.push_back(writer_);
    t.servers_per_capacity = db.connections / db.commits_per_s;
    for (size_t d = 0; d < s_.data_centers.size(); ++d)
      for (int r : topo_.replicas(static_cast<int>(d))) t.servers.push_back(r);  // one may be promoted
    db_tracked_ = static_cast<int>(tracked_.size());
    tracked_.push_back(t);
  }
  first_link_tracked_ = static_cast<int>(tracked_.size());
  for (const LinkProps& l : topo_.links()) {
    Tracked t;
    t.name = "link:" + l.name;
    t.kind = "link";
    t.unit = "bytes/s";
    t.capacity = l.bandwidth_Bps;
    t.timeline = CapacityTimeline(t.capacity);
    t.link = platform_.links[static_cast<size_t>(l.index)];
    tracked_.push_back(t);
  }
  // CT logs, each a resource in submissions/s (after the links, so that nothing else moves).
  if (!s_.ct.logs.empty()) {
    const std::vector<std::string> ops = s_.ct.operators();
    first_ct_tracked_ = static_cast<int>(tracked_.size());
    ct_logs_ = std::vector<CtLogState>(s_.ct.logs.size());
    ct_visits_.resize(cohorts_.size());
    ct_cursor_.assign(ops.size(), 0);
    ct_stats_.warm_up = s_.warm_up_s;
    precert_signatures_ = precertificate_signatures(s_.workload);
    for (size_t l = 0; l < s_.ct.logs.size(); ++l) {
      const CtLog& log = s_.ct.logs[l];
      ct_logs_[l].op = static_cast<int>(std::find(ops.begin(), ops.end(), log.operator_name) - ops.begin());
      ct_logs_[l].stats.warm_up = s_.warm_up_s;
      Tracked t;
      t.name = "ct:" + log.name;
      t.kind = "ct";
      t.unit = "submissions/s";
      t.capacity = log.rate_per_s;
      t.timeline = CapacityTimeline(t.capacity);
      tracked_.push_back(t);
    }
  }
  // The API and VA of each data center that has them, then the replicas' reads for ARI polling (after
  // everything else, so that nothing else moves).
  auto add_front = [&](std::vector<FrontStation>& stations, const std::string& kind, const std::string& unit,
                       auto rate_of) {
    stations = std::vector<FrontStation>(s_.data_centers.size());
    for (size_t d = 0; d < s_.data_centers.size(); ++d) {
      stations[d].rate = rate_of(s_.data_centers[d]);
      if (stations[d].rate <= 0) continue;
      Tracked t;
      t.name = kind + ":" + s_.data_centers[d].name;
      t.kind = kind;
      t.unit = unit;
      t.capacity = stations[d].rate;
      t.timeline = CapacityTimeline(t.capacity);
      stations[d].tracked = static_cast<int>(tracked_.size());
      tracked_.push_back(t);
    }
  };
  const bool api_modelled = std::any_of(s_.data_centers.begin(), s_.data_centers.end(),
                                        [](const DataCenter& dc) { return dc.api_requests_per_s > 0; });
  if (api_modelled) add_front(api_, "api", "requests/s", [](const DataCenter& dc) { return dc.api_requests_per_s; });
  if (s_.validation.enabled) {
    add_front(va_, "va", "validations/s", [this](const DataCenter&) { return s_.validation.validations_per_s; });
    if (cost_.issuance.validations > 0) va_latency_s_ = s_.validation.latency_s();
  }
  poll_rate_ = s_.clients.ari_poll_rate_per_s();
  if (poll_rate_ > 0) {
    Tracked t;
    t.name = "db-replica-reads";
    t.kind = "reads";
    t.unit = "reads/s";
    reads_tracked_ = static_cast<int>(tracked_.size());
    tracked_.push_back(t);
    tracked_.back().capacity = read_capacity();
    tracked_.back().timeline = CapacityTimeline(tracked_.back().capacity);
  }
  columns_ = {"t_s", "arrived", "replaced", "revoked", "revoked_before_replaced"};
  for (const Tracked& t : tracked_) columns_.push_back("util:" + t.name);
  for (const Tracked& t : tracked_)
    if (!t.servers.empty()) columns_.push_back("busy:" + t.name);
  for (const DataCenter& dc : s_.data_centers) columns_.push_back("queue:hsm:" + dc.name);
  columns_.push_back("queue:network");
  columns_.push_back("queue:db-writer");
  columns_.push_back("replication_lag_s");
  if (!ct_logs_.empty()) columns_.push_back("queue:ct");
  for (const Transfer& t : s_.transfers)
    transfers_.push_back(TransferOutcome{t.name, t.bytes, t.start_s, std::nullopt});
  in_flight_.resize(s_.transfers.size());

  // Actors: all on the control host, which never fails; all daemons but the controller.
  sg4::Host* ctl = platform_.control;
  auto daemon = [&](const std::string& name, std::function<void()> fn) {
    sg4::Actor::create(name, ctl, std::move(fn))->daemonize();
  };
  daemon("source", [this] { source(); });
  // A cohort of k certificates occupies min(k, c) of a station's c servers, so a station runs ceil(c / k)
  // cohorts at once (platform.cpp shares X(min(n k, c)) among them).
  auto slots = [k](int servers) { return (servers + k - 1) / k; };
  for (size_t d = 0; d < s_.data_centers.size(); ++d)
    for (int m : hsm_[d].members)
      for (int i = 0; i < slots(s_.data_centers[d].hsm.sessions); ++i)
        daemon("hsm-session", [this, d, m] { hsm_worker(static_cast<int>(d), m); });
  const int connections = s_.data_centers[static_cast<size_t>(topo_.node(writer_).dc)].db.connections;
  for (int i = 0; i < slots(connections); ++i) {
    daemon("rpc", [this] { net_worker(); });
    daemon("db-connection", [this] { db_worker(); });
  }
  for (size_t d = 0; d < s_.data_centers.size(); ++d)
    for (int r : topo_.replicas(static_cast<int>(d))) daemon("replication", [this, r] { replication(r); });
  for (size_t i = 0; i < s_.transfers.size(); ++i) daemon("transfer", [this, i] { transfer(i); });
  for (size_t i = 0; i < s_.failures.size(); ++i) daemon("failure", [this, i] { failure(i); });
  for (size_t l = 0; l < ct_logs_.size(); ++l) {
    daemon("ct-log", [this, l] { ct_server(static_cast<int>(l)); });
    daemon("ct-sct", [this, l] { ct_returner(static_cast<int>(l)); });
  }
  if (cost_.ocsp_resign_signatures_per_s > 0) daemon("ocsp-updater", [this] { ocsp_updater(); });
  if (crl_generation(s_)) daemon("crl-updater", [this] { crl_updater(); });
  for (size_t d = 0; d < api_.size(); ++d)
    if (api_[d].rate > 0) daemon("api", [this, d] { front_worker(static_cast<int>(d), false); });
  for (size_t d = 0; d < va_.size(); ++d)
    if (va_[d].rate > 0) daemon("va", [this, d] { front_worker(static_cast<int>(d), true); });
  if (va_latency_s_ > 0) daemon("validation-latency", [this] { validation_delay(); });
  if (poll_rate_ > 0) {  // after the failures: a data center down from t = 0 gets no polls
    daemon("ari-poller", [this] { poller(); });
    daemon("replica-reads", [this] { reader(); });
  }
  daemon("monitor", [this] { monitor(); });
  sg4::Actor::create("controller", ctl, [this] { controller(); });

  sg4::Engine::get_instance()->run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
  return build_report(wall);
}

// Weighted percentile of (value, weight) pairs.
double percentile(std::vector<std::pair<double, double>>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  double total = 0;
  for (const auto& p : v) total += p.second;
  double acc = 0;
  for (const auto& p : v) {
    acc += p.second;
    if (acc >= q * total) return p.first;
  }
  return v.back().first;
}

// Per client class, from its cohorts: the same counts as the whole run's.
std::vector<ClassOutcome> Model::class_outcomes() const {
  const std::vector<ClientClass> classes = client_classes(s_);
  std::vector<ClassOutcome> out(classes.size());
  std::vector<std::vector<std::pair<double, double>>> ttr(classes.size()), after(classes.size());
  std::vector<bool> all_asked(classes.size(), true);
  for (size_t i = 0; i < classes.size(); ++i) {
    out[i].name = classes[i].name;
    out[i].kind = client_kind_name(classes[i].kind);
    out[i].share = classes[i].share;
    if (s_.admission.enabled()) out[i].rejected_requests = out[i].rejected_certificates = 0.0;
  }
  for (const CohortState& c : cohorts_) {
    if (!c.affected()) continue;
    const size_t k = static_cast<size_t>(c.c.client_class);
    ClassOutcome& o = out[k];
    const double size = c.c.size;
    o.certificates += size;
    if (c.c.arrival_s >= s_.incident.horizon_s) {
      all_asked[k] = false;
    } else {
      o.last_request_s = std::max(o.last_request_s.value_or(0.0), c.c.arrival_s);
    }
    if (c.replaced_s >= 0) {
      if (c.replaced_s <= s_.incident.deadline_s) o.replaced_by_deadline += size;
      ttr[k].push_back({c.replaced_s - c.c.arrival_s, size});
      after[k].push_back({c.replaced_s - s_.incident.decision_delay_s, size});
    }
    if (site_breaks(c.replaced_s, c.revoked_s)) o.revoked_before_replaced += size;
    if (s_.admission.enabled()) {
      *o.rejected_requests += size * c.rejections;
      if (c.rejections > 0) *o.rejected_certificates += size;
    }
  }
  for (size_t i = 0; i < classes.size(); ++i) {
    out[i].time_to_replace_s.p50 = percentile(ttr[i], 0.50);
    out[i].time_to_replace_s.p99 = percentile(ttr[i], 0.99);
    out[i].replaced_after_decision_s.p50 = percentile(after[i], 0.50);
    out[i].replaced_after_decision_s.p99 = percentile(after[i], 0.99);
    out[i].time_to_replace_s.measured = out[i].replaced_after_decision_s.measured = !ttr[i].empty();
    if (!all_asked[i]) out[i].last_request_s.reset();
  }
  return out;
}

Report Model::build_report(double wall_s) {
  Report r;
  r.scenario = s_.name;
  r.seed = seed_;
  r.version = SURGE_VERSION;
  r.cohort_size = s_.effective_cohort_size();
  r.cohorts = static_cast<long>(cohorts_.size());
  r.certificates = affected_total_;
  r.decision_s = s_.incident.decision_delay_s;
  r.deadline_s = s_.incident.deadline_s;
  r.horizon_s = s_.incident.horizon_s;

  const double deadline = s_.incident.deadline_s;
  double last_replaced = 0, last_revoked = 0;
  bool all_replaced = true, all_revoked = true;
  std::vector<std::pair<double, double>> ttr;
  std::vector<WorkArrival> arrivals;
  for (const CohortState& c : cohorts_) {
    if (c.arrived)
      arrivals.push_back(WorkArrival{c.admitted_s, static_cast<double>(c.c.size)});
    else if (c.revoked_s >= 0 && bulk_start_)
      arrivals.push_back(WorkArrival{*bulk_start_, static_cast<double>(c.c.size)});
    if (!c.affected()) continue;
    if (c.replaced_s >= 0) {
      last_replaced = std::max(last_replaced, c.replaced_s);
      r.replaced_within_horizon += c.c.size;
      if (c.replaced_s <= deadline) r.replaced_by_deadline += c.c.size;
      ttr.push_back({c.replaced_s - c.c.arrival_s, static_cast<double>(c.c.size)});
    } else {
      all_replaced = false;
    }
    if (c.revoked_s >= 0) {
      last_revoked = std::max(last_revoked, c.revoked_s);
      if (c.revoked_s <= deadline) r.revoked_by_deadline += c.c.size;
      if (site_breaks(c.replaced_s, c.revoked_s)) r.revoked_before_replaced += c.c.size;
    } else {
      all_revoked = false;
    }
  }
  if (all_replaced && affected_total_ > 0) r.completion_time_s = last_replaced;
  if (all_revoked && affected_total_ > 0) r.revocation_complete_s = last_revoked;
  r.not_replaced_by_deadline = affected_total_ - r.replaced_by_deadline;
  r.deadline_met = r.replaced_by_deadline >= affected_total_ && r.revoked_by_deadline >= affected_total_;
  r.bulk_revocation_start_s = bulk_start_;
  r.time_to_replace_s.p50 = percentile(ttr, 0.50);
  r.time_to_replace_s.p99 = percentile(ttr, 0.99);
  r.time_to_replace_s.measured = !ttr.empty();
  r.classes = class_outcomes();
  if (s_.admission.enabled()) {
    double refused = 0, delay = 0, refused_admitted = 0;
    for (const CohortState& c : cohorts_) {
      if (c.rejections == 0) continue;
      refused += c.c.size;
      if (c.admitted_s < 0) continue;
      refused_admitted += c.c.size;
      delay += c.c.size * (c.admitted_s - c.c.arrival_s);
    }
    r.rejected_requests = rejected_requests_;
    r.rejected_certificates = refused;
    r.admission_delay_total_s = delay;
    r.admission_delay_mean_s = refused_admitted > 0 ? delay / refused_admitted : 0;
  }
  r.signatures_needed = affected_total_ * cost_.signatures_per_certificate();
  const std::vector<KeyShare> keys = s_.workload.keys();
  for (size_t k = 0; k < keys.size(); ++k) r.signatures_by_key[keys[k].key] = signed_by_key_[k];
  r.db_replication_lag_max_s = replication_lag_max_;
  if (cost_.ocsp_resign_signatures_per_s > 0) r.ocsp_resign_signatures = ocsp_signed_;
  if (crl_generation(s_)) {
    r.crl_signatures = crl_signed_;
    r.crl_bytes_uploaded = crl_uploaded_;
    r.revocations_published_s = published_;
    r.crl_period_s = s_.workload.crl_period_s;
  }
  if (poll_rate_ > 0) r.ari_polls = ari_polls_;

  // Bottleneck: the fluid arithmetic on the run's own arrivals and work.
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const WorkArrival& a, const WorkArrival& b) { return a.t < b.t; });
  double units = 0;
  for (const WorkArrival& a : arrivals) units += a.work;
  std::vector<FluidResource> fluid;
  // HSM groups sign interchangeably: one resource for all groups that are still alive.
  std::string hsm_name;
  double hsm_work = 0;
  // CT logs likewise: one resource, in submissions/s, whose capacity is SCTs per precertificate x the
  // precertificates/s the operators up can serve (not the sum of the logs' rates: SCTs must come from
  // different operators).
  std::string ct_name;
  double ct_work = 0;
  for (size_t i = 0; i < tracked_.size(); ++i) {
    Tracked& t = tracked_[i];
    const double work = t.work();
    // Mean utilisation over the incident's active period, against the capacity offered then.
    const double offered = t.timeline.cumulative(end_s_) - t.timeline.cumulative(s_.incident.decision_delay_s);
    const double active_work = work - t.work_at_decision;
    ResourceUse u;
    u.name = t.name;
    u.kind = t.kind;
    u.unit = t.unit;
    u.capacity = t.timeline.at(0);  // failures at 0 h included, as the planner's
    u.work = work;
    u.mean_utilisation = offered > 0 ? active_work / offered : 0;
    u.peak_utilisation = t.peak;
    u.available = t.alive;
    if (!t.servers.empty()) u.mean_busy = busy_share(t, t.busy_at_decision, s_.incident.decision_delay_s, end_s_);
    // Queueing statistics after the warm-up (HSM groups and the writer).
    const StationStats* st = t.kind == "hsm"  ? &hsm_[i].stats
                             : t.kind == "db" ? &db_stats_
                             : t.kind == "ct" ? &ct_logs_[i - static_cast<size_t>(first_ct_tracked_)].stats
                                              : nullptr;
    if (st && st->jobs > 0) {
      const double span = end_s_ - s_.warm_up_s;
      u.jobs = st->jobs;
      u.mean_wait_s = st->sum_wait / static_cast<double>(st->jobs);
      u.mean_sojourn_s = st->sum_sojourn / static_cast<double>(st->jobs);
      if (span > 0) u.mean_in_system = st->area_at(end_s_) / span;
      if (span > 0) u.throughput_per_s = static_cast<double>(st->jobs) / span;
    }
    r.resources.push_back(u);
    if (t.kind == "hsm") {
      r.signatures += t.signatures;
      hsm_work += work;
      if (t.alive) hsm_name += (hsm_name.empty() ? "" : "+") + t.name;
      continue;
    }
    if (t.kind == "db") r.db_commits += work;
    if (t.kind == "ct") {
      ct_work += work;
      if (t.alive) ct_name += (ct_name.empty() ? "" : "+") + t.name;
      continue;
    }
    if (!t.alive || units <= 0) continue;
    // The API's polls are a steady load: what is left of its capacity at their mean rate serves issuance.
    const CapacityTimeline left =
        t.steady_work > 0 && end_s_ > 0 ? t.timeline.left_after(t.steady_work / end_s_) : t.timeline;
    // A front station that served none of its issuance (its polls took it whole, the requests queue
    // behind them) still has the certificates' demand: count each unit's, or it would look idle.
    double per_unit = t.certificate_work() / units;
    if (per_unit <= 0 && (t.kind == "api" || t.kind == "va"))
      per_unit = t.kind == "api" ? cost_.issuance.api_requests : cost_.issuance.validations;
    fluid.push_back(FluidResource{t.name, left, per_unit, {}});
  }
  {
    // Sum the HSM groups' timelines over every change time.
    const double background_rate = background_signatures_per_s(s_);
    std::vector<double> times{0.0};
    for (const Tracked& t : tracked_)
      if (t.kind == "hsm")
        for (const auto& st : t.timeline.steps()) times.push_back(st.first);
    std::sort(times.begin(), times.end());
    CapacityTimeline sum(0.0);
    for (double tm : times) {
      double cap = 0;
      for (const Tracked& t : tracked_) {
        if (t.kind != "hsm") continue;
        double v = 0;
        for (const auto& st : t.timeline.steps())
          if (st.first <= tm) v = st.second;
        cap += v;
      }
      // Background signing takes its steady rate off what the certificates get (the fluid view of a
      // FIFO shared with a constant stream).
      sum.set(tm, cap > 0 ? std::max(0.0, cap - background_rate) : 0.0);
    }
    if (units > 0 && !hsm_name.empty()) {
      fluid.push_back(FluidResource{hsm_name, sum, (hsm_work - ocsp_signed_ - crl_signed_) / units, {}});
    }
  }
  if (!ct_logs_.empty() && units > 0) {
    if (ct_name.empty()) ct_name = "ct";
    fluid.push_back(
        FluidResource{ct_name, ct_certificate_timeline(s_).scaled(s_.ct.scts_required), ct_work / units, {}});
  }
  const BottleneckResult b = find_bottleneck(arrivals, fluid);
  r.bottleneck = b.bottleneck;
  if (!ct_logs_.empty() && ct_stats_.jobs > 0) {
    r.sct_wait_mean_s = ct_stats_.sum_sojourn / static_cast<double>(ct_stats_.jobs);
    r.sct_queue_wait_mean_s = ct_stats_.sum_wait / static_cast<double>(ct_stats_.jobs);
  }
  // The pooled HSM resource is named "hsm:dc1+hsm:dc2": each group takes its figures.
  auto covers = [](const std::string& pooled, const std::string& name) {
    std::stringstream parts(pooled);
    for (std::string part; std::getline(parts, part, '+');)
      if (part == name) return true;
    return false;
  };
  for (ResourceUse& u : r.resources) {
    for (const auto& [name, saved] : b.saved_s)
      if (covers(name, u.name)) u.saved_s = saved;
    for (const auto& [name, t] : b.completion_s)
      if (covers(name, u.name) && std::isfinite(t)) u.fluid_completion_s = t;
  }
  r.transfers = transfers_;
  r.series_columns = columns_;
  r.series = series_;
  r.wall_s = wall_s;
  r.activities = activities_;
  return r;
}

bool g_engine_used = false;

}  // namespace

Report run_simulation(const Scenario& scenario, const RunOptions& options) {
  if (g_engine_used) throw RunError("a SimGrid engine already ran in this process; use run_in_child");
  g_engine_used = true;
  // SimGrid reads --log=... (and --cfg=...) from its argv: surge's own messages are category surge_sim,
  // quiet below warnings unless asked (e.g. --log=surge_sim.thres:info).
  std::vector<std::string> args{"surge"};
  for (const std::string& l : options.log) args.push_back("--log=" + l);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  xbt_log_control_set("root.thresh:warning");
  sg4::Engine engine(&argc, argv.data());
  // CM02: transfer time = latency + size / shared bandwidth, no TCP slow-start factors (the default
  // model multiplies latency by 13.01); no reverse ACK traffic; no TCP window cap on long flows.
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/crosstraffic:0");
  sg4::Engine::set_config("network/TCP-gamma:0");
  Model model(scenario, options, options.seed.value_or(scenario.seed));
  return model.run();
}

Report run_in_child(const Scenario& scenario, const RunOptions& options) {
  const ChildResult child = run_child([&](int& code) {
    try {
      return to_json(run_simulation(scenario, options), true).dump();
    } catch (const std::exception& e) {
      code = 3;
      return nlohmann::json{{"error", e.what()}}.dump();
    }
  });
  if (child.signal != 0) throw RunError("simulation child died from signal " + std::to_string(child.signal));
  nlohmann::json j = nlohmann::json::parse(child.output, nullptr, false);
  if (j.is_discarded())
    throw RunError("simulation child returned no report (exit " + std::to_string(child.exit_code) + ")");
  if (j.contains("error")) throw RunError(j["error"].get<std::string>());
  return report_from_json(j);
}

}  // namespace surge::sim
