#include "clients.hpp"

#include <algorithm>
#include <cmath>

namespace surge {
namespace {

constexpr double kHour = 3600.0;
constexpr double kMinRetryAfter = 60.0;  // clients clamp Retry-After to [1 min, 1 day] (RFC 9773)
constexpr double kMaxRetryAfter = 86400.0;
// Independent random streams per purpose, so that changing one class leaves the others' draws alone.
constexpr std::uint64_t kStreamAri = 1;
constexpr std::uint64_t kStreamNoAri = 2;
constexpr std::uint64_t kStreamBackground = 3;

}  // namespace

double draw_ari_renewal(const Scenario& s, Rng& rng) {
  const Clients& c = s.clients;
  const double a = std::clamp(c.retry_after_s * (1.0 - c.retry_after_jitter), kMinRetryAfter, kMaxRetryAfter);
  const double b = std::clamp(c.retry_after_s * (1.0 + c.retry_after_jitter), kMinRetryAfter, kMaxRetryAfter);
  // The decision falls at a random point of each client's polling cycle: the wait until its next poll is
  // the forward recurrence time of a renewal process with intervals U[a, b]. Draw the interval that
  // covers the decision (length-biased: density proportional to x on [a, b]), then a uniform point in it.
  const double covering = std::sqrt(a * a + rng.uniform() * (b * b - a * a));
  const double poll = s.incident.decision_delay_s + rng.uniform() * covering;
  // The client renews at a uniform time in the served window; a window already open means at the poll.
  const double chosen = s.incident.decision_delay_s + rng.uniform(c.window_start_s, c.window_end_s);
  return std::max(poll, chosen);
}

double draw_normal_renewal(const Scenario& s, Rng& rng) {
  // Certificate ages are uniform, so the time to the normal renewal is uniform over the span.
  return s.incident.decision_delay_s + rng.uniform() * s.clients.normal_renewal_span_s;
}

double apply_clustering(const Clients& c, double t, Rng& rng) {
  if (c.burst_share <= 0 || rng.uniform() >= c.burst_share) return t;
  const double top = std::ceil(t / kHour) * kHour;
  const double offset =
      c.burst_shape == BurstShape::UNIFORM ? rng.uniform() * c.burst_width_s : rng.exponential(c.burst_width_s / 3.0);
  return top + offset;
}

ArrivalPlan plan_arrivals(const Scenario& s, std::uint64_t seed) {
  ArrivalPlan plan;
  const int k = s.effective_cohort_size();
  const double horizon = s.incident.horizon_s;
  const double total = s.workload.certificates;
  const double ari = std::round(total * s.clients.ari_share);

  auto add_class = [&](double count, ClientClass cls, std::uint64_t stream, auto&& draw) {
    Rng rng(seed, stream);
    for (double left = count; left > 0; left -= k) {
      const int size = static_cast<int>(std::min<double>(k, left));
      const double t = apply_clustering(s.clients, draw(rng), rng);
      // Affected cohorts are kept even beyond the horizon: bulk revocation must still revoke them.
      if (cls != ClientClass::BACKGROUND) {
        plan.cohorts.push_back(Cohort{t, size, cls});
        if (t >= horizon) plan.affected_beyond_horizon += size;
      } else if (t < horizon) {
        plan.cohorts.push_back(Cohort{t, size, cls});
      }
    }
  };
  add_class(ari, ClientClass::ARI, kStreamAri, [&](Rng& r) { return draw_ari_renewal(s, r); });
  add_class(total - ari, ClientClass::NO_ARI, kStreamNoAri, [&](Rng& r) { return draw_normal_renewal(s, r); });
  add_class(std::round(s.clients.background_issuance_per_s * horizon), ClientClass::BACKGROUND, kStreamBackground,
            [&](Rng& r) { return r.uniform() * horizon; });

  std::stable_sort(plan.cohorts.begin(), plan.cohorts.end(),
                   [](const Cohort& x, const Cohort& y) { return x.arrival_s < y.arrival_s; });
  return plan;
}

}  // namespace surge
