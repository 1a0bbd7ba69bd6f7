#include "sim/model.hpp"

#include <xbt/log.h>

#include <cmath>
#include <limits>

#include "models/controller.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(controller, surge_sim,
                                "surge: the revocation controller: when bulk revocation must start");

namespace surge::sim::detail {

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
      const double need = revocation_need_s(
          s_.incident, {remaining, cost_.revocation.signatures, signing, cost_.revocation.commits, commits});
      if (remaining > 0 && bulk_revocation_due(s_.incident, start, need, s_.step(kControllerInterval_s)))
        start_bulk_revocation();
    }
    sg4::this_actor::sleep_for(std::min(s_.step(kControllerInterval_s), horizon - now));
  }
  end_s_ = sg4::Engine::get_clock();
}

}  // namespace surge::sim::detail
