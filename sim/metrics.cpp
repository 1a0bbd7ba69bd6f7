#include "sim/model.hpp"

#include <xbt/log.h>

#include <cmath>
#include <sstream>

#include "models/broken_sites.hpp"
#include "models/clients.hpp"
#include "models/statistics.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(metrics, surge_sim,
                                "surge: the samples (utilisation, busy servers, queues) and the report");

namespace surge::sim::detail {

// Busy sessions (or connections) of a resource over [a, b], as a share of the servers offered then
// (servers follow the capacity timeline: a failed member's sessions are not offered).
double Model::busy_share(const Tracked& t, double area_before, double a, double b) const {
  const double offered = t.servers_per_capacity * (t.timeline.cumulative(b) - t.timeline.cumulative(a));
  return offered > 0 ? (busy_area(t, b) - area_before) / offered : 0;
}

void Model::monitor() {
  double last_t = 0;
  while (true) {
    sg4::this_actor::sleep_for(s_.step(opt_.sample_interval_s));
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

// Weighted percentile of (value, weight) pairs.
double percentile(std::vector<std::pair<double, double>>& v, double q) {
  WeightedValues w;
  w.v.swap(v);
  w.sort();
  for (const auto& p : w.v) w.total += p.second;  // in sorted order
  const double at = w.quantile(q);
  v.swap(w.v);
  return at;
}

Tracked tracked_resource(ResourceKind kind, const std::string& place, double capacity, const Scenario& s) {
  Tracked t;
  t.kind = kind;
  t.name = resource_name(kind, place);
  t.unit = resource_unit(kind, s);
  t.capacity = capacity;
  t.timeline = CapacityTimeline(capacity);
  return t;
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
  report_outcomes(r);
  r.classes = class_outcomes();
  if (s_.admission.enabled()) report_admission(r);
  report_signing(r);
  for (size_t i = 0; i < tracked_.size(); ++i) r.resources.push_back(resource_use(i));
  for (const Tracked& t : tracked_) {
    if (t.kind == ResourceKind::HSM) r.signatures += t.signatures;
    if (t.kind == ResourceKind::DB) r.db_commits += t.work();
  }
  report_bottleneck(r);
  if (!ct_logs_.empty() && ct_stats_.jobs > 0) {
    r.sct_wait_mean_s = ct_stats_.sum_sojourn / static_cast<double>(ct_stats_.jobs);
    r.sct_queue_wait_mean_s = ct_stats_.sum_wait / static_cast<double>(ct_stats_.jobs);
  }
  r.transfers = transfers_;
  r.series_columns = columns_;
  r.series = series_;
  r.wall_s = wall_s;
  r.activities = activities_;
  return r;
}

// Replaced and revoked by the deadline, completion times, time to replace and broken sites.
void Model::report_outcomes(Report& r) const {
  const double deadline = s_.incident.deadline_s;
  double last_replaced = 0, last_revoked = 0;
  bool all_replaced = true, all_revoked = true;
  std::vector<std::pair<double, double>> ttr;
  for (const CohortState& c : cohorts_) {
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
}

// The orders refused with a 503, and how long their clients waited to be admitted.
void Model::report_admission(Report& r) const {
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

// Signatures by key and by purpose, replication lag, CRL publication and ARI polls.
void Model::report_signing(Report& r) const {
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
}

// One tracked resource's figures: work, mean utilisation over the incident's active period against the
// capacity offered then, peak, busy servers, and queueing statistics after the warm-up.
ResourceUse Model::resource_use(size_t i) const {
  const Tracked& t = tracked_[i];
  const double work = t.work();
  const double offered = t.timeline.cumulative(end_s_) - t.timeline.cumulative(s_.incident.decision_delay_s);
  const double active_work = work - t.work_at_decision;
  ResourceUse u;
  u.name = t.name;
  u.kind = resource_kind_name(t.kind);
  u.unit = t.unit;
  u.capacity = t.timeline.at(0);  // failures at 0 h included, as the planner's
  u.work = work;
  u.mean_utilisation = offered > 0 ? active_work / offered : 0;
  u.peak_utilisation = t.peak;
  u.available = t.alive;
  if (!t.servers.empty()) u.mean_busy = busy_share(t, t.busy_at_decision, s_.incident.decision_delay_s, end_s_);
  const StationStats* st = t.kind == ResourceKind::HSM  ? &hsm_[i].stats
                           : t.kind == ResourceKind::DB ? &db_stats_
                           : t.kind == ResourceKind::CT ? &ct_logs_[i - static_cast<size_t>(first_ct_tracked_)].stats
                                                        : nullptr;
  if (st && st->jobs > 0) {
    const double span = end_s_ - s_.warm_up_s;
    u.jobs = st->jobs;
    u.mean_wait_s = st->sum_wait / static_cast<double>(st->jobs);
    u.mean_sojourn_s = st->sum_sojourn / static_cast<double>(st->jobs);
    u.sojourn_p50_s = st->sojourn.quantile(0.5);
    u.sojourn_p99_s = st->sojourn.quantile(0.99);
    if (span > 0) u.mean_in_system = st->area_at(end_s_) / span;
    if (span > 0) u.throughput_per_s = static_cast<double>(st->jobs) / span;
  }
  return u;
}

// The work the run admitted, in time order: admitted orders, and bulk revocations of those never asked.
std::vector<WorkArrival> Model::admitted_work() const {
  std::vector<WorkArrival> arrivals;
  for (const CohortState& c : cohorts_) {
    if (c.arrived)
      arrivals.push_back(WorkArrival{c.admitted_s, static_cast<double>(c.c.size)});
    else if (c.revoked_s >= 0 && bulk_start_)
      arrivals.push_back(WorkArrival{*bulk_start_, static_cast<double>(c.c.size)});
  }
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const WorkArrival& a, const WorkArrival& b) { return a.t < b.t; });
  return arrivals;
}

// The HSM groups' capacity summed over every change time, less background signing's steady rate (the
// fluid view of a FIFO shared with a constant stream).
CapacityTimeline Model::pooled_hsm_timeline() const {
  const double background_rate = background_signatures_per_s(s_);
  std::vector<double> times{0.0};
  for (const Tracked& t : tracked_)
    if (t.kind == ResourceKind::HSM)
      for (const auto& st : t.timeline.steps()) times.push_back(st.first);
  std::sort(times.begin(), times.end());
  CapacityTimeline sum(0.0);
  for (double tm : times) {
    double cap = 0;
    for (const Tracked& t : tracked_) {
      if (t.kind != ResourceKind::HSM) continue;
      double v = 0;
      for (const auto& st : t.timeline.steps())
        if (st.first <= tm) v = st.second;
      cap += v;
    }
    sum.set(tm, cap > 0 ? std::max(0.0, cap - background_rate) : 0.0);
  }
  return sum;
}

// The resources the fluid arithmetic sees, each with its work per unit of admitted work. HSM groups
// sign interchangeably: one resource for all groups still alive, named "hsm:dc1+hsm:dc2". CT logs
// likewise: one resource in submissions/s, whose capacity is SCTs per precertificate x the
// precertificates/s the operators up can serve (SCTs must come from different operators).
std::vector<FluidResource> Model::fluid_resources(double units) const {
  std::vector<FluidResource> fluid;
  std::string hsm_name, ct_name;
  double hsm_work = 0, ct_work = 0;
  for (const Tracked& t : tracked_) {
    const double work = t.work();
    if (t.kind == ResourceKind::HSM) {
      hsm_work += work;
      if (t.alive) hsm_name += (hsm_name.empty() ? "" : "+") + t.name;
      continue;
    }
    if (t.kind == ResourceKind::CT) {
      ct_work += work;
      if (t.alive) ct_name += (ct_name.empty() ? "" : "+") + t.name;
      continue;
    }
    if (!t.alive || units <= 0) continue;
    fluid.push_back(FluidResource{t.name, steady_left(t), per_unit(t, units), {}});
  }
  if (units > 0 && !hsm_name.empty())
    fluid.push_back(
        FluidResource{hsm_name, pooled_hsm_timeline(), (hsm_work - ocsp_signed_ - crl_signed_) / units, {}});
  if (!ct_logs_.empty() && units > 0) {
    if (ct_name.empty()) ct_name = resource_name(ResourceKind::CT);
    fluid.push_back(
        FluidResource{ct_name, ct_certificate_timeline(s_).scaled(s_.ct.scts_required), ct_work / units, {}});
  }
  return fluid;
}

// The API's polls are a steady load: what is left of its capacity at their mean rate serves issuance.
CapacityTimeline Model::steady_left(const Tracked& t) const {
  return t.steady_work > 0 && end_s_ > 0 ? t.timeline.left_after(t.steady_work / end_s_) : t.timeline;
}

// A front station that served none of its issuance (its polls took it whole, the requests queue behind
// them) still has the certificates' demand: count each unit's, or it would look idle.
double Model::per_unit(const Tracked& t, double units) const {
  double per = t.certificate_work() / units;
  if (per <= 0 && (t.kind == ResourceKind::API || t.kind == ResourceKind::VA))
    per = t.kind == ResourceKind::API ? cost_.issuance.api_requests : cost_.issuance.validations;
  return per;
}

// Bottleneck: the fluid arithmetic on the run's own arrivals and work; each resource takes the figures
// of the (pooled) resource that covers it.
void Model::report_bottleneck(Report& r) const {
  const std::vector<WorkArrival> arrivals = admitted_work();
  double units = 0;
  for (const WorkArrival& a : arrivals) units += a.work;
  const BottleneckResult b = find_bottleneck(arrivals, fluid_resources(units), s_.step(kBindingLag_s));
  r.bottleneck = b.bottleneck;
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
}

}  // namespace surge::sim::detail
