// The analytic planner's resources: the capacity timelines (failures, promotion, reachability) and the
// work per certificate (traffic equations) of the HSM pool, the DB writer, CT, links, API, VA and reads.
#include "models/analysis.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <map>

#include "models/ct.hpp"
#include "models/failover.hpp"
#include "models/topology.hpp"
#include "models/workload.hpp"

namespace surge::analytic_detail {
namespace {

constexpr double kVisitRoundOff = 1e-9;  // visits per request below this are the solver's round-off

// Traffic equations over the journey's steps (per data center d): issue NET(d) -> DB(d) -> HSM(d);
// revoke HSM(d) -> NET'(d) -> DB'(d), skipping HSM'(d) when revocation is not signed. Visits v solve
// (I - P^T) v = e, e the entry shares.
Visits solve_visits(const std::vector<double>& share, bool revoke, bool revocation_signs) {
  const int nodes = Visits::STEPS * static_cast<int>(share.size());
  auto node = [&](size_t d, Visits::Step step) { return static_cast<int>(d) * Visits::STEPS + step; };
  Eigen::MatrixXd P = Eigen::MatrixXd::Zero(nodes, nodes);
  Eigen::VectorXd e = Eigen::VectorXd::Zero(nodes);
  for (size_t d = 0; d < share.size(); ++d) {
    e(node(d, Visits::ISSUE_NET)) = share[d];
    P(node(d, Visits::ISSUE_NET), node(d, Visits::ISSUE_DB)) = 1;
    P(node(d, Visits::ISSUE_DB), node(d, Visits::ISSUE_HSM)) = 1;
    if (revoke) {
      const Visits::Step after_sign = revocation_signs ? Visits::REVOKE_HSM : Visits::REVOKE_NET;
      P(node(d, Visits::ISSUE_HSM), node(d, after_sign)) = 1;
      P(node(d, Visits::REVOKE_HSM), node(d, Visits::REVOKE_NET)) = 1;
      P(node(d, Visits::REVOKE_NET), node(d, Visits::REVOKE_DB)) = 1;
    }
  }
  const Eigen::MatrixXd A = Eigen::MatrixXd::Identity(nodes, nodes) - P.transpose();
  // The QR solve leaves round-off (~1e-12) where a visit is 0, e.g. the steps of a data center with no
  // share: on a resource whose capacity is 0 that residue would block every replacement.
  Eigen::VectorXd v = A.colPivHouseholderQr().solve(e);
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (std::abs(v(i)) < kVisitRoundOff) v(i) = 0;
  return Visits{std::vector<double>(v.data(), v.data() + v.size())};
}

// The bytes per certificate each link carries, summed over the flows whose routes cross it.
struct LinkLoads {
  const Topology& topo;
  std::map<int, Resource> by_link;
  // Adds one flow's bytes per certificate (affected, of which revocation; background) along its route.
  void add(int from, int to, double affected, double revocation, double background) {
    for (const RouteHop& hop : topo.route(from, to)) {
      Resource& l = by_link[hop.link];
      l.per_affected += affected;
      l.per_revocation += revocation;
      l.per_background += background;
    }
  }
};

}  // namespace

void Analysis::build_resources() {
  read_failures();
  writer_ = find_writer();
  Resource db = writer_resource();
  const size_t dcs = s_.data_centers.size();
  to_first_writer_.assign(dcs, {});
  to_last_writer_.assign(dcs, {});
  for (size_t d = 0; d < dcs; ++d) {
    const int fe = topo_.find(host_name(s_.data_centers[d].name, "frontend"));
    to_first_writer_[d] = topo_.route(fe, writer_.first);
    to_last_writer_[d] = topo_.route(fe, writer_.last);
  }
  change_times_ = capacity_change_times();
  Resource hsm = hsm_pool();
  affected_visits_ = solve_visits(share_, true, cost_.revocation.signatures > 0);
  background_visits_ = solve_visits(share_, false, cost_.revocation.signatures > 0);
  add_certificate_work(hsm, db);
  hsm_ = static_cast<int>(res_.size());
  res_.push_back(hsm);
  db_ = static_cast<int>(res_.size());
  res_.push_back(db);
  add_ct();
  add_links();
  add_front_stations();
  add_replica_reads();
}

// When each data center, HSM, link and the writer first fails (a data center takes its writer with it).
void Analysis::read_failures() {
  const Scenario& s = s_;
  down_.dc_down.assign(s.data_centers.size(), kInf);
  link_down_.assign(topo_.links().size(), kInf);
  for (const Failure& f : s.failures) {
    switch (f.kind) {
      case FailureKind::DATA_CENTER: {
        const int d = s.data_center_index(f.target);
        down_.dc_down[static_cast<size_t>(d)] = std::min(down_.dc_down[static_cast<size_t>(d)], f.at_s);
        if (s.data_centers[static_cast<size_t>(d)].db_writer) down_.writer_lost = std::min(down_.writer_lost, f.at_s);
        break;
      }
      case FailureKind::HSM:
        down_.hsm_down[f.target] = std::min(down_.hsm_down.count(f.target) ? down_.hsm_down[f.target] : kInf, f.at_s);
        break;
      case FailureKind::DB_WRITER:
        down_.writer_lost = std::min(down_.writer_lost, f.at_s);
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
}

// The writer: lost, then a replica promoted after the delay (another live data center first).
Writer Analysis::find_writer() const {
  const Scenario& s = s_;
  Writer w;
  w.data_center = s.writer_data_center();
  w.first = w.last = topo_.find(host_name(s.data_centers[static_cast<size_t>(w.data_center)].name, "db-writer"));
  if (!std::isfinite(down_.writer_lost)) return w;
  // The replica promoted is one whose data center is still up when the promotion is due.
  const double promotion = down_.writer_lost + s.incident.db_promotion_delay_s;
  const int next = replica_to_promote(topo_, s.data_centers.size(), w.data_center, [&](int r) {
    return down_.dc_down[static_cast<size_t>(topo_.node(r).dc)] > promotion;
  });
  if (next >= 0) {
    w.last = next;
    w.promoted_s = promotion;
  }
  return w;
}

Resource Analysis::writer_resource() const {
  const DataCenter& dc = s_.data_centers[static_cast<size_t>(writer_.data_center)];
  Resource db;
  db.kind = ResourceKind::DB;
  db.name = resource_name(db.kind);
  db.unit = resource_unit(db.kind, s_);
  db.capacity0 = dc.db.commits_per_s;
  db.servers = dc.db.connections;
  db.timeline = CapacityTimeline(db.capacity0);
  if (std::isfinite(down_.writer_lost)) db.timeline.set(down_.writer_lost, 0);
  if (std::isfinite(writer_.promoted_s))
    db.timeline.set(writer_.promoted_s,
                    s_.data_centers[static_cast<size_t>(topo_.node(writer_.last).dc)].db.commits_per_s);
  return db;
}

// A data center issues only while its front end has a route to the writer that no link failure has cut
// (the simulator's router; routes are static, so a cut link is not routed around). From the writer's
// loss on, the route that counts is the one to the replica being promoted.
bool Analysis::cut_at(const std::vector<RouteHop>& route, double time) const {
  return route_cut(route, [&](int link) { return link_down_[static_cast<size_t>(link)] <= time; });
}

bool Analysis::reaches_writer(double time, size_t d) const {
  return !cut_at(time >= down_.writer_lost ? to_last_writer_[d] : to_first_writer_[d], time);
}

std::vector<double> Analysis::capacity_change_times() const {
  std::vector<double> change_times{0.0};
  for (double d : down_.dc_down) change_times.push_back(d);
  for (const auto& [name, at] : down_.hsm_down) change_times.push_back(at);
  for (double at : link_down_) change_times.push_back(at);
  // Losing the writer changes which route counts, which matters only where a link failure cut one.
  if (std::any_of(link_down_.begin(), link_down_.end(), [](double at) { return std::isfinite(at); }))
    change_times.push_back(down_.writer_lost);
  std::sort(change_times.begin(), change_times.end());
  return change_times;
}

// The HSM pool: every live member of every live data center that reaches the writer.
double Analysis::hsm_capacity_at(double time, size_t d) const {
  const DataCenter& dc = s_.data_centers[d];
  if (down_.dc_down[d] <= time || !reaches_writer(time, d)) return 0.0;
  double cap = 0;
  for (int m = 1; m <= dc.hsm_count; ++m) {
    auto it = down_.hsm_down.find(host_name(dc.name, "hsm-" + std::to_string(m)));
    if (it == down_.hsm_down.end() || it->second > time) cap += dc.hsm.signatures_per_s;
  }
  return cap;
}

Resource Analysis::hsm_pool() {
  const Scenario& s = s_;
  const size_t dcs = s.data_centers.size();
  Resource hsm;
  hsm.kind = ResourceKind::HSM;
  hsm.unit = resource_unit(hsm.kind, s);
  for (double time : change_times_) {
    if (!std::isfinite(time)) continue;
    double cap = 0;
    for (size_t d = 0; d < dcs; ++d) cap += hsm_capacity_at(time, d);
    hsm.timeline.set(time, cap);
  }
  // Routing between data centers: by live signing capacity after the failures (the simulator's router).
  share_.assign(dcs, 0.0);
  double total = 0;
  for (size_t d = 0; d < dcs; ++d) total += share_[d] = hsm_capacity_at(s.incident.horizon_s, d);
  for (size_t d = 0; d < dcs; ++d) {
    share_[d] = total > 0 ? share_[d] / total : 0;
    if (share_[d] > 0) live_hsm_groups_.push_back(resource_name(ResourceKind::HSM, s.data_centers[d].name));
  }
  for (const std::string& g : live_hsm_groups_) hsm.name += (hsm.name.empty() ? "" : "+") + g;
  if (hsm.name.empty()) hsm.name = resource_name(ResourceKind::HSM);
  hsm.capacity0 = hsm.timeline.at(0);
  for (size_t d = 0; d < dcs; ++d)
    if (down_.dc_down[d] > s.incident.horizon_s && reaches_writer(s.incident.horizon_s, d))
      hsm.servers += s.data_centers[d].hsm_count * s.data_centers[d].hsm.sessions;
  return hsm;
}

void Analysis::add_certificate_work(Resource& hsm, Resource& db) {
  const OperationCost& iss = cost_.issuance;
  const OperationCost& rev = cost_.revocation;
  const Visits& aff = affected_visits_;
  const Visits& bg = background_visits_;
  // The HSM pool works in reference-key signatures: a signature of the key mix costs mix_d of them at
  // data center d (1 with one key type); hsm_mix_ is its mean over the routing shares.
  double mix_weight = 0, mix_sum = 0;
  for (size_t d = 0; d < s_.data_centers.size(); ++d) {
    const double mix = mixed_signature_cost(s_, s_.data_centers[d].hsm);
    mix_sum += share_[d] * mix;
    mix_weight += share_[d];
    hsm.per_affected +=
        (aff.at(d, Visits::ISSUE_HSM) * iss.signatures + aff.at(d, Visits::REVOKE_HSM) * rev.signatures) * mix;
    hsm.per_revocation += aff.at(d, Visits::REVOKE_HSM) * rev.signatures * mix;
    hsm.per_background += bg.at(d, Visits::ISSUE_HSM) * iss.signatures * mix;
    db.per_affected += aff.at(d, Visits::ISSUE_DB) * iss.commits + aff.at(d, Visits::REVOKE_DB) * rev.commits;
    db.per_revocation += aff.at(d, Visits::REVOKE_DB) * rev.commits;
    db.per_background += bg.at(d, Visits::ISSUE_DB) * iss.commits;
  }
  if (mix_weight > 0) hsm_mix_ = mix_sum / mix_weight;
  // Background signing (the simulator's ocsp-updater and crl-updater) is served ahead of issuance: OCSP
  // re-signing's steady rate and the CRL shards' mean rate (issuers x shards per period) come off the
  // capacity the certificates get.
  hsm.background_rate = background_signatures_per_s(s_) * hsm_mix_;  // in reference-key signatures
}

// CT logs, pooled: submissions/s = SCTs per precertificate x the precertificates/s the operators that
// are up can serve (ct_certificate_rate), stepping as logs go down and come back. Every issuance
// (affected or background) visits it once, between its HSM signatures; revocations never do.
void Analysis::add_ct() {
  const Scenario& s = s_;
  if (s.ct.logs.empty()) return;
  Resource ct;
  ct.kind = ResourceKind::CT;
  ct.unit = resource_unit(ct.kind, s);
  const double sub_per_cert = s.ct.scts_required;
  ct.timeline = ct_certificate_timeline(s).scaled(sub_per_cert);
  ct.capacity0 = ct.timeline.at(0);
  for (size_t i = 0; i < s.ct.logs.size(); ++i)
    if (!ct_log_down(s, static_cast<int>(i), s.incident.horizon_s))
      ct.name += (ct.name.empty() ? "" : "+") + resource_name(ResourceKind::CT, s.ct.logs[i].name);
  if (ct.name.empty()) ct.name = resource_name(ResourceKind::CT);
  for (size_t d = 0; d < s.data_centers.size(); ++d) {
    ct.per_affected += affected_visits_.at(d, Visits::ISSUE_HSM) * sub_per_cert;
    ct.per_background += background_visits_.at(d, Visits::ISSUE_HSM) * sub_per_cert;
  }
  res_.push_back(ct);
}

// Links: the flows from each front end to the writer, and the binlog to every live replica.
void Analysis::add_links() {
  const Scenario& s = s_;
  const size_t dcs = s.data_centers.size();
  const OperationCost& iss = cost_.issuance;
  const OperationCost& rev = cost_.revocation;
  const Visits& aff = affected_visits_;
  const int writer = writer_.last;
  LinkLoads loads{topo_, {}};
  for (size_t d = 0; d < dcs; ++d) {
    const int fe = topo_.find(host_name(s.data_centers[d].name, "frontend"));
    const double revocation = aff.at(d, Visits::REVOKE_NET) * (rev.rpc_bytes + rev.db_bytes);
    loads.add(fe, writer, aff.at(d, Visits::ISSUE_NET) * (iss.rpc_bytes + iss.db_bytes) + revocation, revocation,
              background_visits_.at(d, Visits::ISSUE_NET) * (iss.rpc_bytes + iss.db_bytes));
  }
  for (size_t d = 0; d < dcs; ++d)
    if (down_.dc_down[d] > s.incident.horizon_s)
      for (int r : topo_.replicas(static_cast<int>(d)))
        if (r != writer && !cut_at(topo_.route(writer, r), s.incident.horizon_s))  // a cut link stops replication
          loads.add(writer, r, iss.db_bytes + rev.db_bytes, rev.db_bytes, iss.db_bytes);
  // CRL era: crl-updater in the (final) writer's data center reads from a replica there (else the writer)
  // and uploads to the cloud; those links are resources, with no work per certificate.
  if (crl_generation(s)) {
    const int wd = topo_.node(writer).dc;
    crl_db_ = writer;
    for (int r : topo_.replicas(wd))
      if (r != writer && crl_db_ == writer) crl_db_ = r;
    crl_ca_ = topo_.find(host_name(s.data_centers[static_cast<size_t>(wd)].name, "ca"));
    cloud_ = topo_.find("cloud");
    loads.add(crl_db_, crl_ca_, 0, 0, 0);
    if (cloud_ >= 0) loads.add(crl_ca_, cloud_, 0, 0, 0);
  }
  const std::vector<LinkProps> props = topo_.links();
  for (auto& [index, l] : loads.by_link) {
    const LinkProps& p = props[static_cast<size_t>(index)];
    l.kind = ResourceKind::LINK;
    l.name = resource_name(l.kind, p.name);
    l.unit = resource_unit(l.kind, s_);
    l.capacity0 = p.bandwidth_Bps;
    l.timeline = CapacityTimeline(p.bandwidth_Bps);
    if (p.dc >= 0 && std::isfinite(down_.dc_down[static_cast<size_t>(p.dc)]))
      l.timeline.set(down_.dc_down[static_cast<size_t>(p.dc)], 0);
    if (std::isfinite(link_down_[static_cast<size_t>(index)]))
      l.timeline.set(link_down_[static_cast<size_t>(index)], 0);
    // Both directions share the per-certificate figure: a flow's bytes cross a link one way, so the
    // busier direction is at most this; the analysis keeps the sum (conservative).
    link_res_[index] = res_.size();
    res_.push_back(l);
  }
}

void Analysis::add_front_station(size_t d, ResourceKind kind, double capacity, double per_issuance, double steady) {
  Resource x;
  x.name = resource_name(kind, s_.data_centers[d].name);
  x.kind = kind;
  x.unit = resource_unit(kind, s_);
  x.capacity0 = capacity;
  x.full = CapacityTimeline(capacity);
  if (std::isfinite(down_.dc_down[d])) x.full.set(down_.dc_down[d], 0);
  x.steady = steady;
  x.timeline = x.full.left_after(steady);
  x.per_affected = affected_visits_.at(d, Visits::ISSUE_NET) * per_issuance;
  x.per_background = background_visits_.at(d, Visits::ISSUE_NET) * per_issuance;
  res_.push_back(x);
}

// The API and the VA of each data center that has them: capacity while it is up, and the issuance's
// requests (validations) in its routing share; the API also answers the data center's share of the ARI
// polls, from t = 0.
void Analysis::add_front_stations() {
  const Scenario& s = s_;
  const OperationCost& iss = cost_.issuance;
  const double polls = s.clients.ari_poll_rate_per_s();
  for (size_t d = 0; d < s.data_centers.size(); ++d)
    if (s.data_centers[d].api_requests_per_s > 0)
      add_front_station(d, ResourceKind::API, s.data_centers[d].api_requests_per_s, iss.api_requests,
                        polls * share_[d]);
  if (s.validation.enabled)
    for (size_t d = 0; d < s.data_centers.size(); ++d)
      add_front_station(d, ResourceKind::VA, s.validation.validations_per_s, iss.validations, 0);
  if (s.validation.enabled && iss.validations > 0) latency_s_ = s.validation.latency_s();
}

// ARI polling's reads, spread over the live replicas of the data centers up (the writer's when none is).
void Analysis::add_replica_reads() {
  const Scenario& s = s_;
  const double polls = s.clients.ari_poll_rate_per_s();
  if (polls <= 0) return;
  Resource reads;
  reads.kind = ResourceKind::READS;
  reads.name = resource_name(reads.kind);
  reads.unit = resource_unit(reads.kind, s_);
  auto capacity_at = [&](double time) {
    double cap = 0;
    for (size_t d = 0; d < s.data_centers.size(); ++d)
      if (down_.dc_down[d] > time) cap += s.data_centers[d].db_replicas * s.data_centers[d].db.reads_per_s;
    if (cap <= 0 && down_.writer_lost > time)
      cap = s.data_centers[static_cast<size_t>(writer_.data_center)].db.reads_per_s;
    return cap;
  };
  for (double time : change_times_)
    if (std::isfinite(time)) reads.full.set(time, capacity_at(time));
  reads.capacity0 = reads.full.at(0);
  reads.steady = polls;
  reads.timeline = reads.full.left_after(polls);
  res_.push_back(reads);
}

}  // namespace surge::analytic_detail
