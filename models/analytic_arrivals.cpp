// The analytic planner's arrivals: the clients' requests on the time grid, by class, with top-of-hour
// clustering; their first-request times; the work they bring each resource.
#include "models/analysis.hpp"

#include <algorithm>

#include "models/clients.hpp"
#include "models/units.hpp"

namespace surge::analytic_detail {

// Each class's requests by each grid point: its certificates times its arrival CDF. The rows of classes the
// window does not move are taken from `window_only` (the same scenario but for the window), when given.
void Analysis::build_requests(const Analysis* window_only) {
  asked_.resize(classes_.size());
  for (size_t k = 0; k < classes_.size(); ++k) {
    if (window_only && !follows_window(classes_[k].kind)) {
      asked_[k] = window_only->asked_[k];
      continue;
    }
    asked_[k].assign(n_, 0.0);
    for (size_t i = 1; i < n_; ++i) asked_[k][i] = class_count_[k] * class_arrival_cdf(s_, classes_[k], t(i));
  }
}

void Analysis::build_arrivals(const Analysis* window_only) {
  const Scenario& s = s_;
  classes_ = client_classes(s);
  class_count_ = class_certificates(s, classes_);
  build_requests(window_only);
  d_class_.assign(classes_.size(), std::vector<double>(n_, 0.0));
  d_affected_.assign(n_, 0.0);
  d_background_.assign(n_, 0.0);
  const Clients& c = s.clients;
  const double offset = c.burst_shape == BurstShape::UNIFORM ? c.burst_width_s / 2 : c.burst_width_s / 3;
  std::vector<double> prev(classes_.size(), 0.0);  // each class's requests by the previous grid point
  size_t hour = 0, burst = 0;                      // the hour t_i ends in, and its burst's grid point
  for (size_t i = 1; i < n_; ++i) {
    // Top-of-hour clustering: a share of each interval's requests moves to the next hour's burst.
    if (const size_t h = grid_index(t(i), kSecondsPerHour); i == 1 || h != hour)
      hour = h, burst = index_of(static_cast<double>(h) * kSecondsPerHour + offset);
    double da = 0;  // the sum over classes of share x CDF, as increments
    for (size_t k = 0; k < classes_.size(); ++k) {
      const double dk = asked_[k][i] - prev[k];
      prev[k] = asked_[k][i];
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
  summarise_arrivals();
}

void Analysis::summarise_arrivals() {
  const Scenario& s = s_;
  affected_ = 0;
  last_arrival_ = 0;
  first_arrival_ = kInf;
  for (size_t i = 0; i < n_; ++i) {
    affected_ += d_affected_[i];
    if (d_affected_[i] > 1e-9 * std::max(1.0, s.workload.certificates)) {
      last_arrival_ = t(i);
      first_arrival_ = std::min(first_arrival_, t(i));
    }
  }
}

// The mean first request of class k's requests admitted in interval i (its time without admission control).
double Analysis::first_request(size_t k, size_t i) const {
  if (class_first_.empty() || d_class_[k][i] <= 0) return t(i);
  return class_first_[k][i] / d_class_[k][i];
}

double Analysis::interval_first_request(size_t i) const {
  if (class_first_.empty() || d_affected_[i] <= 0) return t(i);
  double first = 0;
  for (size_t k = 0; k < classes_.size(); ++k) first += class_first_[k][i];
  return first / d_affected_[i];
}

std::vector<double> Analysis::work_on_grid(const Resource& r, double revocations_removed) const {
  std::vector<double> w(n_, 0.0);
  const double keep = affected_ > 0 ? std::max(0.0, 1.0 - revocations_removed / affected_) : 1.0;
  for (size_t i = 0; i < n_; ++i) {
    const double work =
        d_affected_[i] * (r.per_affected - r.per_revocation * (1 - keep)) + d_background_[i] * r.per_background;
    if (work > 0) w[i] = work;
  }
  return w;
}

std::vector<WorkArrival> Analysis::work_arrivals(const Resource& r, double revocations_removed) const {
  const std::vector<double> on_grid = work_on_grid(r, revocations_removed);
  std::vector<WorkArrival> w;
  for (size_t i = 0; i < n_; ++i)
    if (on_grid[i] > 0) w.push_back(WorkArrival{t(i), on_grid[i]});
  return w;
}

}  // namespace surge::analytic_detail
