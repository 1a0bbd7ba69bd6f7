// The analytic planner's Report: the run's outcome, each resource's use, transfers, delays, admission
// control, and the searches.
#include "models/analysis.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "models/workload.hpp"

namespace surge::analytic_detail {
namespace {

constexpr double kLargestCapacityScale = 1e6;  // needed capacity: beyond this many times the actual, none does
constexpr int kCapacityBisections = 50;

// ARI polling's work (the resource's steady load) served while the resource is up, up to `end_s`.
struct Polled {
  double total = 0;   // from t = 0
  double active = 0;  // from the decision on
};

Polled steady_work(const Resource& x, double decision_s, double end_s) {
  Polled p;
  const auto& steps = x.full.steps();
  for (size_t i = 0; i < steps.size(); ++i) {
    const double from = steps[i].first;
    const double to = i + 1 < steps.size() ? std::min(end_s, steps[i + 1].first) : end_s;
    if (to <= from || steps[i].second <= 0) continue;
    p.total += x.steady * (to - from);
    p.active += x.steady * std::max(0.0, to - std::max(from, decision_s));
  }
  return p;
}

}  // namespace

Report Analysis::report(const AnalyticOptions& options) {
  const Scenario& s = s_;
  const Outcome o = run();
  Report r = report_outcome(o);
  // Background signing's figures, and the run's end: the simulator's run goes on until revocation is
  // published in a CRL.
  const bool crl_era = crl_generation(s);
  const CrlOutcome crl = crl_era ? crl_outcome(o) : CrlOutcome{};
  const RunTotals run = run_totals(o, crl);
  r.replaced_within_horizon = run.replaced;
  if (cost_.ocsp_resign_signatures_per_s > 0)
    r.ocsp_resign_signatures = cost_.ocsp_resign_signatures_per_s * run.run_end_s;
  if (crl_era) {
    r.crl_signatures = crl.signatures;
    r.crl_bytes_uploaded = crl.bytes_uploaded;
    r.revocations_published_s = crl.published_s;
    r.crl_period_s = s.workload.crl_period_s;
  }
  report_resources(r, run, options);
  report_transfers(r);
  report_delays(r, o);
  if (options.search_decision && affected_ > 0) r.latest_decision_s = latest_decision(o);
  if (options.recommend_window && affected_ > 0) r.recommended_window = recommend_window(options.target_utilisation);
  return r;
}

Report Analysis::report_outcome(const Outcome& o) const {
  const Scenario& s = s_;
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
  return r;
}

RunTotals Analysis::run_totals(const Outcome& o, const CrlOutcome& crl) const {
  const Scenario& s = s_;
  RunTotals run;
  run.run_end_s =
      crl_generation(s) ? crl.run_end_s : std::min(s.incident.horizon_s, std::max(o.completion, o.revocation_end));
  auto add_crl_bytes = [&](int from, int to, double bytes) {
    if (from < 0 || to < 0) return;
    for (const RouteHop& hop : topo_.route(from, to)) run.crl_link_bytes[link_res_.at(hop.link)] += bytes;
  };
  if (crl_generation(s)) {
    add_crl_bytes(crl_db_, crl_ca_, crl.bytes_read);
    add_crl_bytes(crl_ca_, cloud_, crl.bytes_uploaded);
  }
  for (size_t i = 0; i < n_; ++i) run.peak_rate = std::max(run.peak_rate, (d_affected_[i] + d_background_[i]) / dt_);
  // What the run did by its end, as the simulator counts work: the normal day's issuance, the affected
  // replacements, and every revocation done (after its replacement, or in bulk: certificates whose
  // clients never asked included).
  for (size_t i = 0; i < n_ && t(i) <= run.run_end_s; ++i) run.background += d_background_[i];
  run.replaced = std::min(s.workload.certificates, o.replaced[index_at_or_before(run.run_end_s)]);
  run.revoked = revoked_by(o, run.run_end_s);
  run.background_signatures = cost_.ocsp_resign_signatures_per_s * run.run_end_s + crl.signatures;
  run.busy_end_s =
      std::max(o.completion < kInf ? o.completion : s.incident.horizon_s, s.incident.decision_delay_s + dt_);
  return run;
}

// Resources: fluid completion, +10% sensitivity and the bottleneck, as the simulator ranks them.
void Analysis::report_resources(Report& r, const RunTotals& run, const AnalyticOptions& options) const {
  const Scenario& s = s_;
  std::vector<WorkArrival> units;
  for (size_t i = 0; i < n_; ++i)  // every request, affected or normal, as the simulator counts them
    if (d_affected_[i] + d_background_[i] > 0) units.push_back(WorkArrival{t(i), d_affected_[i] + d_background_[i]});
  std::vector<FluidResource> fluid;  // background signing's rate off the HSMs, as in run()
  for (const Resource& x : res_)
    fluid.push_back(FluidResource{x.name, x.certificate_timeline(), 0, work_arrivals(x, 0)});
  const BottleneckResult b = find_bottleneck(units, fluid, s_.step(kBindingLag_s));
  r.bottleneck = b.bottleneck;
  double sustainable = kInf;
  for (size_t k = 0; k < res_.size(); ++k) {
    const Resource& x = res_[k];
    const Polled polled = x.steady > 0 ? steady_work(x, s.incident.decision_delay_s, run.busy_end_s) : Polled{};
    if (x.steady > 0 && x.kind == ResourceKind::READS) r.ari_polls = polled.total;
    ResourceUse u = resource_use(k, run, polled.total, polled.active);
    // What the certificates get at the end: polling (timeline) and background signing are served first.
    const double left = x.certificate_timeline().at(s.incident.horizon_s);
    if (x.per_affected > 0 && left > 0) sustainable = std::min(sustainable, left / x.per_affected);
    for (const auto& [name, saved] : b.saved_s)
      if (name == x.name) u.saved_s = saved;
    for (const auto& [name, tc] : b.completion_s)
      if (name == x.name && std::isfinite(tc)) u.fluid_completion_s = tc;
    u.mean_wait_s = erlang_wait_s(x, run.peak_rate);
    u.needed_capacity = needed_capacity(x, fluid[k], options.headroom);
    if (x.kind == ResourceKind::HSM) r.signatures += u.work / hsm_mix_;  // actual signatures, whatever their key
    if (x.kind == ResourceKind::DB) r.db_commits += u.work;
    r.resources.push_back(u);
  }
  // By key: the certificates' own signatures (issuance and revocation); background signing is counted apart
  // (ocsp_resign_signatures, crl_signatures), as in the simulator.
  const double background_signed = r.ocsp_resign_signatures.value_or(0) + r.crl_signatures.value_or(0);
  for (const KeyShare& k : s.workload.keys())
    r.signatures_by_key[k.key] = std::max(0.0, r.signatures - background_signed) * k.share;
  if (std::isfinite(sustainable)) r.max_sustainable_rate_per_s = sustainable;
  r.headroom = options.headroom;
}

ResourceUse Analysis::resource_use(size_t k, const RunTotals& run, double polled, double polled_active) const {
  const Scenario& s = s_;
  const Resource& x = res_[k];
  ResourceUse u;
  u.name = x.name;
  u.kind = resource_kind_name(x.kind);
  u.unit = x.unit;
  u.capacity = x.capacity0;
  u.demand_per_certificate = x.per_affected;
  double work = run.background * x.per_background + run.replaced * (x.per_affected - x.per_revocation) +
                run.revoked * x.per_revocation;
  if (x.background_rate > 0)  // background signing done within the run, in reference-key signatures
    work += run.background_signatures * hsm_mix_;
  if (auto it = run.crl_link_bytes.find(k); it != run.crl_link_bytes.end()) work += it->second;
  double active_work = work;
  if (x.steady > 0) {  // ARI polling: served while the resource is up, from t = 0 to the end
    work += polled;
    active_work += polled_active;
  }
  u.work = work;
  const CapacityTimeline& own = x.steady > 0 ? x.full : x.timeline;
  const double offered = own.cumulative(run.busy_end_s) - own.cumulative(s.incident.decision_delay_s);
  u.mean_utilisation = offered > 0 ? std::min(1.0, active_work / offered) : 0;
  u.mean_busy = u.mean_utilisation;
  u.available = own.at(s.incident.horizon_s) > 0;
  const double demand_rate = run.peak_rate * x.per_affected + x.steady + x.background_rate;
  const double final_own = own.at(s.incident.horizon_s);
  u.peak_utilisation = final_own > 0 ? std::min(1.0, demand_rate / final_own) : 0;
  return u;
}

// Below saturation, at the peak request rate (one visit of x.per_affected work): Erlang C, scaled for
// service-time variability by the Allen-Cunneen M/G/c approximation, (1 + scv) / 2 (exact for c = 1).
std::optional<double> Analysis::erlang_wait_s(const Resource& x, double peak_rate) const {
  const double final_cap = x.timeline.at(s_.incident.horizon_s);
  if (!(x.servers > 0 && final_cap > 0)) return std::nullopt;
  const double service = x.per_affected / (final_cap / x.servers);
  const double scv = x.kind == ResourceKind::HSM ? s_.hsm_service.scv() : s_.db_service.scv();
  const double wait = mmc_mean_wait_s(peak_rate, service, x.servers) * (1 + scv) / 2;
  if (!std::isfinite(wait)) return std::nullopt;
  return wait;
}

// The capacity this resource alone would need for the deadline, with the headroom: bisection on a scale
// of its capacity after background signing.
double Analysis::needed_capacity(const Resource& x, const FluidResource& fluid, double headroom) const {
  const double deadline = s_.incident.deadline_s;
  if (!(x.per_affected > 0 && affected_ > 0 && last_arrival_ <= deadline)) return 0;
  double lo = 0, hi = 1;
  const CapacityTimeline& cap = fluid.capacity;  // after background signing
  const FinishTest test(fluid.own);
  while (!test.in_time(cap.scaled(hi), deadline) && hi < kLargestCapacityScale) hi *= 2;
  if (hi >= kLargestCapacityScale) return 0;
  for (int it = 0; it < kCapacityBisections; ++it) {
    const double mid = 0.5 * (lo + hi);
    (test.in_time(cap.scaled(mid), deadline) ? hi : lo) = mid;
  }
  if (x.background_rate > 0) {  // background signing: what the certificates get, scaled, plus it
    const double certificates_capacity = cap.at(0);
    return (hi * certificates_capacity + x.background_rate) * (1 + headroom);
  }
  // What is left after the polling, scaled, plus the polling (zero for other resources).
  return (hi * (x.capacity0 - x.steady) + x.steady) * (1 + headroom);
}

// Incident transfers, each alone on its path: done when its narrowest link has carried it, unless a
// link failure cuts the path first (the simulator does not retry a broken transfer). (The simulator
// shares links between them and with issuance; see docs/MODEL.md.)
void Analysis::report_transfers(Report& r) const {
  const std::vector<LinkProps> links = topo_.links();
  for (const Transfer& tr : s_.transfers) {
    double narrowest = kInf, latency = 0, cut = kInf;
    for (const RouteHop& hop : topo_.route(topo_.place(tr.from), topo_.place(tr.to))) {
      narrowest = std::min(narrowest, links[static_cast<size_t>(hop.link)].bandwidth_Bps);
      latency += links[static_cast<size_t>(hop.link)].latency_s;
      cut = std::min(cut, link_down_[static_cast<size_t>(hop.link)]);
    }
    TransferOutcome out{tr.name, tr.bytes, tr.start_s, std::nullopt};
    const double done = tr.start_s + latency + tr.bytes / narrowest;
    if (std::isfinite(done) && done <= s_.incident.horizon_s && done < cut) out.done_s = done;
    r.transfers.push_back(out);
  }
}

// Time to replace: in FIFO order, each interval's requests are replaced as the replaced curve passes
// them, spread over that time; the delay runs from their first request (earlier than t_i when
// admission control refused them first). Then each class's, and admission control's refusals.
void Analysis::report_delays(Report& r, const Outcome& o) const {
  const std::vector<ServedPiece> pieces = served_pieces(o);
  WeightedValues delays;  // (delay, certificates)
  for (const ServedPiece& p : pieces) {
    delays.v.push_back({std::max(0.0, p.replaced_s - interval_first_request(p.interval)), p.certificates});
    delays.total += p.certificates;
  }
  delays.sort();
  r.time_to_replace_s.p50 = delays.quantile(0.5);
  r.time_to_replace_s.p99 = delays.quantile(0.99);
  r.time_to_replace_s.measured = delays.total > 0;
  r.time_to_replace_s.resolution_s = dt_;
  r.classes = class_outcomes(o, pieces);
  if (!s_.admission.enabled()) return;
  r.rejected_requests = rejected_requests_;
  r.rejected_certificates = rejected_certificates_;
  r.admission_delay_total_s = admission_delay_total_s_;
  r.admission_delay_mean_s = delayed_admitted_ > 0 ? admission_delay_total_s_ / delayed_admitted_ : 0;
  for (size_t k = 0; k < r.classes.size(); ++k) {
    r.classes[k].rejected_requests = class_rejected_requests_[k];
    r.classes[k].rejected_certificates = class_rejected_certificates_[k];
  }
}

}  // namespace surge::analytic_detail
