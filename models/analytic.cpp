#include "analytic.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include "clients.hpp"
#include "ct.hpp"
#include "fluid.hpp"
#include "topology.hpp"
#include "units.hpp"
#include "workload.hpp"

namespace surge {
namespace {

constexpr double kHour = 3600.0;
constexpr double kMaxGridPoints = 6000;  // the time grid: fine enough for 2% on a day, fast enough for 50 ms
constexpr double kMinGridStep_s = 30.0;
constexpr double kControllerInterval_s = 60.0;  // the simulator's revocation controller looks this often
constexpr double kInf = std::numeric_limits<double>::infinity();
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
  double per_affected = 0;    // work per affected certificate (issue + revoke)
  double per_revocation = 0;  // ... of which the revocation
  double per_background = 0;  // work per normal-day issuance
  int servers = 0;            // sessions or connections (for Erlang C)
};

/// What the analysis of one scenario gives (the search for the latest decision reruns it).
struct Outcome {
  double completion = kInf;      // last replacement
  double revocation_end = kInf;  // last revocation
  double replaced_by_deadline = 0;
  double revoked_by_deadline = 0;
  double broken = 0;
  double replaced_at_bulk = 0;  // replaced (in FIFO order) when the bulk revocation began
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
    n_ = static_cast<size_t>(std::ceil(horizon / dt_)) + 1;
    build_arrivals();
    if (build == Build::ALL) build_resources();
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
  size_t index_of(double time) const { return std::min(n_ - 1, static_cast<size_t>(std::ceil(time / dt_))); }
  void build_arrivals();
  void build_resources();
  std::vector<WorkArrival> work_arrivals(const Resource& r, double revocations_removed) const;
  std::vector<double> served(const std::vector<WorkArrival>& work, const CapacityTimeline& cap) const;
  std::vector<double> replaced_curve(const std::vector<CapacityTimeline>& caps, double revocations_removed) const;
  std::vector<double> class_replaced(double replaced) const;
  std::vector<ClassOutcome> class_outcomes(const Outcome& o,
                                           const std::vector<std::pair<size_t, double>>& interval_delays) const;

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
  std::vector<std::string> live_hsm_groups_;
  std::vector<double> link_down_;  // by link: when a link failure takes it down (+inf: never)
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
    const size_t burst = index_of(std::ceil(t(i) / kHour) * kHour + offset);
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
  hsm.unit = "signatures/s";
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
    return Eigen::VectorXd(A.colPivHouseholderQr().solve(e));
  };
  const Eigen::VectorXd v_aff = solve(true), v_bg = solve(false);

  const OperationCost& iss = cost_.issuance;
  const OperationCost& rev = cost_.revocation;
  for (size_t d = 0; d < dcs; ++d) {
    hsm.per_affected += v_aff(node(d, 2)) * iss.signatures + v_aff(node(d, 3)) * rev.signatures;
    hsm.per_revocation += v_aff(node(d, 3)) * rev.signatures;
    hsm.per_background += v_bg(node(d, 2)) * iss.signatures;
    db.per_affected += v_aff(node(d, 1)) * iss.commits + v_aff(node(d, 5)) * rev.commits;
    db.per_revocation += v_aff(node(d, 5)) * rev.commits;
    db.per_background += v_bg(node(d, 1)) * iss.commits;
  }
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
    res_.push_back(l);
  }
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
std::vector<ClassOutcome> Analysis::class_outcomes(
    const Outcome& o, const std::vector<std::pair<size_t, double>>& interval_delays) const {
  const double tolerance = 1e-9 * std::max(1.0, s_.workload.certificates);
  const size_t dl = std::min(n_ - 1, static_cast<size_t>(std::floor(s_.incident.deadline_s / dt_)));
  const std::vector<double> by_deadline = class_replaced(o.replaced[dl]);
  const std::vector<double> at_bulk = class_replaced(o.replaced_at_bulk);
  std::vector<ClassOutcome> out;
  for (size_t k = 0; k < classes_.size(); ++k) {
    ClassOutcome c;
    c.name = classes_[k].name;
    c.kind = client_kind_name(classes_[k].kind);
    c.share = classes_[k].share;
    c.certificates = class_count_[k];
    c.replaced_by_deadline = std::min(class_count_[k], by_deadline[k]);
    if (o.bulk_start) c.revoked_before_replaced = std::max(0.0, class_count_[k] - at_bulk[k]);
    double on_grid = 0;
    for (size_t i = 0; i < n_; ++i) {
      on_grid += d_class_[k][i];
      if (d_class_[k][i] > tolerance) c.last_request_s = t(i);
    }
    if (class_count_[k] - on_grid > tolerance) c.last_request_s.reset();  // some ask after the horizon
    std::vector<std::pair<double, double>> delays, after;  // (request to, decision to replacement; weight)
    double total = 0;
    for (const auto& [i, delay] : interval_delays) {
      if (d_class_[k][i] <= 0) continue;
      delays.push_back({delay, d_class_[k][i]});
      after.push_back({t(i) + delay - s_.incident.decision_delay_s, d_class_[k][i]});
      total += d_class_[k][i];
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
    out.push_back(c);
  }
  return out;
}

Outcome Analysis::run() const {
  Outcome o;
  const Scenario& s = s_;
  const double N = s.workload.certificates;  // all affected, including those asking after the horizon
  std::vector<CapacityTimeline> caps;
  for (const Resource& r : res_) caps.push_back(r.timeline);
  std::vector<double> replaced = replaced_curve(caps, 0);

  // Bulk revocation, by the simulator's rule: start when what is not yet revoked needs, on what survives,
  // (1 + margin) x its time, ending `slack` (and one controller interval) before the deadline.
  const double latest = s.incident.deadline_s - s.incident.revocation_slack_s - kControllerInterval_s;
  if (N > 0) {
    for (size_t i = index_of(s.incident.decision_delay_s); i < n_; ++i) {
      const double remaining = N - replaced[i];
      if (remaining <= 1e-6 * N) break;
      const double sign = res_[hsm_].timeline.at(t(i)), commit = res_[db_].timeline.at(t(i));
      const double need_sign = cost_.revocation.signatures > 0 ? remaining * cost_.revocation.signatures / sign : 0;
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
    o.broken = remaining;
    o.replaced_at_bulk = replaced[index_of(tb)];
    // Revocations go first on the HSMs and the writer: each is busy with them until they are done.
    double end = tb;
    for (int r : {hsm_, db_}) {
      const double work = remaining * res_[static_cast<size_t>(r)].per_revocation;
      const CapacityTimeline& cap = res_[static_cast<size_t>(r)].timeline;
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
  const size_t dl = std::min(n_ - 1, static_cast<size_t>(std::floor(s.incident.deadline_s / dt_)));
  o.replaced_by_deadline = std::min(N, replaced[dl]);
  if (o.bulk_start) {
    const double tb = *o.bulk_start;
    const double before = N - o.broken;  // replaced (and so revoked) when the bulk began
    const double share = o.revocation_end <= s.incident.deadline_s
                             ? 1.0
                             : std::clamp((s.incident.deadline_s - tb) / (o.revocation_end - tb), 0.0, 1.0);
    o.revoked_by_deadline = std::min(N, before + o.broken * share);
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
    const double cap = x.timeline.at(s_.incident.horizon_s);  // as the report's peak_utilisation
    if (x.per_affected <= 0 || cap <= 0) continue;
    const double u = busiest_rate * x.per_affected / cap;
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
  std::vector<FluidResource> fluid;
  for (const Resource& x : res_) fluid.push_back(FluidResource{x.name, x.timeline, 0, work_arrivals(x, 0)});
  const BottleneckResult b = find_bottleneck(units, fluid);
  r.bottleneck = b.bottleneck;

  double peak_rate = 0;  // affected + background requests per second, at the busiest grid interval
  for (size_t i = 0; i < n_; ++i) peak_rate = std::max(peak_rate, (d_affected_[i] + d_background_[i]) / dt_);
  double sustainable = kInf;
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
    double work = 0;
    for (const WorkArrival& a : fluid[k].own) work += a.work;
    u.work = work;
    const double offered = x.timeline.cumulative(end) - x.timeline.cumulative(s.incident.decision_delay_s);
    u.mean_utilisation = offered > 0 ? std::min(1.0, work / offered) : 0;
    u.mean_busy = u.mean_utilisation;
    u.available = x.timeline.at(s.incident.horizon_s) > 0;
    const double final_cap = x.timeline.at(s.incident.horizon_s);
    if (x.per_affected > 0 && final_cap > 0) sustainable = std::min(sustainable, final_cap / x.per_affected);
    const double demand_rate = peak_rate * x.per_affected;
    u.peak_utilisation = final_cap > 0 ? std::min(1.0, demand_rate / final_cap) : 0;
    for (const auto& [name, saved] : b.saved_s)
      if (name == x.name) u.saved_s = saved;
    for (const auto& [name, tc] : b.completion_s)
      if (name == x.name) u.fluid_completion_s = tc;
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
      while (fluid_completion(fluid[k].own, x.timeline.scaled(hi)) > s.incident.deadline_s && hi < 1e6) hi *= 2;
      if (hi < 1e6) {
        for (int it = 0; it < 50; ++it) {
          const double mid = 0.5 * (lo + hi);
          (fluid_completion(fluid[k].own, x.timeline.scaled(mid)) > s.incident.deadline_s ? lo : hi) = mid;
        }
        u.needed_capacity = hi * x.capacity0 * (1 + options.headroom);
      }
    }
    if (x.kind == "hsm") r.signatures += work;
    if (x.kind == "db") r.db_commits += work;
    r.resources.push_back(u);
  }
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

  // Time to replace: in FIFO order, the requests of interval i are replaced when the replaced curve
  // reaches their middle.
  std::vector<std::pair<size_t, double>> interval_delays;  // (interval, its requests' delay)
  if (affected_ > 0) {
    std::vector<std::pair<double, double>> delays;  // (delay, certificates)
    double before = 0;
    size_t j = 0;
    for (size_t i = 0; i < n_; ++i) {
      if (d_affected_[i] <= 0) continue;
      const double middle = before + d_affected_[i] / 2;
      before += d_affected_[i];
      while (j < n_ && o.replaced[j] < middle) ++j;
      if (j == n_) break;  // not replaced within the horizon
      delays.push_back({std::max(0.0, t(j) - t(i)), d_affected_[i]});
      interval_delays.push_back({i, delays.back().first});
    }
    std::sort(delays.begin(), delays.end());
    double total = 0;
    for (const auto& d : delays) total += d.second;
    auto pct = [&](double q) {
      double acc = 0;
      for (const auto& d : delays)
        if ((acc += d.second) >= q * total) return d.first;
      return delays.empty() ? 0.0 : delays.back().first;
    };
    r.time_to_replace_s.p50 = pct(0.5);
    r.time_to_replace_s.p99 = pct(0.99);
  }
  r.classes = class_outcomes(o, interval_delays);

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
