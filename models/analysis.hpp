// The analytic planner's internals, shared by its steps (models/analytic*.cpp): the Analysis of one
// scenario and what passes between its steps. Private to surge_models: front ends include analytic.hpp.
#pragma once

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/analytic.hpp"
#include "models/clients.hpp"
#include "models/fluid.hpp"
#include "models/grid.hpp"
#include "models/resources.hpp"
#include "models/statistics.hpp"
#include "models/topology.hpp"
#include "models/workload.hpp"

namespace surge::analytic_detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
/// The recommended window holds every resource's request rate, averaged over this long, under the target:
/// shorter spikes (the first poll of a narrow window, a top-of-hour burst) are absorbed by the queues.
inline constexpr double kPeakAveraging_s = 600.0;

/// A resource's peak utilisation (its request rate averaged over kPeakAveraging_s), for the recommended window.
struct Peak {
  double utilisation = 0;
  std::string resource;
};

/// One resource of the analysis: capacity over time and what each certificate asks of it.
struct Resource {
  std::string name;
  ResourceKind kind = ResourceKind::HSM;
  std::string unit;
  double capacity0 = 0;  ///< at t = 0
  CapacityTimeline timeline{0.0};
  double per_affected = 0;     ///< work per affected certificate (issue + revoke)
  double per_revocation = 0;   ///< ... of which the revocation
  double per_background = 0;   ///< work per normal-day issuance
  int servers = 0;             ///< sessions or connections (for Erlang C)
  double background_rate = 0;  ///< HSM: background signing served ahead of issuance, signatures/s (mean)
  /// ARI polling: work/s arriving from t = 0 whatever the certificates do. It is served first (a steady
  /// fluid), so `timeline` is what is left for issuance and `full` the resource's own capacity.
  double steady = 0;
  CapacityTimeline full{0.0};
  /// Capacity left for the certificates: background signing goes first, so its rate comes off.
  CapacityTimeline certificate_timeline() const { return timeline.left_after(background_rate); }
};

/// When the scenario's failures strike (+inf: never); link failures are Analysis::link_down_.
struct FailureTimes {
  std::vector<double> dc_down;             ///< by data center: when it fails, s
  std::map<std::string, double> hsm_down;  ///< by HSM host name ("dc1/hsm-2"): when it fails, s
  double writer_lost = kInf;               ///< when the DB writer fails, alone or with its data center, s
};

/// The DB writer over the run: the first one, and the replica promoted after its loss.
struct Writer {
  int data_center = -1;      ///< the first writer's data center
  int first = -1;            ///< the first writer's node
  int last = -1;             ///< the node writing at the end: the promoted replica, else `first`
  double promoted_s = kInf;  ///< when the promoted replica takes over (+inf: none is)
};

/// Visits per request to each step of its journey, by data center: the traffic equations' solution.
struct Visits {
  /// A journey's steps in one data center: issuance goes front end -> writer (NET), commits, signs;
  /// revocation signs (when it is signed), goes to the writer, commits.
  enum Step { ISSUE_NET, ISSUE_DB, ISSUE_HSM, REVOKE_HSM, REVOKE_NET, REVOKE_DB, STEPS };
  std::vector<double> v;  ///< by data center x STEPS + step
  /// Visits to `step` of data center d per request.
  double at(size_t d, Step step) const { return v[d * STEPS + static_cast<size_t>(step)]; }
};

/// CRL era: what crl-updater's generations add up to, from the revoked curve.
struct CrlOutcome {
  double signatures = 0;      ///< shard signatures of the generations started within the run
  double bytes_uploaded = 0;  ///< ... their uploads
  double bytes_read = 0;      ///< ... their reads of revoked rows
  std::optional<double> published_s;
  double run_end_s = 0;  ///< when the simulator's run would end: all replaced, revoked and published, or the horizon
};

/// The run's extent and what it did by its end, as the simulator counts: what the report's resource figures share.
struct RunTotals {
  double run_end_s = 0;   ///< when the simulator's run would end
  double busy_end_s = 0;  ///< utilisation is averaged from the decision to here: completion, else the horizon
  double peak_rate = 0;   ///< requests/s, affected and normal, at the busiest grid interval
  double background = 0;  ///< normal-day issuances within the run
  double replaced = 0;    ///< affected certificates replaced within the run
  double revoked = 0;     ///< affected certificates revoked within the run (after replacement, or in bulk)
  double background_signatures = 0;         ///< OCSP re-signing and CRL shard signatures within the run
  std::map<size_t, double> crl_link_bytes;  ///< by resource: the CRL bytes read and uploaded across it
};

/// Admission control's state as it moves forward on the grid (Analysis::apply_admission).
struct AdmissionState {
  /// A resource's cumulative work admitted through each grid point, and its served-work recursion.
  struct Track {
    const Resource* r = nullptr;
    CapacityTimeline cap{0.0};
    std::vector<double> cum_work;  ///< work admitted through each grid point
    double best = kInf;            ///< min over s of (A(s-) - S(s)), as in Analysis::served
    size_t j = 0;                  ///< interval where its served work currently falls
  };
  /// One group's refused requests (a class's, or the background's), asking again `steps` grid points later.
  struct Retries {
    std::vector<double> due;        ///< by grid point: requests asking again there
    std::vector<double> due_first;  ///< ... their first-request times summed (certificates x seconds)
    size_t steps = 1;               ///< the wait before asking again, in grid steps
  };
  std::vector<Track> tracks;      ///< every resource with work per certificate
  std::vector<double> cum_certs;  ///< certificates admitted through each grid point
  std::vector<Retries> classes;   ///< by client class
  Retries background;             ///< normal-day issuance
};

/// One group's requests admitted at a grid point: its retries, then its first requests.
struct AdmittedGroup {
  double retried = 0;   ///< retries due
  double in_retry = 0;  ///< ... admitted
  double in_fresh = 0;  ///< first requests admitted
  double first = 0;     ///< the admitted requests' first-request times summed (certificates x seconds)
};

/// A part of one grid interval's requests, replaced together: FIFO maps the interval's requests onto the
/// replaced curve, so one interval's requests are spread over the time they are served.
struct ServedPiece {
  size_t interval = 0;      ///< the requests' grid interval
  double replaced_s = 0;    ///< when this part is replaced (interpolated on the replaced curve)
  double certificates = 0;  ///< how many of the interval's requests
};

/// What the analysis of one scenario gives (the search for the latest decision reruns it).
struct Outcome {
  double completion = kInf;      ///< last replacement
  double revocation_end = kInf;  ///< last revocation
  double replaced_by_deadline = 0;
  double revoked_by_deadline = 0;
  double broken = 0;             ///< sites that break (models/broken_sites.hpp)
  double remaining_at_bulk = 0;  ///< not yet replaced when the bulk revocation began: what it revokes
  double replaced_at_bulk = 0;   ///< replaced (in FIFO order) when the bulk revocation began
  std::optional<double> bulk_start;
  bool met = false;
  std::vector<double> replaced;  ///< affected certificates replaced by each grid time
};

class Analysis;

/// The field a search's rerun varies.
enum class Differs { DECISION, WINDOW };
/// A rerun of the searches: `base` analyses the same scenario on the same grid but for the one field the
/// search varies (`differs`); what that field leaves alone is taken from it rather than built again.
struct Rerun {
  const Analysis* base = nullptr;
  Differs differs = Differs::DECISION;
};

/// The analysis of one scenario on a time grid: arrivals, resources, and the fluid answers from them.
class Analysis {
 public:
  /// What to build: everything, or only the arrivals (the recommended window's search varies only them).
  enum class Build { ALL, ARRIVALS };

  explicit Analysis(const Scenario& s, Build build = Build::ALL, Rerun rerun = {});

  /// The fluid answer: replaced curve, bulk revocation, completion, deadline (analytic.cpp).
  Outcome run() const;
  /// The whole answer, in the shape of a simulated Report (analytic_report.cpp).
  Report report(const AnalyticOptions& options);
  /// The busiest of these resources' peak utilisation, this analysis's request rate averaged over
  /// kPeakAveraging_s.
  Peak averaged_peak(const std::vector<Resource>& resources) const;
  /// The narrowest window meeting the target peak utilisation and the deadline (see recommend_window).
  RecommendedWindow recommend_window(double target) const;
  /// The latest decision time that still meets the deadline; none when even deciding at once misses it.
  std::optional<double> latest_decision(const Outcome& base) const;

 private:
  double t(size_t i) const { return static_cast<double>(i) * dt_; }
  size_t index_of(double time) const { return std::min(n_ - 1, grid_index(time, dt_)); }
  size_t index_at_or_before(double time) const { return std::min(n_ - 1, grid_index_at_or_before(time, dt_)); }

  // Arrivals (analytic_arrivals.cpp).
  /// The clients' requests on the grid, by class, with top-of-hour clustering; then summarise_arrivals.
  /// by_class: also d_class_ (the window's search needs only the totals).
  void build_arrivals(Rerun rerun, bool by_class);
  /// The grid point each interval's top-of-hour share moves to.
  std::vector<size_t> burst_points() const;
  /// A resource's work arriving in interval i (0 when it is not positive), `keep` of the revocations left.
  double work_at(const Resource& r, double keep, size_t i) const {
    const double work =
        d_affected_[i] * (r.per_affected - r.per_revocation * (1 - keep)) + d_background_[i] * r.per_background;
    return work > 0 ? work : 0.0;
  }
  /// The share of revocations a resource still sees once a bulk revocation removed `revocations_removed`.
  double kept_revocations(double revocations_removed) const {
    return affected_ > 0 ? std::max(0.0, 1.0 - revocations_removed / affected_) : 1.0;
  }
  /// Adds `requests` arriving in interval i to `into`: at i, less the top-of-hour share, which goes to `burst`.
  void spread(double requests, size_t i, size_t burst, std::vector<double>& into) const;
  /// asked_: each class's requests by each grid point.
  void build_requests(Rerun rerun);
  /// affected_, first_arrival_ and last_arrival_ from the arrivals on the grid.
  void summarise_arrivals();
  /// The mean first request of class k's requests admitted in interval i.
  double first_request(size_t k, size_t i) const;
  /// The mean first request of interval i's requests (all classes).
  double interval_first_request(size_t i) const;
  /// A resource's work arriving on the grid, less the revocations a bulk revocation removed from its journey.
  std::vector<WorkArrival> work_arrivals(const Resource& r, double revocations_removed) const;
  /// The same work at each grid point (0 where none arrives).
  std::vector<double> work_on_grid(const Resource& r, double revocations_removed) const;

  // Resources (analytic_resources.cpp).
  /// Every resource: the HSM pool, the DB writer, CT, links, API and VA, replica reads.
  void build_resources();
  /// down_ and link_down_ from the scenario's failures.
  void read_failures();
  /// The first writer and the replica promoted after its loss (which, and when).
  Writer find_writer() const;
  /// The DB writer's resource: the first writer's capacity, none from its loss, the promoted one's after.
  Resource writer_resource() const;
  /// Whether a link failure has cut this route by `time`.
  bool cut_at(const std::vector<RouteHop>& route, double time) const;
  /// Whether data center d's front end reaches the writer at `time` (the promoted one's from the loss on).
  bool reaches_writer(double time, size_t d) const;
  /// Every time a capacity may change (failures, the writer's loss where routes matter), sorted.
  std::vector<double> capacity_change_times() const;
  /// Data center d's live signing capacity at `time`: 0 when it is down or cut off from the writer.
  double hsm_capacity_at(double time, size_t d) const;
  /// The HSM pool's capacity over time and sessions; share_ and live_hsm_groups_ with it.
  Resource hsm_pool();
  /// Work per certificate on the HSM pool and the writer from the visits; hsm_mix_ and background signing.
  void add_certificate_work(Resource& hsm, Resource& db);
  /// The CT logs, pooled, when the scenario has any.
  void add_ct();
  /// Every link a flow crosses: issuance and revocation to the writer, replication, the CRL era's.
  void add_links();
  /// One API or VA station of data center d: `capacity` while it is up, less the `steady` load served first.
  void add_front_station(size_t d, ResourceKind kind, double capacity, double per_issuance, double steady);
  /// The API and VA stations of every data center that has them, and the validation latency.
  void add_front_stations();
  /// ARI polling's reads over the live replicas, when clients poll.
  void add_replica_reads();

  // Admission control (analytic_admission.cpp).
  /// Replaces the offered arrivals by the admitted ones, when the scenario has admission control.
  void apply_admission();
  /// Admission control's state at t = 0: nothing admitted, nothing due, each group's retry wait.
  AdmissionState admission_start() const;
  /// Certificates issued by grid point i, of the `admitted_before` admitted before it.
  double issued_by(size_t i, double admitted_before, AdmissionState& a) const;
  /// Admits a group's retries due at i, then `asked` first requests, each in the share given.
  AdmittedGroup admit_group(size_t i, AdmissionState::Retries& g, double asked, double take_retries, double take_fresh);
  /// Admits `take` of `requests` (first requests summed: `first_sum`) and sends the rest back `g.steps`
  /// later; adds the admitted ones' first requests to `admitted_first`; returns the admitted.
  double admit(size_t i, AdmissionState::Retries& g, double requests, double first_sum, double take,
               double& admitted_first);

  // The fluid answer (analytic.cpp).
  /// Cumulative work served by each grid time, of `arrived` at each grid point.
  std::vector<double> served(const std::vector<double>& arrived, const CapacityTimeline& cap) const;
  /// Whether the capacity exceeds the resource's busiest interval's demand at every moment.
  bool never_holds_back(const Resource& r, double revocations_removed, const CapacityTimeline& cap) const;
  /// Lowers `replaced` to the certificates (cum_aff: arrived by each grid time) whose `work` is `done`.
  void limit_by(const std::vector<double>& work, const std::vector<double>& done, const std::vector<double>& cum_aff,
                std::vector<double>& replaced) const;
  /// Affected certificates replaced by each grid time, through every resource in turn.
  std::vector<double> replaced_curve(const std::vector<CapacityTimeline>& caps, double revocations_removed) const;
  /// When the bulk revocation starts, by the simulator's rule, given the replaced curve; none if it never does.
  std::optional<double> bulk_revocation_start(const std::vector<double>& replaced) const;
  /// Gives the `remaining` revocations from `tb` on the HSMs and the writer their whole capacity in `caps`
  /// until done; returns when the last is done (s).
  double revoke_first(std::vector<CapacityTimeline>& caps, double tb, double remaining) const;
  /// The first time every affected certificate is replaced (s), interpolated; +inf if never.
  double completion_time(const std::vector<double>& replaced) const;
  /// Replaced and revoked by the deadline, and whether it is met, from the rest of `o`.
  void judge_deadline(Outcome& o) const;

  // The report (analytic_report.cpp).
  /// The Report's outcome figures: completion, deadline, replaced and revoked, bulk revocation.
  Report report_outcome(const Outcome& o) const;
  /// The run's end and what it did by then.
  RunTotals run_totals(const Outcome& o, const CrlOutcome& crl) const;
  /// Every resource's use, the bottleneck, signatures and commits, the sustainable rate.
  void report_resources(Report& r, const RunTotals& run, const AnalyticOptions& options) const;
  /// Resource k's work, utilisation and availability; `polled` of its work is ARI polling, `polled_active`
  /// of that after the decision.
  ResourceUse resource_use(size_t k, const RunTotals& run, double polled, double polled_active) const;
  /// Erlang C's mean wait (s) at the peak request rate, for resources with servers below saturation.
  std::optional<double> erlang_wait_s(const Resource& x, double peak_rate) const;
  /// The capacity x alone would need to meet the deadline, with the headroom (0: none would).
  double needed_capacity(const Resource& x, const FluidResource& fluid, double headroom) const;
  /// The incident transfers, each alone on its path.
  void report_transfers(Report& r) const;
  /// Time to replace, overall and by class, and admission control's refusals.
  void report_delays(Report& r, const Outcome& o) const;

  // CRL era (analytic_crl.cpp).
  /// Affected certificates revoked by a time.
  double revoked_by(const Outcome& o, double time) const;
  /// crl-updater's generations and when the revocations are published.
  CrlOutcome crl_outcome(const Outcome& o) const;

  // Delays (analytic_delays.cpp).
  /// Each class's share of the first `replaced` affected requests, in FIFO order.
  std::vector<double> class_replaced(double replaced) const;
  /// The requests replaced within the run, interval by interval, in pieces as the replaced curve serves them.
  std::vector<ServedPiece> served_pieces(const Outcome& o) const;
  /// Per client class: counts, replaced by the deadline, broken, last request and delays.
  std::vector<ClassOutcome> class_outcomes(const Outcome& o, const std::vector<ServedPiece>& pieces) const;
  /// Class k's delays over the served pieces: request to replacement, and decision to replacement.
  void class_delays(size_t k, const std::vector<ServedPiece>& pieces, Percentiles& to_replace,
                    Percentiles& after_decision) const;

  const Scenario& s_;
  Topology topo_;
  CostModel cost_;
  double dt_ = 60;
  size_t n_ = 0;
  std::vector<double> d_affected_;    ///< affected requests in (t[i-1], t[i]]
  std::vector<double> d_background_;  ///< normal-day issuance in the same intervals
  std::vector<ClientClass> classes_;
  std::vector<double> class_count_;           ///< affected certificates per class
  std::vector<std::vector<double>> asked_;    ///< by class: its requests by each grid point (cumulative)
  std::vector<size_t> burst_;                 ///< by interval: the grid point its top-of-hour share moves to
  std::vector<std::vector<double>> d_class_;  ///< by class: its share of d_affected_
  double affected_ = 0;
  double last_arrival_ = 0, first_arrival_ = kInf;
  std::vector<Resource> res_;
  int hsm_ = -1, db_ = -1;
  double hsm_mix_ = 1;  ///< reference-key signatures per signature of the key mix, over the routing shares
  std::vector<std::string> live_hsm_groups_;
  std::vector<double> link_down_;  ///< by link: when a link failure takes it down (+inf: never)
  FailureTimes down_;              ///< when data centers, HSMs and the writer fail
  Writer writer_;                  ///< the DB writer and its promotion
  /// By data center: its front end's route to the first writer and to the last (the promoted one).
  std::vector<std::vector<RouteHop>> to_first_writer_, to_last_writer_;
  std::vector<double> change_times_;            ///< when capacities may change, sorted (see capacity_change_times)
  std::vector<double> share_;                   ///< by data center: its share of the requests (live signing capacity)
  Visits affected_visits_, background_visits_;  ///< per affected certificate (issue + revoke), per normal issuance
  int crl_db_ = -1, crl_ca_ = -1, cloud_ = -1;  ///< CRL era: where crl-updater reads, runs, and uploads to
  std::map<int, size_t> link_res_;              ///< by link: its resource in res_
  double latency_s_ = 0;                        ///< validation latency every issuance waits (a delay, not a capacity)
  /// With admission control: by class and interval, the admitted requests' first-request times summed
  /// (certificates x seconds); empty without it (every request is admitted when it is made).
  std::vector<std::vector<double>> class_first_;
  std::vector<double> class_rejected_requests_, class_rejected_certificates_;
  double rejected_requests_ = 0, rejected_certificates_ = 0;
  double delayed_admitted_ = 0, admission_delay_total_s_ = 0;  ///< refused, then admitted within the horizon
};

}  // namespace surge::analytic_detail
