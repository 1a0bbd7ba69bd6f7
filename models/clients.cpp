#include "models/clients.hpp"
#include "models/units.hpp"

#include <algorithm>
#include <cmath>

namespace surge {
namespace {

constexpr double kMinRetryAfter = kSecondsPerMinute;  // clients clamp Retry-After to [1 min, 1 day] (RFC 9773)
constexpr double kMaxRetryAfter = kSecondsPerDay;
// Independent random streams per class, so that changing one class leaves the others' draws alone.
// Classes 0 and 1 keep streams 1 and 2, the ARI and no-ARI streams from before client classes (so the
// default two classes draw exactly as they did); the background is 3; classes from index 2 take 4, 5, ...
constexpr std::uint64_t kStreamFirstClass = 1;
constexpr std::uint64_t kStreamBackground = 3;
constexpr size_t kClassesBeforeBackground = 2;

// Batch 0 of a class draws from the class's stream (so one batch draws exactly as before batches); batch
// b >= 1 from the class's stream + b x 2^32, clear of every class stream.
constexpr int kBatchStreamShift = 32;

std::uint64_t class_stream(size_t index) {
  return index < kClassesBeforeBackground ? kStreamFirstClass + index
                                          : kStreamBackground + 1 + (index - kClassesBeforeBackground);
}

std::uint64_t batch_stream(size_t class_index, size_t batch) {
  return class_stream(class_index) + (static_cast<std::uint64_t>(batch) << kBatchStreamShift);
}

// Poll intervals are uniform on [a, b] after clamping.
std::pair<double, double> poll_interval(const Clients& c) {
  const double least = kMinRetryAfter / c.time_scale, most = kMaxRetryAfter / c.time_scale;
  return {std::clamp(c.retry_after_s * (1.0 - c.retry_after_jitter), least, most),
          std::clamp(c.retry_after_s * (1.0 + c.retry_after_jitter), least, most)};
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

namespace {

// The ARI renewal CDF of one batch, its constants taken once (the planner asks it at every grid point).
class AriCdf {
 public:
  AriCdf(const Scenario& s, double enabled_s)
      : poll_(poll_interval(s.clients)),
        mean_(0.5 * (poll_.first + poll_.second)),
        decision_(s.incident.decision_delay_s),
        enabled_(enabled_s),
        window_start_(s.clients.window_start_s),
        window_end_(s.clients.window_end_s) {}

  double operator()(double t) const {
    const auto [a, b] = poll_;
    const double x = t - decision_ - enabled_;
    if (x <= 0) return 0;
    // Forward recurrence of U[a, b] intervals: density (1 - F(x)) / mean.
    double poll = 1.0;
    if (x < a) {
      poll = x / mean_;
    } else if (x < b) {
      poll = (x - (x - a) * (x - a) / (2 * (b - a))) / mean_;
    }
    const double ws = window_start_, we = window_end_;
    const double window = x >= we ? 1.0 : x < ws ? 0.0 : (x - ws) / (we - ws);
    return poll * window;
  }
  /// Whether every client of the batch has asked by t (the CDF is 1 from then on, to the bit).
  bool complete(double t) const {
    const double x = t - decision_ - enabled_;
    return x >= poll_.second && x >= window_end_;
  }

 private:
  std::pair<double, double> poll_;
  double mean_, decision_, enabled_, window_start_, window_end_;
};

}  // namespace

double ari_renewal_cdf(const Scenario& s, double t, double enabled_s) {
  return AriCdf(s, enabled_s)(t);
}

double normal_renewal_cdf(const Scenario& s, double t) {
  const double x = t - s.incident.decision_delay_s;
  return std::clamp(x / s.clients.normal_renewal_span_s, 0.0, 1.0);
}

double cron_renewal_cdf(const Scenario& s, const ClientClass& c, double t) {
  // X = U[0, P] + U[0, S]: the density rises over [0, min], is flat to max, falls to P + S.
  const double x = t - s.incident.decision_delay_s;
  const double p = c.period_s(s.clients), sleep = c.random_sleep_s;
  if (x <= 0) return 0;
  if (sleep <= 0) return std::min(1.0, x / p);
  const double lo = std::min(p, sleep), hi = std::max(p, sleep);
  if (x >= p + sleep) return 1;
  if (x <= lo) return x * x / (2 * p * sleep);
  if (x <= hi) return (x - lo / 2) / hi;
  const double left = p + sleep - x;
  return 1 - left * left / (2 * p * sleep);
}

double email_renewal_cdf(const Scenario& s, const ClientClass& c, double t, double enabled_s) {
  const double x = t - s.incident.decision_delay_s - enabled_s;
  if (x <= 0) return normal_renewal_cdf(s, t);
  const double answered = c.response.cdf(x / c.response_mean_s);
  return 1 - (1 - normal_renewal_cdf(s, t)) * (1 - answered);
}

double class_renewal_cdf(const Scenario& s, const ClientClass& c, double t, double enabled_s) {
  switch (c.kind) {
    case ClientKind::ARI:
      return ari_renewal_cdf(s, t, enabled_s);
    case ClientKind::CRON:
      return cron_renewal_cdf(s, c, t);
    case ClientKind::EMAIL:
      return email_renewal_cdf(s, c, t, enabled_s);
    case ClientKind::UNREACHED:
      return normal_renewal_cdf(s, t);
  }
  return 0;
}

double class_arrival_cdf(const Scenario& s, const ClientClass& c, double t) {
  if (!follows_batches(c.kind) || s.incident.batches.empty()) return class_renewal_cdf(s, c, t);
  double asked = 0;
  for (const IncidentBatch& b : s.incident.batches) asked += b.share * class_renewal_cdf(s, c, t, b.enabled_s);
  return asked;
}

void class_requests(const Scenario& s, const ClientClass& c, double count, double dt_s, std::vector<double>& requests) {
  if (c.kind != ClientKind::ARI) {
    for (size_t i = 1; i < requests.size(); ++i)
      requests[i] = count * class_arrival_cdf(s, c, static_cast<double>(i) * dt_s);
    return;
  }
  // ARI: class_arrival_cdf's sum over batches, with each batch's constants once. Without batches the one
  // batch at 0 has share 1, and 0 + 1 x CDF is the CDF to the bit.
  std::vector<std::pair<double, AriCdf>> batches;  // (share, CDF)
  for (const IncidentBatch& b : incident_batches(s)) batches.emplace_back(b.share, AriCdf(s, b.enabled_s));
  auto asked = [&](double t) {
    double sum = 0;
    for (const auto& [share, cdf] : batches) sum += share * cdf(t);
    return sum;
  };
  auto complete = [&](double t) {
    return std::all_of(batches.begin(), batches.end(), [&](const auto& b) { return b.second.complete(t); });
  };
  for (size_t i = 1; i < requests.size(); ++i) {
    const double t = static_cast<double>(i) * dt_s;
    requests[i] = count * asked(t);
    if (complete(t)) {  // each CDF is 1 from here on, so every later point asks as many
      std::fill(requests.begin() + static_cast<std::ptrdiff_t>(i) + 1, requests.end(), requests[i]);
      break;
    }
  }
}

std::vector<IncidentBatch> incident_batches(const Scenario& s) {
  if (!s.incident.batches.empty()) return s.incident.batches;
  return {IncidentBatch{}};
}

bool follows_batches(ClientKind kind) {
  return kind == ClientKind::ARI || kind == ClientKind::EMAIL;
}

bool follows_window(ClientKind kind) {
  return kind == ClientKind::ARI;
}

std::vector<double> batch_certificates(const Scenario& s, double count) {
  std::vector<double> shares;
  for (const IncidentBatch& b : incident_batches(s)) shares.push_back(b.share);
  return split_by_shares(count, shares);
}

std::vector<ClientClass> client_classes(const Scenario& s) {
  if (!s.clients.classes.empty()) return s.clients.classes;
  ClientClass ari, rest;
  ari.name = "ari", ari.kind = ClientKind::ARI, ari.share = s.clients.ari_share;
  rest.name = "unreached", rest.kind = ClientKind::UNREACHED, rest.share = 1.0 - s.clients.ari_share;
  return {ari, rest};
}

std::vector<double> split_by_shares(double total, const std::vector<double>& shares) {
  std::vector<double> out;
  double cumulative_share = 0, assigned = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    cumulative_share += shares[i];
    const double upto = i + 1 == shares.size() ? total : std::min(total, std::round(total * cumulative_share));
    out.push_back(std::max(0.0, upto - assigned));
    assigned = std::max(assigned, upto);
  }
  return out;
}

std::vector<double> class_certificates(const Scenario& s, const std::vector<ClientClass>& classes) {
  std::vector<double> shares;
  for (const ClientClass& c : classes) shares.push_back(c.share);
  return split_by_shares(s.workload.certificates, shares);
}

namespace {

// Adds a cohort to the plan. Affected cohorts are kept even beyond the horizon (bulk revocation must
// still revoke them, and they count as asking after it); the normal day's only before the horizon.
void keep(ArrivalPlan& plan, const Cohort& cohort, double horizon) {
  if (cohort.affected()) {
    plan.cohorts.push_back(cohort);
    if (cohort.arrival_s >= horizon) plan.affected_beyond_horizon += cohort.size;
  } else if (cohort.arrival_s < horizon) {
    plan.cohorts.push_back(cohort);
  }
}

// A class's (or the background's) certificates split by the issuers' shares.
std::vector<double> by_key(const Scenario& s, double count) {
  std::vector<double> shares;
  for (const KeyShare& k : s.workload.keys()) shares.push_back(k.share);
  return split_by_shares(count, shares);
}

// The deterministic plan: quantiles instead of draws.
ArrivalPlan plan_means(const Scenario& s) {
  ArrivalPlan plan;
  const int k = s.effective_cohort_size();
  const double horizon = s.incident.horizon_s;
  const Clients& c = s.clients;
  const double d = s.incident.decision_delay_s;
  const auto [a, b] = poll_interval(c);
  const double mean_offset = c.burst_shape == BurstShape::UNIFORM ? c.burst_width_s / 2 : c.burst_width_s / 3;
  long index = 0;  // across classes, for the clustering's every (1 / share)-th cohort
  // Each issuer's part of a class spreads over the class's whole distribution, as the planner's shares do.
  auto add_class = [&](double class_count, int cls, auto&& at_quantile) {
    const std::vector<double> counts = by_key(s, class_count);
    for (size_t key = 0; key < counts.size(); ++key) {
      const double count = counts[key];
      const long n = static_cast<long>(std::ceil(count / k));
      for (long i = 0; i < n; ++i) {
        const int size = static_cast<int>(std::min<double>(k, count - static_cast<double>(i) * k));
        double t = at_quantile((static_cast<double>(i) + 0.5) / static_cast<double>(n));
        const bool moved = std::floor((index + 1) * c.burst_share) > std::floor(index * c.burst_share);
        ++index;
        if (moved) t = std::ceil(t / c.hour_s()) * c.hour_s() + mean_offset;
        keep(plan, Cohort{t, size, cls, static_cast<int>(key)}, horizon);
      }
    }
  };
  const std::vector<ClientClass> classes = client_classes(s);
  const std::vector<double> counts = class_certificates(s, classes);
  const std::vector<IncidentBatch> batches = incident_batches(s);
  for (size_t i = 0; i < classes.size(); ++i) {
    const ClientClass& cc = classes[i];
    // Each batch's cohorts at the quantiles of the class's CDF from the batch's enabling; classes that do not
    // follow batches are one batch at the decision.
    const std::vector<double> per_batch =
        follows_batches(cc.kind) ? batch_certificates(s, counts[i]) : std::vector<double>{counts[i]};
    for (size_t bi = 0; bi < per_batch.size(); ++bi) {
      const double e = follows_batches(cc.kind) ? batches[bi].enabled_s : 0.0;
      // Bisection brackets: each batch's renewals all fall within [d, latest].
      double latest = d + e + c.normal_renewal_span_s;
      if (cc.kind == ClientKind::ARI) latest = d + e + std::max(b, c.window_end_s);
      if (cc.kind == ClientKind::CRON) latest = d + cc.period_s(c) + cc.random_sleep_s;
      add_class(per_batch[bi], static_cast<int>(i), [&](double q) {
        // The normal schedule's quantile is exact; the others are inverted numerically.
        if (cc.kind == ClientKind::UNREACHED) return d + q * c.normal_renewal_span_s;
        return quantile([&](double t) { return class_renewal_cdf(s, cc, t, e); }, q, d, latest);
      });
    }
  }
  add_class(std::round(c.background_issuance_per_s * horizon), kBackgroundClass, [&](double q) { return q * horizon; });
  std::stable_sort(plan.cohorts.begin(), plan.cohorts.end(),
                   [](const Cohort& x, const Cohort& y) { return x.arrival_s < y.arrival_s; });
  return plan;
}

}  // namespace

double draw_ari_renewal(const Scenario& s, Rng& rng, double enabled_s) {
  const Clients& c = s.clients;
  const double from = s.incident.decision_delay_s + enabled_s;  // the CA serves the window from then
  const auto [a, b] = poll_interval(c);
  // The decision falls at a random point of each client's polling cycle: the wait until its next poll is
  // the forward recurrence time of a renewal process with intervals U[a, b]. Draw the interval that
  // covers the decision (length-biased: density proportional to x on [a, b]), then a uniform point in it.
  const double covering = std::sqrt(a * a + rng.uniform() * (b * b - a * a));
  const double poll = from + rng.uniform() * covering;
  // The client renews at a uniform time in the served window; a window already open means at the poll.
  const double chosen = from + rng.uniform(c.window_start_s, c.window_end_s);
  return std::max(poll, chosen);
}

double draw_normal_renewal(const Scenario& s, Rng& rng) {
  // Certificate ages are uniform, so the time to the normal renewal is uniform over the span.
  return s.incident.decision_delay_s + rng.uniform() * s.clients.normal_renewal_span_s;
}

double draw_cron_renewal(const Scenario& s, const ClientClass& c, Rng& rng) {
  // The client's schedule has a random phase relative to the decision, so its next run is uniform over
  // one period; the run then sleeps a uniform time before it renews (certbot's random delay).
  const double run = rng.uniform() * c.period_s(s.clients);
  return s.incident.decision_delay_s + run + rng.uniform() * c.random_sleep_s;
}

double draw_email_renewal(const Scenario& s, const ClientClass& c, Rng& rng, double enabled_s) {
  const double normal = draw_normal_renewal(s, rng);
  const double answer = s.incident.decision_delay_s + enabled_s + c.response_mean_s * c.response.draw(rng);
  return std::min(normal, answer);
}

double draw_renewal(const Scenario& s, const ClientClass& c, Rng& rng, double enabled_s) {
  switch (c.kind) {
    case ClientKind::ARI:
      return draw_ari_renewal(s, rng, enabled_s);
    case ClientKind::CRON:
      return draw_cron_renewal(s, c, rng);
    case ClientKind::EMAIL:
      return draw_email_renewal(s, c, rng, enabled_s);
    case ClientKind::UNREACHED:
      return draw_normal_renewal(s, rng);
  }
  return draw_normal_renewal(s, rng);
}

double apply_clustering(const Clients& c, double t, Rng& rng) {
  if (c.burst_share <= 0 || rng.uniform() >= c.burst_share) return t;
  const double top = std::ceil(t / c.hour_s()) * c.hour_s();
  const double offset =
      c.burst_shape == BurstShape::UNIFORM ? rng.uniform() * c.burst_width_s : rng.exponential(c.burst_width_s / 3.0);
  return top + offset;
}

ArrivalPlan plan_arrivals(const Scenario& s, std::uint64_t seed) {
  if (!s.randomness) return plan_means(s);
  ArrivalPlan plan;
  const int k = s.effective_cohort_size();
  const double horizon = s.incident.horizon_s;
  // A class's issuers draw from the class's own stream one after the other (the reference key first):
  // draws are independent and alike, so each issuer's part follows the class's distribution, one issuer
  // reproduces the draws from before key types, and other classes' streams are untouched.
  auto add_class = [&](double class_count, int cls, std::uint64_t stream, auto&& draw) {
    Rng rng(seed, stream);
    const std::vector<double> counts = by_key(s, class_count);
    for (size_t key = 0; key < counts.size(); ++key) {
      for (double left = counts[key]; left > 0; left -= k) {
        const int size = static_cast<int>(std::min<double>(k, left));
        const double t = apply_clustering(s.clients, draw(rng), rng);
        keep(plan, Cohort{t, size, cls, static_cast<int>(key)}, horizon);
      }
    }
  };
  const std::vector<ClientClass> classes = client_classes(s);
  const std::vector<double> counts = class_certificates(s, classes);
  const std::vector<IncidentBatch> batches = incident_batches(s);
  for (size_t i = 0; i < classes.size(); ++i) {
    if (!follows_batches(classes[i].kind)) {
      add_class(counts[i], static_cast<int>(i), class_stream(i),
                [&](Rng& r) { return draw_renewal(s, classes[i], r); });
      continue;
    }
    const std::vector<double> per_batch = batch_certificates(s, counts[i]);
    for (size_t bi = 0; bi < per_batch.size(); ++bi)
      add_class(per_batch[bi], static_cast<int>(i), batch_stream(i, bi),
                [&](Rng& r) { return draw_renewal(s, classes[i], r, batches[bi].enabled_s); });
  }
  add_class(std::round(s.clients.background_issuance_per_s * horizon), kBackgroundClass, kStreamBackground,
            [&](Rng& r) { return r.uniform() * horizon; });

  std::stable_sort(plan.cohorts.begin(), plan.cohorts.end(),
                   [](const Cohort& x, const Cohort& y) { return x.arrival_s < y.arrival_s; });
  return plan;
}

}  // namespace surge
