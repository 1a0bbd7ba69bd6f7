// The incident model: one object holding every station's state, its methods defined one station per
// file (source, front_end_station, hsm_station, net_station, db_station, ct_station,
// background_signing, failures, controller, metrics; the wiring and the journey in simulation.cpp).
// Private to sim/: the run API is simulation.hpp.
#pragma once

#include <simgrid/s4u.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/ct.hpp"
#include "models/report.hpp"
#include "models/topology.hpp"
#include "models/workload.hpp"
#include "sim/fifo_station.hpp"
#include "sim/job.hpp"
#include "sim/metrics.hpp"
#include "sim/platform.hpp"
#include "sim/simulation.hpp"

namespace surge::sim::detail {

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

/// A bulk transfer in progress.
struct InFlight {
  sg4::CommPtr comm;
  int from = -1, to = -1;
  double counted = 0;  // bytes already added to its links
};

/// The incident on SimGrid: cohorts through the stations, failures, the controller and the metrics.
class Model {
 public:
  Model(const Scenario& s, const RunOptions& o, std::uint64_t seed)
      : s_(s), opt_(o), seed_(seed), topo_(s), cost_(cost_model(s)) {}

  Report run();

 private:
  // simulation.cpp: the wiring (resources, actors) and the journey between stations
  void set_up_cohorts();
  void set_up_hsm_groups();
  void set_up_db_writer();
  void set_up_links();
  void set_up_ct_logs();
  void set_up_front_ends();
  void set_up_series();
  void start_actors();
  void enqueue(Job j, bool front = false);
  std::optional<Job> advance(Job j, bool keep_hsm = false);
  void reroute(Job j);
  void mark_revoke_queued(CohortState& c);
  Waiter& new_waiter() { return *waiters_.emplace_back(std::make_unique<Waiter>()); }
  double service_factor(const Job& j) const;
  sg4::Host* host(int v) const { return platform_.hosts[static_cast<size_t>(v)]; }
  bool up(int v) const { return !down_[static_cast<size_t>(v)]; }
  void execute(int v, double amount);

  // source.cpp
  void source();

  // front_end_station.cpp: the API, the VA and ARI polling
  void before_journey(Job j);
  void front_worker(int dc, bool va);
  void validation_delay();
  void poller();
  void reader();
  void update_read_capacity();
  double read_capacity() const;

  // hsm_station.cpp
  void hsm_worker(int dc, int member);
  double job_signatures(const Job& j) const;
  /// Reference-key signatures (flops) one signature of the job's key costs at data center dc.
  double key_cost(int dc, const Job& j) const;
  int route_dc(double signatures, int key);
  void set_hsm_capacity(int dc);
  bool dc_can_sign(int dc) const { return hsm_[static_cast<size_t>(dc)].live_capacity > 0; }

  // net_station.cpp: RPCs to the writer, routes, reachability over cut links, bulk transfers
  void net_worker();
  void send(int from, int to, double bytes, bool bulk = false);
  const std::vector<RouteHop>& route(int from, int to);
  bool route_live(int from, int to);
  void update_reachability();
  /// Up, and its front end has a live route to the writer (or to the replica being promoted).
  bool dc_issues(int dc) const { return dc_up_[static_cast<size_t>(dc)] && reaches_writer_[static_cast<size_t>(dc)]; }
  int any_dc_issuing() const {
    for (size_t d = 0; d < dc_up_.size(); ++d)
      if (dc_issues(static_cast<int>(d))) return static_cast<int>(d);
    return -1;
  }
  void transfer(size_t i);
  void count_progress(InFlight& f, double sent);

  // db_station.cpp: the writer, its promotion, replication
  void db_worker();
  void replication(int replica);
  void lose_writer();
  void schedule_promotion();
  bool wait_for_writer();

  // ct_station.cpp
  void ct_outage(const Failure& f);
  void ct_server(int log);
  void ct_returner(int log);
  void ct_enter(const Job& j);
  int ct_take(int op);
  void ct_set_down(int log, bool down);
  void ct_returned(int cohort);

  // background_signing.cpp: ocsp-updater and crl-updater
  void ocsp_updater();
  void crl_updater();
  void sign_in_background(BackgroundWork work);
  void enqueue_background(Job j, bool front);
  void background_signed(const Job& j);

  // failures.cpp
  void failure(size_t i);

  // controller.cpp: the revocation controller
  void controller();
  void start_bulk_revocation();

  // metrics.cpp: the samples and the report
  void monitor();
  double busy_share(const Tracked& t, double area_before, double a, double b) const;
  double busy_area(const Tracked& t, double now) const {
    double area = 0;
    for (int v : t.servers) area += busy_[static_cast<size_t>(v)].area_at(now);
    return area;
  }
  Report build_report(double wall_s);
  void report_outcomes(Report& r) const;
  void report_admission(Report& r) const;
  void report_signing(Report& r) const;
  ResourceUse resource_use(size_t i) const;
  std::vector<WorkArrival> admitted_work() const;
  CapacityTimeline pooled_hsm_timeline() const;
  std::vector<FluidResource> fluid_resources(double units) const;
  CapacityTimeline steady_left(const Tracked& t) const;
  double per_unit(const Tracked& t, double units) const;
  void report_bottleneck(Report& r) const;
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

}  // namespace surge::sim::detail
