#include "sim/model.hpp"

#include <xbt/log.h>

#include <queue>
#include <tuple>

#include "models/clients.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(
    source, surge_sim,
    "surge: the source: the cohorts' orders to the API in time order, admission control and its retries");

namespace surge::sim::detail {

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
      const double again = at + (cron ? classes[static_cast<size_t>(c.c.client_class)].period_s(s_.clients)
                                      : s_.admission.retry_after_s);
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

}  // namespace surge::sim::detail
