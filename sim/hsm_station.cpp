#include "sim/model.hpp"

#include <xbt/log.h>

#include <limits>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(hsm_station, surge_sim,
                                "surge: the HSM groups: routing signing work, the sessions, capacity after failures");

namespace surge::sim::detail {

double Model::job_signatures(const Job& j) const {
  if (j.kind == JobKind::SIGN) return background_[static_cast<size_t>(j.cohort)].signatures;
  double per = j.kind == JobKind::ISSUE ? cost_.issuance.signatures : cost_.revocation.signatures;
  if (j.with_ct()) per = j.step == kPrecertStep ? precert_signatures_ : per - precert_signatures_;
  return per * cohorts_[static_cast<size_t>(j.cohort)].c.size;
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

}  // namespace surge::sim::detail
