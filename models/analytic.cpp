#include "models/analytic.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "models/broken_sites.hpp"
#include "models/clients.hpp"
#include "models/ct.hpp"
#include "models/fluid.hpp"
#include "models/grid.hpp"
#include "models/topology.hpp"
#include "models/units.hpp"
#include "models/workload.hpp"

namespace surge {
namespace {

constexpr double kMaxGridPoints = 6000;  // the time grid: fine enough for 2% on a day, fast enough for 50 ms
constexpr double kMinGridStep_s = 30.0;
constexpr double kControllerInterval_s = 60.0;  // the simulator's revocation controller looks this often
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kVisitRoundOff = 1e-9;  // visits per request below this are the solver's round-off
// The recommended window holds every resource's request rate, averaged over this long, under the target:
// shorter spikes (the first poll of a narrow window, a top-of-hour burst) are absorbed by the queues.
constexpr double kPeakAveraging_s = 600.0;
constexpr double kCompletionTolerance = 1e-6;  // of the affected certificates: see Analysis::run
constexpr int kWindowSteps = 14;               // bisection on the window's end: to within a day / 16,384 (5.3 s)

/// A resource's peak utilisation (its request rate averaged over kPeakAveraging_s), for the recommended window.
struct Peak {
  double utilisation = 0;
  std::string resource;
};

/// One resource of the analysis: capacity over time and what each certificate asks of it.
struct Resource {
  std::string name, kind, unit;
  double capacity0 = 0;  // at t = 0
  CapacityTimeline timeline{0.0};
  double per_affected = 0;     // work per affected certificate (issue + revoke)
  double per_revocation = 0;   // ... of which the revocation
  double per_background = 0;   // work per normal-day issuance
  int servers = 0;             // sessions or connections (for Erlang C)
  double background_rate = 0;  // HSM: background signing served ahead of issuance, signatures/s (mean)
  // ARI polling: work/s arriving from t = 0 whatever the certificates do. It is served first (a steady
  // fluid), so `timeline` is what is left for issuance and `full` the resource's own capacity.
  double steady = 0;
  CapacityTimeline full{0.0};
  /// Capacity left for the certificates: background signing goes first, so its rate comes off.
  CapacityTimeline certificate_timeline() const { return timeline.left_after(background_rate); }
};

/// CRL era: what crl-updater's generations add up to, from the revoked curve.
struct CrlOutcome {
  double signatures = 0;      // shard signatures of the generations started within the run
  double bytes_uploaded = 0;  // ... their uploads
  double bytes_read = 0;      // ... their reads of revoked rows
  std::optional<double> published_s;
  double run_end_s = 0;  // when the simulator's run would end: all replaced, revoked and published, or the horizon
};

/// A part of one grid interval's requests, replaced together: FIFO maps the interval's requests onto the
/// replaced curve, so one interval's requests are spread over the time they are served.
struct ServedPiece {
  size_t interval = 0;      // the requests' grid interval
  double replaced_s = 0;    // when this part is replaced (interpolated on the replaced curve)
  double certificates = 0;  // how many of the interval's requests
};

/// What the analysis of one scenario gives (the search for the latest decision reruns it).
struct Outcome {
  double completion = kInf;      // last replacement
  double revocation_end = kInf;  // last revocation
  double replaced_by_deadline = 0;
  double revoked_by_deadline = 0;
  double broken = 0;             // sites that break (models/broken_sites.hpp)
  double remaining_at_bulk = 0;  // not yet replaced when the bulk revocation began: what it revokes
  double replaced_at_bulk = 0;   // replaced (in FIFO order) when the bulk revocation began
  std::optional<double> bulk_start;
  bool met = false;
  std::vector<double> replaced;  // affected certificates replaced by each grid time
};

class Analysis {
 public:
  /// What to build: everything, or only the arrivals (the recommended window's search varies only them).
  enum class Build { ALL, ARRIVALS };

  explicit Analysis(const Scenario& s, Build build = Build::ALL) : s_(s), topo_(s), cost_(cost_model(s)) {
    const double horizon = s.incident.horizon_s;
    dt_ = std::max(kMinGridStep_s, horizon / kMaxGridPoints);
    n_ = grid_index(horizon, dt_) + 1;
    build_arrivals();
    if (build == Build::ALL) {
      build_resources();
      apply_admission();
    }
  }

  Outcome run() const;
  Report report(const AnalyticOptions& options);
  /// The busiest of these resources' peak utilisation, this analysis's request rate averaged over
  /// kPeakAveraging_s.
  Peak averaged_peak(const std::vector<Resource>& resources) const;
  /// The narrowest window meeting the target peak utilisation and the deadline (see recommend_window).
  RecommendedWindow recommend_window(double target) const;

 private:
  double t(size_t i) const { return static_cast<double>(i) * dt_; }
  size_t index_of(double time) const { return std::min(n_ - 1, grid_index(time, dt_)); }
  size_t index_at_or_before(double time) const { return std::min(n_ - 1, grid_index_at_or_before(time, dt_)); }
  void build_arrivals();
  void summarise_arrivals();
  void build_resources();
  void apply_admission();
  double first_request(size_t k, size_t i) const;
  std::vector<WorkArrival> work_arrivals(const Resource& r, double revocations_removed) const;
  CrlOutcome crl_outcome(const Outcome& o) const;
  double revoked_by(const Outcome& o, double time) const;
  std::vector<double> served(const std::vector<WorkArrival>& work, const CapacityTimeline& cap) const;
  std::vector<double> replaced_curve(const std::vector<CapacityTimeline>& caps, double revocations_removed) const;
  std::vector<double> class_replaced(double replaced) const;
  /// The requests replaced within the run, interval by interval, in pieces as the replaced curve serves them.
  std::vector<ServedPiece> served_pieces(const Outcome& o) const;
  /// The mean first request of interval i's requests (all classes).
  double interval_first_request(size_t i) const;
  std::vector<ClassOutcome> class_outcomes(const Outcome& o, const std::vector<ServedPiece>& pieces) const;

  const Scenario& s_;
  Topology topo_;
  CostModel cost_;
  double dt_ = 60;
  size_t n_ = 0;
  std::vector<double> d_affected_;    // affected requests in (t[i-1], t[i]]
  std::vector<double> d_background_;  // normal-day issuance in the same intervals
  std::vector<ClientClass> classes_;
  std::vector<double> class_count_;           // affected certificates per class
  std::vector<std::vector<double>> d_class_;  // by class: its share of d_affected_
  double affected_ = 0;
  double last_arrival_ = 0, first_arrival_ = kInf;
  std::vector<Resource> res_;
  int hsm_ = -1, db_ = -1;
  double hsm_mix_ = 1;  // reference-key signatures per signature of the key mix, over the routing shares
  std::vector<std::string> live_hsm_groups_;
  std::vector<double> link_down_;               // by link: when a link failure takes it down (+inf: never)
  int crl_db_ = -1, crl_ca_ = -1, cloud_ = -1;  // CRL era: where crl-updater reads, runs, and uploads to
  std::map<int, size_t> link_res_;              // by link: its resource in res_
  double latency_s_ = 0;                        // validation latency every issuance waits (a delay, not a capacity)
  // With admission control: by class and interval, the admitted requests' first-request times summed
  // (certificates x seconds); empty without it (every request is admitted when it is made).
  std::vector<std::vector<double>> class_first_;
  std::vector<double> class_rejected_requests_, class_rejected_certificates_;
  double rejected_requests_ = 0, rejected_certificates_ = 0;
  double delayed_admitted_ = 0, admission_delay_total_s_ = 0;  // refused, then admitted within the horizon
};

void Analysis::build_arrivals() {
  const Scenario& s = s_;
  classes_ = client_classes(s);
  class_count_ = class_certificates(s, classes_);
  d_class_.assign(classes_.size(), std::vector<double>(n_, 0.0));
  d_affected_.assign(n_, 0.0);
  d_background_.assign(n_, 0.0);
  std::vector<double> moved(n_, 0.0);
  const Clients& c = s.clients;
  const double offset = c.burst_shape == BurstShape::UNIFORM ? c.burst_width_s / 2 : c.burst_width_s / 3;
  std::vector<double> prev(classes_.size(), 0.0);  // each class's requests by the previous grid point
  for (size_t i = 1; i < n_; ++i) {
    // Top-of-hour clustering: a share of each interval's requests moves to the next hour's burst.
    const size_t burst = index_of(static_cast<double>(grid_index(t(i), kSecondsPerHour)) * kSecondsPerHour + offset);
    double da = 0;  // the sum over classes of share x CDF, as increments
    for (size_t k = 0; k < classes_.size(); ++k) {
      const double asked = class_count_[k] * class_arrival_cdf(s, classes_[k], t(i));
      const double dk = asked - prev[k];
      prev[k] = asked;
      da += dk;
      d_class_[k][i] += dk * (1 - c.burst_share);
      d_class_[k][burst] += dk * c.burst_share;
    }
    const double bg = c.background_issuance_per_s * dt_;
    d_affected_[i] += da * (1 - c.burst_share);
    d_affected_[burst] += da * c.burst_share;
    d_background_[i] += bg * (1 - c.burst_share);
    d_background_[burst] += bg * c.burst_share;
  }
  summarise_arrivals();
}

void Analysis::summarise_arrivals() {
  const Scenario& s = s_;
  affected_ = 0;
  last_arrival_ = 0;
  first_arrival_ = kInf;
  for (size_t i = 0; i < n_; ++i) {
    affected_ += d_affected_[i];
    if (d_affected_[i] > 1e-9 * std::max(1.0, s.workload.certificates)) {
      last_arrival_ = t(i);
      first_arrival_ = std::min(first_arrival_, t(i));
    }
  }
}

void Analysis::build_resources() {
  const Scenario& s = s_;
  const size_t dcs = s.data_centers.size();
  // Which data centers are up after every failure, and when capacities change.
  std::vector<double> dc_down(dcs, kInf);
  std::map<std::string, double> hsm_down;
  const std::vector<LinkProps> props = topo_.links();
  link_down_.assign(props.size(), kInf);
  double writer_lost = kInf;
  for (const Failure& f : s.failures) {
    switch (f.kind) {
      case FailureKind::DATA_CENTER: {
        const int d = s.data_center_index(f.target);
        dc_down[static_cast<size_t>(d)] = std::min(dc_down[static_cast<size_t>(d)], f.at_s);
        if (s.data_centers[static_cast<size_t>(d)].db_writer) writer_lost = std::min(writer_lost, f.at_s);
        break;
      }
      case FailureKind::HSM:
        hsm_down[f.target] = std::min(hsm_down.count(f.target) ? hsm_down[f.target] : kInf, f.at_s);
        break;
      case FailureKind::DB_WRITER:
        writer_lost = std::min(writer_lost, f.at_s);
        break;
      case FailureKind::CT_LOG:
      case FailureKind::CT_OPERATOR:
        break;  // the CT resource's own timeline (ct_certificate_timeline)
      case FailureKind::LINK:
        if (const int l = topo_.find_link(f.target); l >= 0)  // the parser names only links of the topology
          link_down_[static_cast<size_t>(l)] = std::min(link_down_[static_cast<size_t>(l)], f.at_s);
        break;
    }
  }

  // The writer: lost, then a replica promoted after the delay (another live data center first).
  const int wdc = s.writer_data_center();
  const int first_writer = topo_.find(host_name(s.data_centers[static_cast<size_t>(wdc)].name, "db-writer"));
  int writer = first_writer;
  Resource db;
  db.name = "db-writer";
  db.kind = "db";
  db.unit = "commits/s";
  db.capacity0 = s.data_centers[static_cast<size_t>(wdc)].db.commits_per_s;
  db.servers = s.data_centers[static_cast<size_t>(wdc)].db.connections;
  db.timeline = CapacityTimeline(db.capacity0);
  if (std::isfinite(writer_lost)) {
    db.timeline.set(writer_lost, 0);
    int next = -1;
    for (int pass = 0; pass < 2 && next < 0; ++pass)
      for (size_t d = 0; d < dcs && next < 0; ++d)
        if (dc_down[d] > writer_lost + s.incident.db_promotion_delay_s && ((static_cast<int>(d) == wdc) == (pass == 1)))
          for (int r : topo_.replicas(static_cast<int>(d)))
            if (next < 0) next = r;
    if (next >= 0) {
      writer = next;
      db.timeline.set(writer_lost + s.incident.db_promotion_delay_s,
                      s.data_centers[static_cast<size_t>(topo_.node(next).dc)].db.commits_per_s);
    }
  }

  // A data center issues only while its front end has a route to the writer that no link failure has cut
  // (the simulator's router; routes are static, so a cut link is not routed around). From the writer's
  // loss on, the route that counts is the one to the replica being promoted.
  auto cut_at = [&](const std::vector<RouteHop>& route, double time) {
    for (const RouteHop& hop : route)
      if (link_down_[static_cast<size_t>(hop.link)] <= time) return true;
    return false;
  };
  std::vector<std::vector<RouteHop>> to_first(dcs), to_final(dcs);  // each front end's route to the writer
  for (size_t d = 0; d < dcs; ++d) {
    const int fe = topo_.find(host_name(s.data_centers[d].name, "frontend"));
    to_first[d] = topo_.route(fe, first_writer);
    to_final[d] = topo_.route(fe, writer);
  }
  auto reaches_writer = [&](double time, size_t d) {
    return !cut_at(time >= writer_lost ? to_final[d] : to_first[d], time);
  };

  // The HSM pool: every live member of every live data center that reaches the writer.
  std::vector<double> change_times{0.0};
  for (double d : dc_down) change_times.push_back(d);
  for (const auto& [name, at] : hsm_down) change_times.push_back(at);
  for (double at : link_down_) change_times.push_back(at);
  // Losing the writer changes which route counts, which matters only where a link failure cut one.
  if (std::any_of(link_down_.begin(), link_down_.end(), [](double at) { return std::isfinite(at); }))
    change_times.push_back(writer_lost);
  std::sort(change_times.begin(), change_times.end());
  auto hsm_capacity_at = [&](double time, size_t d) {
    const DataCenter& dc = s.data_centers[d];
    if (dc_down[d] <= time || !reaches_writer(time, d)) return 0.0;
    double cap = 0;
    for (int m = 1; m <= dc.hsm_count; ++m) {
      auto it = hsm_down.find(host_name(dc.name, "hsm-" + std::to_string(m)));
      if (it == hsm_down.end() || it->second > time) cap += dc.hsm.signatures_per_s;
    }
    return cap;
  };
  Resource hsm;
  hsm.kind = "hsm";
  hsm.unit = hsm_capacity_unit(s);
  for (double time : change_times) {
    if (!std::isfinite(time)) continue;
    double cap = 0;
    for (size_t d = 0; d < dcs; ++d) cap += hsm_capacity_at(time, d);
    hsm.timeline.set(time, cap);
  }
  // Routing between data centers: by live signing capacity after the failures (the simulator's router).
  std::vector<double> share(dcs, 0.0);
  double total = 0;
  for (size_t d = 0; d < dcs; ++d) total += share[d] = hsm_capacity_at(s.incident.horizon_s, d);
  for (size_t d = 0; d < dcs; ++d) {
    share[d] = total > 0 ? share[d] / total : 0;
    if (share[d] > 0) live_hsm_groups_.push_back("hsm:" + s.data_centers[d].name);
  }
  for (const std::string& g : live_hsm_groups_) hsm.name += (hsm.name.empty() ? "" : "+") + g;
  if (hsm.name.empty()) hsm.name = "hsm";
  hsm.capacity0 = hsm.timeline.at(0);
  for (size_t d = 0; d < dcs; ++d)
    if (dc_down[d] > s.incident.horizon_s && reaches_writer(s.incident.horizon_s, d))
      hsm.servers += s.data_centers[d].hsm_count * s.data_centers[d].hsm.sessions;

  // Traffic equations over the journey's steps (per data center d): issue NET(d) -> DB(d) -> HSM(d);
  // revoke HSM(d) -> NET'(d) -> DB'(d). Visits v solve (I - P^T) v = e, e the entry shares.
  const int steps = 6;
  const int nodes = steps * static_cast<int>(dcs);
  auto node = [&](size_t d, int step) { return static_cast<int>(d) * steps + step; };
  auto solve = [&](bool revoke) {
    Eigen::MatrixXd P = Eigen::MatrixXd::Zero(nodes, nodes);
    Eigen::VectorXd e = Eigen::VectorXd::Zero(nodes);
    for (size_t d = 0; d < dcs; ++d) {
      e(node(d, 0)) = share[d];
      P(node(d, 0), node(d, 1)) = 1;
      P(node(d, 1), node(d, 2)) = 1;
      if (revoke) {
        const int after_sign = cost_.revocation.signatures > 0 ? 3 : 4;
        P(node(d, 2), node(d, after_sign)) = 1;
        P(node(d, 3), node(d, 4)) = 1;
        P(node(d, 4), node(d, 5)) = 1;
      }
    }
    const Eigen::MatrixXd A = Eigen::MatrixXd::Identity(nodes, nodes) - P.transpose();
    // The QR solve leaves round-off (~1e-12) where a visit is 0, e.g. the steps of a data center with no
    // share: on a resource whose capacity is 0 that residue would block every replacement.
    Eigen::VectorXd v = A.colPivHouseholderQr().solve(e);
    for (Eigen::Index i = 0; i < v.size(); ++i)
      if (std::abs(v(i)) < kVisitRoundOff) v(i) = 0;
    return v;
  };
  const Eigen::VectorXd v_aff = solve(true), v_bg = solve(false);

  const OperationCost& iss = cost_.issuance;
  const OperationCost& rev = cost_.revocation;
  // The HSM pool works in reference-key signatures: a signature of the key mix costs mix_d of them at
  // data center d (1 with one key type); hsm_mix_ is its mean over the routing shares.
  double mix_weight = 0, mix_sum = 0;
  for (size_t d = 0; d < dcs; ++d) {
    const double mix = mixed_signature_cost(s, s.data_centers[d].hsm);
    mix_sum += share[d] * mix;
    mix_weight += share[d];
    hsm.per_affected += (v_aff(node(d, 2)) * iss.signatures + v_aff(node(d, 3)) * rev.signatures) * mix;
    hsm.per_revocation += v_aff(node(d, 3)) * rev.signatures * mix;
    hsm.per_background += v_bg(node(d, 2)) * iss.signatures * mix;
    db.per_affected += v_aff(node(d, 1)) * iss.commits + v_aff(node(d, 5)) * rev.commits;
    db.per_revocation += v_aff(node(d, 5)) * rev.commits;
    db.per_background += v_bg(node(d, 1)) * iss.commits;
  }
  if (mix_weight > 0) hsm_mix_ = mix_sum / mix_weight;
  // Background signing (the simulator's ocsp-updater and crl-updater) is served ahead of issuance: OCSP
  // re-signing's steady rate and the CRL shards' mean rate (issuers x shards per period) come off the
  // capacity the certificates get.
  hsm.background_rate = background_signatures_per_s(s) * hsm_mix_;  // in reference-key signatures
  hsm_ = static_cast<int>(res_.size());
  res_.push_back(hsm);
  db_ = static_cast<int>(res_.size());
  res_.push_back(db);

  // CT logs, pooled: submissions/s = SCTs per precertificate x the precertificates/s the operators that
  // are up can serve (ct_certificate_rate), stepping as logs go down and come back. Every issuance
  // (affected or background) visits it once, between its HSM signatures; revocations never do.
  if (!s.ct.logs.empty()) {
    Resource ct;
    ct.kind = "ct";
    ct.unit = "submissions/s";
    const double sub_per_cert = s.ct.scts_required;
    ct.timeline = ct_certificate_timeline(s).scaled(sub_per_cert);
    ct.capacity0 = ct.timeline.at(0);
    for (size_t i = 0; i < s.ct.logs.size(); ++i)
      if (!ct_log_down(s, static_cast<int>(i), s.incident.horizon_s))
        ct.name += (ct.name.empty() ? "ct:" : "+ct:") + s.ct.logs[i].name;
    if (ct.name.empty()) ct.name = "ct";
    for (size_t d = 0; d < dcs; ++d) {
      ct.per_affected += v_aff(node(d, 2)) * sub_per_cert;
      ct.per_background += v_bg(node(d, 2)) * sub_per_cert;
    }
    res_.push_back(ct);
  }

  // Links: the flows from each front end to the writer, and the binlog to every live replica.
  std::map<int, Resource> links;
  auto add_bytes = [&](int from, int to, double affected, double revocation, double background) {
    for (const RouteHop& hop : topo_.route(from, to)) {
      Resource& l = links[hop.link];
      l.per_affected += affected;
      l.per_revocation += revocation;
      l.per_background += background;
    }
  };
  for (size_t d = 0; d < dcs; ++d) {
    const int fe = topo_.find(host_name(s.data_centers[d].name, "frontend"));
    add_bytes(fe, writer,
              v_aff(node(d, 0)) * (iss.rpc_bytes + iss.db_bytes) + v_aff(node(d, 4)) * (rev.rpc_bytes + rev.db_bytes),
              v_aff(node(d, 4)) * (rev.rpc_bytes + rev.db_bytes), v_bg(node(d, 0)) * (iss.rpc_bytes + iss.db_bytes));
  }
  for (size_t d = 0; d < dcs; ++d)
    if (dc_down[d] > s.incident.horizon_s)
      for (int r : topo_.replicas(static_cast<int>(d)))
        if (r != writer && !cut_at(topo_.route(writer, r), s.incident.horizon_s))  // a cut link stops replication
          add_bytes(writer, r, iss.db_bytes + rev.db_bytes, rev.db_bytes, iss.db_bytes);
  // CRL era: crl-updater in the (final) writer's data center reads from a replica there (else the writer)
  // and uploads to the cloud; those links are resources, with no work per certificate.
  if (crl_generation(s)) {
    const int wd = topo_.node(writer).dc;
    crl_db_ = writer;
    for (int r : topo_.replicas(wd))
      if (r != writer && crl_db_ == writer) crl_db_ = r;
    crl_ca_ = topo_.find(host_name(s.data_centers[static_cast<size_t>(wd)].name, "ca"));
    cloud_ = topo_.find("cloud");
    add_bytes(crl_db_, crl_ca_, 0, 0, 0);
    if (cloud_ >= 0) add_bytes(crl_ca_, cloud_, 0, 0, 0);
  }
  for (auto& [index, l] : links) {
    const LinkProps& p = props[static_cast<size_t>(index)];
    l.name = "link:" + p.name;
    l.kind = "link";
    l.unit = "bytes/s";
    l.capacity0 = p.bandwidth_Bps;
    l.timeline = CapacityTimeline(p.bandwidth_Bps);
    if (p.dc >= 0 && std::isfinite(dc_down[static_cast<size_t>(p.dc)]))
      l.timeline.set(dc_down[static_cast<size_t>(p.dc)], 0);
    if (std::isfinite(link_down_[static_cast<size_t>(index)]))
      l.timeline.set(link_down_[static_cast<size_t>(index)], 0);
    // Both directions share the per-certificate figure: a flow's bytes cross a link one way, so the
    // busier direction is at most this; the analysis keeps the sum (conservative).
    link_res_[index] = res_.size();
    res_.push_back(l);
  }

  // The API and the VA of each data center that has them: capacity while it is up, and the issuance's
  // requests (validations) in its routing share; the API also answers the data center's share of the ARI
  // polls, from t = 0.
  const double polls = s.clients.ari_poll_rate_per_s();
  auto front_station = [&](size_t d, const std::string& kind, const std::string& unit, double capacity,
                           double per_issuance, double steady) {
    Resource x;
    x.name = kind + ":" + s.data_centers[d].name;
    x.kind = kind;
    x.unit = unit;
    x.capacity0 = capacity;
    x.full = CapacityTimeline(capacity);
    if (std::isfinite(dc_down[d])) x.full.set(dc_down[d], 0);
    x.steady = steady;
    x.timeline = x.full.left_after(steady);
    x.per_affected = v_aff(node(d, 0)) * per_issuance;
    x.per_background = v_bg(node(d, 0)) * per_issuance;
    res_.push_back(x);
  };
  for (size_t d = 0; d < dcs; ++d)
    if (s.data_centers[d].api_requests_per_s > 0)
      front_station(d, "api", "requests/s", s.data_centers[d].api_requests_per_s, iss.api_requests, polls * share[d]);
  if (s.validation.enabled)
    for (size_t d = 0; d < dcs; ++d)
      front_station(d, "va", "validations/s", s.validation.validations_per_s, iss.validations, 0);
  if (s.validation.enabled && iss.validations > 0) latency_s_ = s.validation.latency_s();

  // ARI polling's reads, spread over the live replicas of the data centers up (the writer's when none is).
  if (polls > 0) {
    Resource reads;
    reads.name = "db-replica-reads";
    reads.kind = "reads";
    reads.unit = "reads/s";
    auto capacity_at = [&](double time) {
      double cap = 0;
      for (size_t d = 0; d < dcs; ++d)
        if (dc_down[d] > time) cap += s.data_centers[d].db_replicas * s.data_centers[d].db.reads_per_s;
      if (cap <= 0 && writer_lost > time) cap = s.data_centers[static_cast<size_t>(wdc)].db.reads_per_s;
      return cap;
    };
    for (double time : change_times)
      if (std::isfinite(time)) reads.full.set(time, capacity_at(time));
    reads.capacity0 = reads.full.at(0);
    reads.steady = polls;
    reads.timeline = reads.full.left_after(polls);
    res_.push_back(reads);
  }
}

// Admission control on the grid, forward in time: at t_i the certificates admitted and not yet issued
// are those admitted before t_i less those every resource has served by t_i (FIFO, as replaced_curve maps
// work back to requests); retries due at t_i are admitted first, then new requests, each group pro rata
// across classes, up to the bound; the refused ask again one Retry-After later (cron: one period later),
// on the grid, unless that is at or after the horizon. The admitted requests then replace the offered
// ones as the arrivals of everything that follows.
void Analysis::apply_admission() {
  const Admission& adm = s_.admission;
  if (!adm.enabled()) return;
  const size_t classes = classes_.size();
  auto steps_after = [&](double wait_s) { return std::max<size_t>(1, grid_index(wait_s, dt_)); };
  std::vector<size_t> retry_steps(classes);
  for (size_t k = 0; k < classes; ++k)
    retry_steps[k] = steps_after(classes_[k].kind == ClientKind::CRON ? classes_[k].period_s() : adm.retry_after_s);
  const size_t bg_retry_steps = steps_after(adm.retry_after_s);

  // Each resource's cumulative work admitted through each grid point, and its served-work recursion.
  struct Track {
    const Resource* r;
    CapacityTimeline cap;
    std::vector<double> cum_work;
    double best = kInf;  // min over s of (A(s-) - S(s)), as in served()
    size_t j = 0;        // interval where its served work currently falls
  };
  std::vector<Track> tracks;
  for (const Resource& r : res_)
    if (r.per_affected > 0 || r.per_background > 0)
      tracks.push_back(Track{&r, r.timeline, std::vector<double>(n_, 0.0)});
  std::vector<double> cum_certs(n_, 0.0);

  std::vector<std::vector<double>> pending(classes, std::vector<double>(n_, 0.0));  // retries due
  std::vector<std::vector<double>> pending_first(classes, std::vector<double>(n_, 0.0));
  std::vector<double> pending_bg(n_, 0.0), pending_bg_first(n_, 0.0);
  class_first_.assign(classes, std::vector<double>(n_, 0.0));
  class_rejected_requests_.assign(classes, 0.0);
  class_rejected_certificates_.assign(classes, 0.0);

  for (size_t i = 0; i < n_; ++i) {
    const double admitted_before = i > 0 ? cum_certs[i - 1] : 0;
    double issued = admitted_before;
    for (Track& tr : tracks) {
      const double S = tr.cap.cumulative(t(i));
      const double arrived = i > 0 ? tr.cum_work[i - 1] : 0;
      tr.best = std::min(tr.best, arrived - S);
      const double served = tr.best + S;  // work arriving at t_i is served from t_(i+1) on
      while (tr.j + 1 < i && tr.cum_work[tr.j] < served * (1 - 1e-12)) ++tr.j;
      if (i == 0) continue;
      const double before = tr.j > 0 ? tr.cum_work[tr.j - 1] : 0;
      const double span = tr.cum_work[tr.j] - before;
      const double frac = span > 0 ? std::clamp((served - before) / span, 0.0, 1.0) : 1.0;
      const double certs_before = tr.j > 0 ? cum_certs[tr.j - 1] : 0;
      issued = std::min(issued, certs_before + frac * (cum_certs[tr.j] - certs_before));
    }
    double room = std::max(0.0, adm.queue_certificates - (admitted_before - issued));

    // Retries first, then first requests; each group pro rata over the classes and the background.
    double retries = pending_bg[i], fresh = d_background_[i];
    for (size_t k = 0; k < classes; ++k) {
      retries += pending[k][i];
      fresh += d_class_[k][i];
    }
    const double take_retries = retries > 0 ? std::min(1.0, room / retries) : 1.0;
    room -= take_retries * retries;
    const double take_fresh = fresh > 0 ? std::min(1.0, std::max(0.0, room) / fresh) : 1.0;

    // Admits a share of one group's requests and sends the rest back `steps` later; returns the admitted.
    auto admit = [&](double requests, double first_sum, double take, size_t steps, std::vector<double>& due,
                     std::vector<double>& due_first, double& admitted_first) {
      const double in = take * requests, out = requests - in;
      admitted_first += take * first_sum;
      if (out > 0) {
        rejected_requests_ += out;
        if (i + steps < n_) {
          due[i + steps] += out;
          due_first[i + steps] += (1 - take) * first_sum;
        }
      }
      return in;
    };
    double admitted_affected = 0, admitted_bg = 0;
    for (size_t k = 0; k < classes; ++k) {
      double first = 0;
      const double retried = pending[k][i], asked = d_class_[k][i];
      const double in_retry =
          admit(retried, pending_first[k][i], take_retries, retry_steps[k], pending[k], pending_first[k], first);
      admission_delay_total_s_ += in_retry * t(i) - first;
      delayed_admitted_ += in_retry;
      const double in_fresh =
          admit(asked, asked * t(i), take_fresh, retry_steps[k], pending[k], pending_first[k], first);
      class_rejected_requests_[k] += (retried - in_retry) + (asked - in_fresh);
      class_rejected_certificates_[k] += asked - in_fresh;
      rejected_certificates_ += asked - in_fresh;
      d_class_[k][i] = in_retry + in_fresh;
      class_first_[k][i] = first;
      admitted_affected += d_class_[k][i];
    }
    {
      double first = 0;
      const double retried = pending_bg[i], asked = d_background_[i];
      const double in_retry =
          admit(retried, pending_bg_first[i], take_retries, bg_retry_steps, pending_bg, pending_bg_first, first);
      admission_delay_total_s_ += in_retry * t(i) - first;
      delayed_admitted_ += in_retry;
      const double in_fresh =
          admit(asked, asked * t(i), take_fresh, bg_retry_steps, pending_bg, pending_bg_first, first);
      rejected_certificates_ += asked - in_fresh;
      d_background_[i] = admitted_bg = in_retry + in_fresh;
    }
    d_affected_[i] = admitted_affected;
    cum_certs[i] = admitted_before + admitted_affected + admitted_bg;
    for (Track& tr : tracks)
      tr.cum_work[i] = (i > 0 ? tr.cum_work[i - 1] : 0) + admitted_affected * tr.r->per_affected +
                       admitted_bg * tr.r->per_background;
  }
  summarise_arrivals();
}

// The mean first request of class k's requests admitted in interval i (its time without admission control).
double Analysis::first_request(size_t k, size_t i) const {
  if (class_first_.empty() || d_class_[k][i] <= 0) return t(i);
  return class_first_[k][i] / d_class_[k][i];
}

std::vector<WorkArrival> Analysis::work_arrivals(const Resource& r, double revocations_removed) const {
  std::vector<WorkArrival> w;
  w.reserve(n_);
  const double keep = affected_ > 0 ? std::max(0.0, 1.0 - revocations_removed / affected_) : 1.0;
  for (size_t i = 0; i < n_; ++i) {
    const double work =
        d_affected_[i] * (r.per_affected - r.per_revocation * (1 - keep)) + d_background_[i] * r.per_background;
    if (work > 0) w.push_back(WorkArrival{t(i), work});
  }
  return w;
}

// Cumulative work served by each grid time: D(t) = min over s <= t of (A(s-) + S(t) - S(s)).
std::vector<double> Analysis::served(const std::vector<WorkArrival>& work, const CapacityTimeline& cap) const {
  std::vector<double> arrived(n_, 0.0);
  for (const WorkArrival& a : work) arrived[index_of(a.t)] += a.work;
  std::vector<double> out(n_, 0.0);
  double cum = 0, best = kInf;  // best = min over s of (A(s-) - S(s))
  for (size_t i = 0; i < n_; ++i) {
    const double S = cap.cumulative(t(i));
    best = std::min(best, cum - S);
    cum += arrived[i];
    out[i] = std::min(cum, best + S);
  }
  return out;
}

// Affected certificates replaced by each grid time: FIFO through every resource in turn, the slowest
// one at each time decides (tandem fluid approximation).
std::vector<double> Analysis::replaced_curve(const std::vector<CapacityTimeline>& caps,
                                             double revocations_removed) const {
  std::vector<double> cum_aff(n_, 0.0);
  double acc = 0;
  for (size_t i = 0; i < n_; ++i) cum_aff[i] = acc += d_affected_[i];
  std::vector<double> replaced(cum_aff);
  for (size_t r = 0; r < res_.size(); ++r) {
    if (res_[r].per_affected <= 0) continue;
    const std::vector<WorkArrival> w = work_arrivals(res_[r], revocations_removed);
    // A resource whose capacity exceeds its busiest interval's demand at every moment never holds work
    // back: skip it (most links; this keeps the decision search within the 50 ms budget).
    double peak = 0, lowest = kInf;
    for (const WorkArrival& a : w) peak = std::max(peak, a.work / dt_);
    for (const auto& [at, cap] : caps[r].steps())
      if (at <= s_.incident.horizon_s) lowest = std::min(lowest, cap);
    if (peak < lowest) continue;
    const std::vector<double> done = served(w, caps[r]);
    // Work arrived by each grid time, to map work served back to the arrival time it belongs to.
    std::vector<double> cum_work(n_, 0.0);
    double c = 0;
    size_t k = 0;
    for (size_t i = 0; i < n_; ++i) {
      while (k < w.size() && w[k].t <= t(i) + 1e-9) c += w[k++].work;
      cum_work[i] = c;
    }
    size_t j = 0;
    for (size_t i = 0; i < n_; ++i) {
      while (j + 1 < n_ && cum_work[j] < done[i] * (1 - 1e-12)) ++j;
      // Partially through interval j: interpolate the certificates.
      const double before = j > 0 ? cum_work[j - 1] : 0;
      const double span = cum_work[j] - before;
      const double frac = span > 0 ? std::clamp((done[i] - before) / span, 0.0, 1.0) : 1.0;
      const double certs = (j > 0 ? cum_aff[j - 1] : 0) + frac * (cum_aff[j] - (j > 0 ? cum_aff[j - 1] : 0));
      replaced[i] = std::min(replaced[i], certs);
    }
  }
  // The validation latency: a constant delay in a tandem of fluid servers delays the output by as much
  // wherever it sits, so the curve shifts right.
  if (latency_s_ > 0) {
    std::vector<double> shifted(n_, 0.0);
    for (size_t i = 0; i < n_; ++i) {
      const double at = (t(i) - latency_s_) / dt_;
      if (at < 0) continue;
      const size_t lo = static_cast<size_t>(std::floor(at));
      const double frac = at - static_cast<double>(lo);
      shifted[i] = lo + 1 < n_ ? replaced[lo] + frac * (replaced[lo + 1] - replaced[lo]) : replaced[n_ - 1];
    }
    replaced = shifted;
  }
  return replaced;
}

// Each class's share of the first `replaced` affected requests, in FIFO order over the grid (within an
// interval, the classes in proportion to their requests there).
std::vector<double> Analysis::class_replaced(double replaced) const {
  std::vector<double> out(classes_.size(), 0.0);
  double before = 0;
  for (size_t i = 0; i < n_ && before < replaced; ++i) {
    if (d_affected_[i] <= 0) continue;
    const double frac = std::clamp((replaced - before) / d_affected_[i], 0.0, 1.0);
    for (size_t k = 0; k < classes_.size(); ++k) out[k] += frac * d_class_[k][i];
    before += d_affected_[i];
  }
  return out;
}

// Per client class, from the fluid model: FIFO over the grid, so a class's share of any count of
// replaced requests is its share of the earliest requests; its delays are its intervals' delays.
std::vector<ClassOutcome> Analysis::class_outcomes(const Outcome& o, const std::vector<ServedPiece>& pieces) const {
  const double tolerance = 1e-9 * std::max(1.0, s_.workload.certificates);
  const size_t dl = index_at_or_before(s_.incident.deadline_s);
  const std::vector<double> by_deadline = class_replaced(o.replaced[dl]);
  // The sites that break are the last certificates in request order (bulk revocation goes from the last).
  const std::vector<double> kept = class_replaced(s_.workload.certificates - o.broken);
  std::vector<ClassOutcome> out;
  for (size_t k = 0; k < classes_.size(); ++k) {
    ClassOutcome c;
    c.name = classes_[k].name;
    c.kind = client_kind_name(classes_[k].kind);
    c.share = classes_[k].share;
    c.certificates = class_count_[k];
    c.replaced_by_deadline = std::min(class_count_[k], by_deadline[k]);
    if (o.bulk_start) c.revoked_before_replaced = std::max(0.0, class_count_[k] - kept[k]);
    double on_grid = 0;
    for (size_t i = 0; i < n_; ++i) {
      on_grid += d_class_[k][i];
      if (d_class_[k][i] > tolerance) c.last_request_s = t(i);
    }
    if (class_count_[k] - on_grid > tolerance) c.last_request_s.reset();  // some ask after the horizon
    std::vector<std::pair<double, double>> delays, after;  // (request to, decision to replacement; weight)
    double total = 0;
    for (const ServedPiece& p : pieces) {
      const size_t i = p.interval;
      if (d_class_[k][i] <= 0) continue;
      const double weight = p.certificates / d_affected_[i] * d_class_[k][i];  // the class's share of the piece
      delays.push_back({std::max(0.0, p.replaced_s - first_request(k, i)), weight});
      after.push_back({p.replaced_s - s_.incident.decision_delay_s, weight});
      total += weight;
    }
    auto pct = [&](std::vector<std::pair<double, double>>& v, double q) {
      std::sort(v.begin(), v.end());
      double acc = 0;
      for (const auto& d : v)
        if ((acc += d.second) >= q * total) return d.first;
      return v.empty() ? 0.0 : v.back().first;
    };
    c.time_to_replace_s.p50 = pct(delays, 0.5);
    c.time_to_replace_s.p99 = pct(delays, 0.99);
    c.replaced_after_decision_s.p50 = pct(after, 0.5);
    c.replaced_after_decision_s.p99 = pct(after, 0.99);
    c.time_to_replace_s.measured = c.replaced_after_decision_s.measured = total > 0;
    c.time_to_replace_s.resolution_s = c.replaced_after_decision_s.resolution_s = dt_;
    out.push_back(c);
  }
  return out;
}

// CRL era: crl-updater's generations at t = 0, P, 2P, ... each read the rows revoked by then (the fluid
// revoked curve), sign every shard and upload them, each step alone on its path (latency + bytes over
// the narrowest link). Revocation is published when the first generation at or after the last
// revocation has uploaded; the run ends there (or at the horizon), as the simulator's does.
// Affected certificates revoked by a time: each replaced one right after its replacement, then the bulk
// revocation's at an even pace.
double Analysis::revoked_by(const Outcome& o, double time) const {
  const double N = s_.workload.certificates;
  const size_t i = index_at_or_before(time);
  if (!o.bulk_start || time < *o.bulk_start) return std::min(N, o.replaced[i]);
  const double tb = *o.bulk_start;
  const double frac = o.revocation_end > tb ? std::clamp((time - tb) / (o.revocation_end - tb), 0.0, 1.0) : 1.0;
  return std::min(N, o.replaced_at_bulk + o.remaining_at_bulk * frac);
}

CrlOutcome Analysis::crl_outcome(const Outcome& o) const {
  CrlOutcome c;
  const double N = s_.workload.certificates;
  const double horizon = s_.incident.horizon_s;
  const std::vector<LinkProps> links = topo_.links();
  auto revoked_at = [&](double time) { return revoked_by(o, time); };
  auto path_s = [&](int from, int to, double bytes) {
    double narrowest = kInf, latency = 0;
    for (const RouteHop& hop : topo_.route(from, to)) {
      narrowest = std::min(narrowest, links[static_cast<size_t>(hop.link)].bandwidth_Bps);
      latency += links[static_cast<size_t>(hop.link)].latency_s;
    }
    return latency + (bytes > 0 ? bytes / narrowest : 0.0);
  };
  const bool upload = cloud_ >= 0 && !topo_.route(crl_ca_, cloud_).empty();
  const double signatures = issuer_count(s_) * s_.workload.crl_shards;
  const double signing_s = signatures / res_[static_cast<size_t>(hsm_)].timeline.at(horizon);
  struct Generation {
    double at, read, bytes, done;
  };
  std::vector<Generation> generations;
  for (double at = 0; at < horizon; at += s_.workload.crl_period_s) {
    const double entries = revoked_at(at);
    Generation g{at, entries * cost_.crl_read_bytes_per_revocation, entries * cost_.crl_upload_bytes_per_revocation, 0};
    g.done = at + path_s(crl_db_, crl_ca_, g.read) + signing_s + (upload ? path_s(crl_ca_, cloud_, g.bytes) : 0);
    generations.push_back(g);
    if (N > 0 && o.revocation_end <= at && !c.published_s && g.done <= horizon) c.published_s = g.done;
  }
  // The run ends once everything is replaced and revoked and the revocations are published.
  c.run_end_s = std::min(horizon, std::max({o.completion, o.revocation_end, c.published_s.value_or(kInf)}));
  for (const Generation& g : generations) {
    if (g.at >= c.run_end_s) break;
    c.signatures += signatures;
    c.bytes_read += g.read;
    if (upload && g.done <= c.run_end_s) c.bytes_uploaded += g.bytes;
  }
  return c;
}

Outcome Analysis::run() const {
  Outcome o;
  const Scenario& s = s_;
  const double N = s.workload.certificates;  // all affected, including those asking after the horizon
  std::vector<CapacityTimeline> caps;
  for (const Resource& r : res_) caps.push_back(r.certificate_timeline());
  std::vector<double> replaced = replaced_curve(caps, 0);

  // Bulk revocation, by the simulator's rule: start when what is not yet revoked needs, on what survives,
  // (1 + margin) x its time, ending `slack` (and one controller interval) before the deadline.
  const double latest = s.incident.deadline_s - s.incident.revocation_slack_s - kControllerInterval_s;
  if (N > 0) {
    for (size_t i = index_of(s.incident.decision_delay_s); i < n_; ++i) {
      const double remaining = N - replaced[i];
      if (remaining <= 1e-6 * N) break;
      const double sign = res_[hsm_].timeline.at(t(i)), commit = res_[db_].timeline.at(t(i));
      const double need_sign =
          cost_.revocation.signatures > 0 ? remaining * cost_.revocation.signatures * hsm_mix_ / sign : 0;
      const double need_db = remaining * cost_.revocation.commits / commit;
      const double need = std::max(need_sign, need_db) * (1 + s.incident.revocation_margin);
      if (std::isfinite(need) && t(i) + need >= latest) {
        o.bulk_start = t(i);
        break;
      }
    }
  }
  if (o.bulk_start) {
    const double tb = *o.bulk_start;
    const double remaining = N - replaced[index_of(tb)];
    o.remaining_at_bulk = remaining;
    o.replaced_at_bulk = replaced[index_of(tb)];
    // Revocations go first on the HSMs and the writer: each is busy with them until they are done.
    double end = tb;
    for (int r : {hsm_, db_}) {
      const double work = remaining * res_[static_cast<size_t>(r)].per_revocation;
      const CapacityTimeline cap = caps[static_cast<size_t>(r)];
      const double done = cap.time_for(cap.cumulative(tb) + work);
      end = std::max(end, done);
      // Issuance gets nothing on this resource meanwhile.
      CapacityTimeline gap(0.0);
      for (const auto& [st, c] : cap.steps())
        if (st < tb) gap.set(st, c);
      gap.set(tb, 0);
      if (std::isfinite(done)) gap.set(done, cap.at(done));  // steps in time order: the gap's end first
      for (const auto& [st, c] : cap.steps())
        if (st > done) gap.set(st, c);
      caps[static_cast<size_t>(r)] = gap;
    }
    o.revocation_end = end;
    replaced = replaced_curve(caps, remaining);
  }
  // Completion: the first grid time all affected certificates are replaced, to within kCompletionTolerance
  // (after a bulk revocation the replaced curve can level off a rounding error short of N).
  for (size_t i = 0; i < n_; ++i)
    if (N > 0 && replaced[i] >= N * (1 - kCompletionTolerance)) {
      // Interpolate inside the last interval.
      const double prev = i > 0 ? replaced[i - 1] : 0;
      const double frac = replaced[i] > prev ? (N - prev) / (replaced[i] - prev) : 1.0;
      o.completion = t(i) - dt_ + std::clamp(frac, 0.0, 1.0) * dt_;
      break;
    }
  if (!o.bulk_start) o.revocation_end = o.completion;
  o.replaced = replaced;
  if (o.bulk_start)
    o.broken = broken_sites(BulkRevocation{N, *o.bulk_start, o.revocation_end, s.incident.horizon_s, dt_, replaced});
  const size_t dl = index_at_or_before(s.incident.deadline_s);
  o.replaced_by_deadline = std::min(N, replaced[dl]);
  if (o.bulk_start) {
    const double tb = *o.bulk_start;
    const double before = N - o.remaining_at_bulk;  // replaced (and so revoked) when the bulk began
    const double share = o.revocation_end <= s.incident.deadline_s
                             ? 1.0
                             : std::clamp((s.incident.deadline_s - tb) / (o.revocation_end - tb), 0.0, 1.0);
    o.revoked_by_deadline = std::min(N, before + o.remaining_at_bulk * share);
  } else {
    o.revoked_by_deadline = o.replaced_by_deadline;
  }
  o.met = N <= 0 || (o.replaced_by_deadline >= N * (1 - 1e-9) && o.revoked_by_deadline >= N * (1 - 1e-9) &&
                     o.completion <= s.incident.deadline_s && o.revocation_end <= s.incident.deadline_s);
  return o;
}

Peak Analysis::averaged_peak(const std::vector<Resource>& resources) const {
  const size_t span = std::max<size_t>(1, static_cast<size_t>(std::lround(kPeakAveraging_s / dt_)));
  double busiest_rate = 0, in_span = 0;  // requests (affected and normal) in the last `span` intervals
  for (size_t i = 0; i < n_; ++i) {
    in_span += d_affected_[i] + d_background_[i];
    if (i >= span) in_span -= d_affected_[i - span] + d_background_[i - span];
    busiest_rate = std::max(busiest_rate, in_span / (static_cast<double>(span) * dt_));
  }
  Peak p;
  for (const Resource& x : resources) {
    // As the report's peak_utilisation: the resource's own capacity, with the steady loads served first
    // (ARI polling on the API and the replicas, background signing on the HSMs) counted in.
    const double cap = (x.steady > 0 ? x.full : x.timeline).at(s_.incident.horizon_s);
    if (x.per_affected <= 0 || cap <= 0) continue;
    const double u = (busiest_rate * x.per_affected + x.steady + x.background_rate) / cap;
    if (p.resource.empty() || u > p.utilisation) p = Peak{u, x.name};
  }
  return p;
}

// The narrowest window [0, W] (from each batch's enabling) whose peak utilisation is at most the target
// and that still meets the deadline. The peak does not grow with W and completion does not shrink, so:
// bisect for the smallest W meeting the target, then check the deadline there. The resources (demand per
// certificate, capacity) do not depend on the window: only the arrivals are rebuilt for each W.
RecommendedWindow Analysis::recommend_window(double target) const {
  const Scenario& s = s_;
  auto with_window = [&](double end_s) {
    Scenario t = s;
    t.clients.window_start_s = 0;
    t.clients.window_end_s = end_s;
    return t;
  };
  auto peak_at = [&](double end_s) {
    const Scenario t = with_window(end_s);
    return Analysis(t, Build::ARRIVALS).averaged_peak(res_);
  };
  auto pct = [](double u) { return std::to_string(static_cast<int>(std::lround(u * 100))) + "%"; };
  RecommendedWindow w;
  w.target_utilisation = target;
  const double widest = s.incident.deadline_s - s.incident.decision_delay_s;
  const Peak spread = peak_at(widest);
  if (spread.utilisation > target) {
    w.peak_utilisation = spread.utilisation, w.resource = spread.resource;
    w.reason = "even spread over " + format_duration(widest) + " (all the time to the deadline), " + spread.resource +
               " peaks at " + pct(spread.utilisation) + ", above the " + pct(target) + " target";
    return w;
  }
  double lo = 0, hi = widest;
  if (peak_at(0).utilisation <= target) hi = 0;
  for (int it = 0; it < kWindowSteps && hi > 0; ++it) {
    const double mid = 0.5 * (lo + hi);
    (peak_at(mid).utilisation <= target ? hi : lo) = mid;
  }
  const Scenario chosen = with_window(hi);
  const Analysis a(chosen);
  const Outcome o = a.run();
  const Peak p = a.averaged_peak(res_);
  w.peak_utilisation = p.utilisation, w.resource = p.resource;
  if (std::isfinite(o.completion)) w.completion_s = o.completion;
  if (o.met) {
    w.end_s = hi;
  } else {
    w.reason =
        "spreading over " + format_duration(hi) + " keeps " + p.resource + " at " + pct(p.utilisation) +
        " but misses the deadline (last replacement " +
        (std::isfinite(o.completion) ? "at " + format_duration(o.completion) : std::string("after the horizon")) + ")";
  }
  return w;
}

double Analysis::interval_first_request(size_t i) const {
  if (class_first_.empty() || d_affected_[i] <= 0) return t(i);
  double first = 0;
  for (size_t k = 0; k < classes_.size(); ++k) first += class_first_[k][i];
  return first / d_affected_[i];
}

// Requests in FIFO order occupy positions [before, before + d_i) of the replaced curve R; the part of them
// R passes over (t_j-1, t_j] is replaced there, at the time R reaches the part's middle (linear in between).
std::vector<ServedPiece> Analysis::served_pieces(const Outcome& o) const {
  std::vector<ServedPiece> pieces;
  const std::vector<double>& R = o.replaced;
  double before = 0;
  size_t j = 1;
  for (size_t i = 0; i < n_; ++i) {
    if (d_affected_[i] <= 0) continue;
    const double from = before, to = before + d_affected_[i];
    before = to;
    while (j < n_ && R[j] <= from) ++j;
    for (size_t m = j; m < n_ && R[m - 1] < to; ++m) {
      const double lo = std::max(from, R[m - 1]), hi = std::min(to, R[m]);
      if (hi <= lo) continue;
      const double frac = (0.5 * (lo + hi) - R[m - 1]) / (R[m] - R[m - 1]);
      pieces.push_back(ServedPiece{i, t(m - 1) + frac * dt_, hi - lo});
    }
  }
  return pieces;
}

Report Analysis::report(const AnalyticOptions& options) {
  const Scenario& s = s_;
  const Outcome o = run();
  Report r;
  r.scenario = s.name;
  r.mode = "analytic";
  r.seed = s.seed;
  r.version = SURGE_VERSION;
  r.certificates = s.workload.certificates;
  r.decision_s = s.incident.decision_delay_s;
  r.deadline_s = s.incident.deadline_s;
  r.horizon_s = s.incident.horizon_s;
  r.deadline_met = o.met;
  if (affected_ > 0 && o.completion <= s.incident.horizon_s) r.completion_time_s = o.completion;
  if (affected_ > 0 && o.revocation_end <= s.incident.horizon_s) r.revocation_complete_s = o.revocation_end;
  r.replaced_by_deadline = o.replaced_by_deadline;
  r.not_replaced_by_deadline = s.workload.certificates - o.replaced_by_deadline;
  r.revoked_by_deadline = o.revoked_by_deadline;
  r.revoked_before_replaced = o.broken;
  r.bulk_revocation_start_s = o.bulk_start;
  r.signatures_needed = s.workload.certificates * cost_.signatures_per_certificate();

  // Resources: fluid completion, +10% sensitivity and the bottleneck, as the simulator ranks them.
  std::vector<WorkArrival> units;
  for (size_t i = 0; i < n_; ++i)  // every request, affected or normal, as the simulator counts them
    if (d_affected_[i] + d_background_[i] > 0) units.push_back(WorkArrival{t(i), d_affected_[i] + d_background_[i]});
  std::vector<FluidResource> fluid;  // background signing's rate off the HSMs, as in run()
  for (const Resource& x : res_)
    fluid.push_back(FluidResource{x.name, x.certificate_timeline(), 0, work_arrivals(x, 0)});
  const BottleneckResult b = find_bottleneck(units, fluid);
  r.bottleneck = b.bottleneck;

  // Background signing's figures, and the run's end: the simulator's run goes on until revocation is
  // published in a CRL.
  const bool crl_era = crl_generation(s);
  const CrlOutcome crl = crl_era ? crl_outcome(o) : CrlOutcome{};
  const double run_end =
      crl_era ? crl.run_end_s : std::min(s.incident.horizon_s, std::max(o.completion, o.revocation_end));
  if (cost_.ocsp_resign_signatures_per_s > 0) r.ocsp_resign_signatures = cost_.ocsp_resign_signatures_per_s * run_end;
  if (crl_era) {
    r.crl_signatures = crl.signatures;
    r.crl_bytes_uploaded = crl.bytes_uploaded;
    r.revocations_published_s = crl.published_s;
    r.crl_period_s = s.workload.crl_period_s;
  }

  std::map<size_t, double> crl_link_bytes;  // by resource: the CRL bytes read and uploaded across it
  auto add_crl_bytes = [&](int from, int to, double bytes) {
    if (from < 0 || to < 0) return;
    for (const RouteHop& hop : topo_.route(from, to)) crl_link_bytes[link_res_.at(hop.link)] += bytes;
  };
  if (crl_era) {
    add_crl_bytes(crl_db_, crl_ca_, crl.bytes_read);
    add_crl_bytes(crl_ca_, cloud_, crl.bytes_uploaded);
  }

  double peak_rate = 0;  // affected + background requests per second, at the busiest grid interval
  for (size_t i = 0; i < n_; ++i) peak_rate = std::max(peak_rate, (d_affected_[i] + d_background_[i]) / dt_);
  double sustainable = kInf;
  // What the run did by its end, as the simulator counts work: the normal day's issuance, the affected
  // replacements, and every revocation done (after its replacement, or in bulk: certificates whose
  // clients never asked included).
  const double N = s.workload.certificates;
  double background_in_run = 0;
  for (size_t i = 0; i < n_ && t(i) <= run_end; ++i) background_in_run += d_background_[i];
  const double replaced_in_run = std::min(N, o.replaced[index_at_or_before(run_end)]);
  const double revoked_in_run = revoked_by(o, run_end);
  r.replaced_within_horizon = replaced_in_run;
  const double end =
      std::max(o.completion < kInf ? o.completion : s.incident.horizon_s, s.incident.decision_delay_s + dt_);
  for (size_t k = 0; k < res_.size(); ++k) {
    const Resource& x = res_[k];
    ResourceUse u;
    u.name = x.name;
    u.kind = x.kind;
    u.unit = x.unit;
    u.capacity = x.capacity0;
    u.demand_per_certificate = x.per_affected;
    double work = background_in_run * x.per_background + replaced_in_run * (x.per_affected - x.per_revocation) +
                  revoked_in_run * x.per_revocation;
    if (x.background_rate > 0)  // background signing done within the run, in reference-key signatures
      work += (cost_.ocsp_resign_signatures_per_s * run_end + crl.signatures) * hsm_mix_;
    if (auto it = crl_link_bytes.find(k); it != crl_link_bytes.end()) work += it->second;
    const double decision = s.incident.decision_delay_s;
    double active_work = work;
    if (x.steady > 0) {  // ARI polling: served while the resource is up, from t = 0 to the end
      const auto& steps = x.full.steps();
      double polled = 0, polled_active = 0;
      for (size_t i = 0; i < steps.size(); ++i) {
        const double from = steps[i].first;
        const double to = i + 1 < steps.size() ? std::min(end, steps[i + 1].first) : end;
        if (to <= from || steps[i].second <= 0) continue;
        polled += x.steady * (to - from);
        polled_active += x.steady * std::max(0.0, to - std::max(from, decision));
      }
      work += polled;
      active_work += polled_active;
      if (x.kind == "reads") r.ari_polls = polled;
    }
    u.work = work;
    const CapacityTimeline& own = x.steady > 0 ? x.full : x.timeline;
    const double offered = own.cumulative(end) - own.cumulative(decision);
    u.mean_utilisation = offered > 0 ? std::min(1.0, active_work / offered) : 0;
    u.mean_busy = u.mean_utilisation;
    u.available = own.at(s.incident.horizon_s) > 0;
    const double final_cap = x.timeline.at(s.incident.horizon_s);
    // What the certificates get at the end: polling (timeline) and background signing are served first.
    const double left = x.certificate_timeline().at(s.incident.horizon_s);
    if (x.per_affected > 0 && left > 0) sustainable = std::min(sustainable, left / x.per_affected);
    const double demand_rate = peak_rate * x.per_affected + x.steady + x.background_rate;
    const double final_own = own.at(s.incident.horizon_s);
    u.peak_utilisation = final_own > 0 ? std::min(1.0, demand_rate / final_own) : 0;
    for (const auto& [name, saved] : b.saved_s)
      if (name == x.name) u.saved_s = saved;
    for (const auto& [name, tc] : b.completion_s)
      if (name == x.name && std::isfinite(tc)) u.fluid_completion_s = tc;
    // Below saturation, at the peak request rate (one visit of x.per_affected work): Erlang C, scaled for
    // service-time variability by the Allen-Cunneen M/G/c approximation, (1 + scv) / 2 (exact for c = 1).
    if (x.servers > 0 && final_cap > 0) {
      const double service = x.per_affected / (final_cap / x.servers);
      const double scv = x.kind == "hsm" ? s.hsm_service.scv() : s.db_service.scv();
      const double wait = mmc_mean_wait_s(peak_rate, service, x.servers) * (1 + scv) / 2;
      if (std::isfinite(wait)) u.mean_wait_s = wait;
    }
    // The capacity this resource alone would need for the deadline, with the headroom.
    if (x.per_affected > 0 && affected_ > 0 && last_arrival_ <= s.incident.deadline_s) {
      double lo = 0, hi = 1;
      const CapacityTimeline& cap = fluid[k].capacity;  // after background signing
      while (fluid_completion(fluid[k].own, cap.scaled(hi)) > s.incident.deadline_s && hi < 1e6) hi *= 2;
      if (hi < 1e6) {
        for (int it = 0; it < 50; ++it) {
          const double mid = 0.5 * (lo + hi);
          (fluid_completion(fluid[k].own, cap.scaled(mid)) > s.incident.deadline_s ? lo : hi) = mid;
        }
        if (x.background_rate > 0) {  // background signing: what the certificates get, scaled, plus it
          const double certificates_capacity = cap.at(0);
          u.needed_capacity = (hi * certificates_capacity + x.background_rate) * (1 + options.headroom);
        } else {  // what is left after the polling, scaled, plus the polling (zero for other resources)
          u.needed_capacity = (hi * (x.capacity0 - x.steady) + x.steady) * (1 + options.headroom);
        }
      }
    }
    if (x.kind == "hsm") r.signatures += work / hsm_mix_;  // actual signatures, whatever their key
    if (x.kind == "db") r.db_commits += work;
    r.resources.push_back(u);
  }
  // By key: the certificates' own signatures (issuance and revocation); background signing is counted apart
  // (ocsp_resign_signatures, crl_signatures), as in the simulator.
  const double background_signed = r.ocsp_resign_signatures.value_or(0) + r.crl_signatures.value_or(0);
  for (const KeyShare& k : s.workload.keys())
    r.signatures_by_key[k.key] = std::max(0.0, r.signatures - background_signed) * k.share;
  if (std::isfinite(sustainable)) r.max_sustainable_rate_per_s = sustainable;
  r.headroom = options.headroom;

  // Incident transfers, each alone on its path: done when its narrowest link has carried it, unless a
  // link failure cuts the path first (the simulator does not retry a broken transfer). (The simulator
  // shares links between them and with issuance; see docs/MODEL.md.)
  const std::vector<LinkProps> links = topo_.links();
  for (const Transfer& tr : s.transfers) {
    double narrowest = kInf, latency = 0, cut = kInf;
    for (const RouteHop& hop : topo_.route(topo_.place(tr.from), topo_.place(tr.to))) {
      narrowest = std::min(narrowest, links[static_cast<size_t>(hop.link)].bandwidth_Bps);
      latency += links[static_cast<size_t>(hop.link)].latency_s;
      cut = std::min(cut, link_down_[static_cast<size_t>(hop.link)]);
    }
    TransferOutcome out{tr.name, tr.bytes, tr.start_s, std::nullopt};
    const double done = tr.start_s + latency + tr.bytes / narrowest;
    if (std::isfinite(done) && done <= s.incident.horizon_s && done < cut) out.done_s = done;
    r.transfers.push_back(out);
  }

  // Time to replace: in FIFO order, each interval's requests are replaced as the replaced curve passes
  // them, spread over that time; the delay runs from their first request (earlier than t_i when
  // admission control refused them first).
  const std::vector<ServedPiece> pieces = served_pieces(o);
  {
    std::vector<std::pair<double, double>> delays;  // (delay, certificates)
    double total = 0;
    for (const ServedPiece& p : pieces) {
      delays.push_back({std::max(0.0, p.replaced_s - interval_first_request(p.interval)), p.certificates});
      total += p.certificates;
    }
    std::sort(delays.begin(), delays.end());
    auto pct = [&](double q) {
      double acc = 0;
      for (const auto& d : delays)
        if ((acc += d.second) >= q * total) return d.first;
      return delays.empty() ? 0.0 : delays.back().first;
    };
    r.time_to_replace_s.p50 = pct(0.5);
    r.time_to_replace_s.p99 = pct(0.99);
    r.time_to_replace_s.measured = total > 0;
    r.time_to_replace_s.resolution_s = dt_;
  }
  r.classes = class_outcomes(o, pieces);
  if (s.admission.enabled()) {
    r.rejected_requests = rejected_requests_;
    r.rejected_certificates = rejected_certificates_;
    r.admission_delay_total_s = admission_delay_total_s_;
    r.admission_delay_mean_s = delayed_admitted_ > 0 ? admission_delay_total_s_ / delayed_admitted_ : 0;
    for (size_t k = 0; k < r.classes.size(); ++k) {
      r.classes[k].rejected_requests = class_rejected_requests_[k];
      r.classes[k].rejected_certificates = class_rejected_certificates_[k];
    }
  }

  // The latest decision that still meets the deadline: bisection (meeting it is monotone in the delay).
  if (options.search_decision && affected_ > 0) {
    auto meets = [&](double decision) {
      Scenario t = s;
      t.incident.decision_delay_s = decision;
      return Analysis(t).run().met;
    };
    if (meets(0)) {
      double lo = 0, hi = s.incident.deadline_s;
      constexpr int kSearchSteps = 12;  // to within deadline / 4096 (21 s for a day)
      for (int it = 0; it < kSearchSteps; ++it) {
        const double mid = 0.5 * (lo + hi);
        (meets(mid) ? lo : hi) = mid;
      }
      r.latest_decision_s = lo;
    }
  }
  if (options.recommend_window && affected_ > 0) r.recommended_window = recommend_window(options.target_utilisation);
  return r;
}

}  // namespace

double erlang_c(int c, double a) {
  if (a >= c) return 1.0;
  // Stable recurrence for Erlang B, then C = B / (1 - rho (1 - B)).
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  const double rho = a / c;
  return b / (1 - rho * (1 - b));
}

double mmc_mean_wait_s(double arrival_rate, double service_time_s, int servers) {
  const double a = arrival_rate * service_time_s;
  if (a >= servers) return kInf;
  return erlang_c(servers, a) * service_time_s / (servers - a);
}

Report analyze(const Scenario& scenario, const AnalyticOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  Analysis a(scenario);
  Report r = a.report(options);
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace surge
