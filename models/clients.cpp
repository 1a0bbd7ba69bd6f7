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

// Poll intervals are uniform on [a, b] after clamping.
std::pair<double, double> poll_interval(const Clients& c) {
  return {std::clamp(c.retry_after_s * (1.0 - c.retry_after_jitter), kMinRetryAfter, kMaxRetryAfter),
          std::clamp(c.retry_after_s * (1.0 + c.retry_after_jitter), kMinRetryAfter, kMaxRetryAfter)};
}

// Smallest t in [lo, hi] with cdf(t) >= q (the CDFs are continuous and non-decreasing).
template <typename Cdf>
double quantile(const Cdf& cdf, double q, double lo, double hi) {
  constexpr int kBisections = 60;
  for (int i = 0; i < kBisections; ++i) {
    const double mid = 0.5 * (lo + hi);
    (cdf(mid) >= q ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

double ari_renewal_cdf(const Scenario& s, double t) {
  const auto [a, b] = poll_interval(s.clients);
  const double x = t - s.incident.decision_delay_s;
  if (x <= 0) return 0;
  // Forward recurrence of U[a, b] intervals: density (1 - F(x)) / mean.
  const double mean = 0.5 * (a + b);
  double poll = 1.0;
  if (x < a) {
    poll = x / mean;
  } else if (x < b) {
    poll = (x - (x - a) * (x - a) / (2 * (b - a))) / mean;
  }
  const double ws = s.clients.window_start_s, we = s.clients.window_end_s;
  const double window = x >= we ? 1.0 : x < ws ? 0.0 : (x - ws) / (we - ws);
  return poll * window;
}

double normal_renewal_cdf(const Scenario& s, double t) {
  const double x = t - s.incident.decision_delay_s;
  return std::clamp(x / s.clients.normal_renewal_span_s, 0.0, 1.0);
}

namespace {

// The deterministic plan: quantiles instead of draws.
ArrivalPlan plan_means(const Scenario& s) {
  ArrivalPlan plan;
  const int k = s.effective_cohort_size();
  const double horizon = s.incident.horizon_s;
  const Clients& c = s.clients;
  const double ari = std::round(s.workload.certificates * c.ari_share);
  const double d = s.incident.decision_delay_s;
  const auto [a, b] = poll_interval(c);
  const double latest = d + std::max(b, c.window_end_s);
  const double mean_offset = c.burst_shape == BurstShape::UNIFORM ? c.burst_width_s / 2 : c.burst_width_s / 3;
  long index = 0;  // across classes, for the clustering's every (1 / share)-th cohort
  auto add_class = [&](double count, ClientClass cls, auto&& at_quantile) {
    const long n = static_cast<long>(std::ceil(count / k));
    for (long i = 0; i < n; ++i) {
      const int size = static_cast<int>(std::min<double>(k, count - static_cast<double>(i) * k));
      double t = at_quantile((static_cast<double>(i) + 0.5) / static_cast<double>(n));
      const bool moved = std::floor((index + 1) * c.burst_share) > std::floor(index * c.burst_share);
      ++index;
      if (moved) t = std::ceil(t / kHour) * kHour + mean_offset;
      if (cls != ClientClass::BACKGROUND) {
        plan.cohorts.push_back(Cohort{t, size, cls});
        if (t >= horizon) plan.affected_beyond_horizon += size;
      } else if (t < horizon) {
        plan.cohorts.push_back(Cohort{t, size, cls});
      }
    }
  };
  add_class(ari, ClientClass::ARI,
            [&](double q) { return quantile([&](double t) { return ari_renewal_cdf(s, t); }, q, d, latest); });
  add_class(s.workload.certificates - ari, ClientClass::NO_ARI,
            [&](double q) { return d + q * c.normal_renewal_span_s; });
  add_class(std::round(c.background_issuance_per_s * horizon), ClientClass::BACKGROUND,
            [&](double q) { return q * horizon; });
  std::stable_sort(plan.cohorts.begin(), plan.cohorts.end(),
                   [](const Cohort& x, const Cohort& y) { return x.arrival_s < y.arrival_s; });
  return plan;
}

}  // namespace

double draw_ari_renewal(const Scenario& s, Rng& rng) {
  const Clients& c = s.clients;
  const auto [a, b] = poll_interval(c);
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
  if (!s.randomness) return plan_means(s);
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
