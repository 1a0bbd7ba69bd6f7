// The analytic planner's arrivals: the clients' requests on the time grid, by class, with top-of-hour
// clustering; their first-request times; the work they bring each resource.
#include "models/analysis.hpp"

#include <algorithm>

#include "models/clients.hpp"
#include "models/units.hpp"

namespace surge::analytic_detail {

// Each class's requests by each grid point: its certificates times its arrival CDF. The rows of classes the
// window does not move are taken from the base of a window rerun.
void Analysis::build_requests(Rerun rerun) {
  asked_.resize(classes_.size());
  for (size_t k = 0; k < classes_.size(); ++k) {
    if (rerun.base && rerun.differs == Differs::WINDOW && !follows_window(classes_[k].kind)) {
      asked_[k] = rerun.base->asked_[k];
      continue;
    }
    asked_[k].assign(n_, 0.0);
    class_requests(s_, classes_[k], class_count_[k], dt_, asked_[k]);
  }
}

// The grid point each interval's top-of-hour share moves to: the burst of the hour it ends in.
std::vector<size_t> Analysis::burst_points() const {
  const Clients& c = s_.clients;
  const double offset = c.burst_shape == BurstShape::UNIFORM ? c.burst_width_s / 2 : c.burst_width_s / 3;
  std::vector<size_t> burst(n_, 0);
  size_t hour = 0;
  for (size_t i = 1; i < n_; ++i) {
    if (const size_t h = grid_index(t(i), c.hour_s()); i == 1 || h != hour)
      hour = h, burst[i] = index_of(static_cast<double>(h) * c.hour_s() + offset);
    else
      burst[i] = burst[i - 1];
  }
  return burst;
}

// Top-of-hour clustering: a share of each interval's requests moves to the next hour's burst.
void Analysis::spread(double requests, size_t i, size_t burst, std::vector<double>& into) const {
  const double share = s_.clients.burst_share;
  into[i] += requests * (1 - share);
  into[burst] += requests * share;
}

void Analysis::build_arrivals(Rerun rerun, bool by_class) {
  const Scenario& s = s_;
  classes_ = client_classes(s);
  class_count_ = class_certificates(s, classes_);
  build_requests(rerun);
  burst_ = rerun.base ? rerun.base->burst_ : burst_points();  // the same grid and the same clients' bursts
  const std::vector<size_t>& burst = burst_;
  d_affected_.assign(n_, 0.0);
  d_background_.assign(n_, 0.0);
  const double bg = s.clients.background_issuance_per_s * dt_;
  for (size_t i = 1; i < n_; ++i) {
    double da = 0;  // the sum over classes of their requests in the interval
    for (size_t k = 0; k < classes_.size(); ++k) da += asked_[k][i] - asked_[k][i - 1];
    spread(da, i, burst[i], d_affected_);
    spread(bg, i, burst[i], d_background_);
  }
  d_class_.assign(by_class ? classes_.size() : 0, std::vector<double>(n_, 0.0));
  for (size_t k = 0; k < d_class_.size(); ++k)
    for (size_t i = 1; i < n_; ++i) spread(asked_[k][i] - asked_[k][i - 1], i, burst[i], d_class_[k]);
  summarise_arrivals();
}

void Analysis::summarise_arrivals() {
  const double some = 1e-9 * std::max(1.0, s_.workload.certificates);  // less is round-off
  double affected = 0, first = kInf, last = 0;
  for (size_t i = 0; i < n_; ++i) {
    affected += d_affected_[i];
    if (d_affected_[i] > some) {
      last = t(i);
      first = std::min(first, t(i));
    }
  }
  affected_ = affected, first_arrival_ = first, last_arrival_ = last;
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
  const double keep = kept_revocations(revocations_removed);
  std::vector<double> w(n_);
  for (size_t i = 0; i < n_; ++i) w[i] = work_at(r, keep, i);
  return w;
}

std::vector<WorkArrival> Analysis::work_arrivals(const Resource& r, double revocations_removed) const {
  const std::vector<double> on_grid = work_on_grid(r, revocations_removed);
  std::vector<WorkArrival> w;
  w.reserve(n_);
  for (size_t i = 0; i < n_; ++i)
    if (on_grid[i] > 0) w.push_back(WorkArrival{t(i), on_grid[i]});
  return w;
}

}  // namespace surge::analytic_detail
