#include "models/fluid.hpp"

#include <algorithm>
#include <cmath>

namespace surge {

void CapacityTimeline::set(double t, double capacity) {
  if (!steps_.empty() && steps_.back().first == t) {
    steps_.back().second = capacity;
  } else {
    steps_.push_back({t, capacity});
  }
}

CapacityTimeline CapacityTimeline::left_after(double load) const {
  CapacityTimeline left(0.0);
  for (const auto& [t, capacity] : steps_) left.set(t, std::max(0.0, capacity - load));
  return left;
}

double CapacityTimeline::cumulative(double t) const {
  double sum = 0;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const double start = steps_[i].first;
    if (t <= start) break;
    const double end = i + 1 < steps_.size() ? std::min(t, steps_[i + 1].first) : t;
    sum += (end - start) * steps_[i].second;
  }
  return sum;
}

double CumulativeWalk::operator()(double t) {
  while (i_ + 1 < steps_.size() && t >= steps_[i_ + 1].first && t > steps_[i_].first) {
    before_ += (steps_[i_ + 1].first - steps_[i_].first) * steps_[i_].second;
    ++i_;
  }
  if (steps_.empty() || t <= steps_[i_].first) return before_;
  return before_ + (t - steps_[i_].first) * steps_[i_].second;
}

double CapacityTimeline::time_for(double work) const {
  if (work <= 0) return 0;
  double sum = 0;
  for (size_t i = 0; i < steps_.size(); ++i) {
    const double start = steps_[i].first;
    const double rate = steps_[i].second;
    const bool last = i + 1 == steps_.size();
    const double span = last ? std::numeric_limits<double>::infinity() : steps_[i + 1].first - start;
    if (rate > 0 && sum + rate * span >= work) return start + (work - sum) / rate;
    if (!last) sum += rate * span;
  }
  return std::numeric_limits<double>::infinity();
}

double CapacityTimeline::at(double t) const {
  double c = 0;
  for (const auto& [start, capacity] : steps_)
    if (start <= t) c = capacity;
  return c;
}

CapacityTimeline CapacityTimeline::scaled(double f) const {
  CapacityTimeline out(*this);
  for (auto& s : out.steps_) s.second *= f;
  return out;
}

namespace {

// Calls f(t, work) for each arrival time t with the work arriving then or later, from the last time.
template <typename F>
void each_arrival_time(const std::vector<WorkArrival>& arrivals, F f) {
  double after = 0;
  for (size_t i = arrivals.size(); i-- > 0;) {
    after += arrivals[i].work;
    if (i > 0 && arrivals[i - 1].t == arrivals[i].t) continue;  // equal times: take the first
    if (after > 0) f(arrivals[i].t, after);
  }
}

}  // namespace

FinishTest::FinishTest(const std::vector<WorkArrival>& arrivals) {
  each_arrival_time(arrivals, [&](double t, double after) { from_.push_back({t, after}); });
  std::reverse(from_.begin(), from_.end());  // earliest first
}

bool FinishTest::in_time(const CapacityTimeline& capacity, double deadline) const {
  if (deadline < 0) return false;
  for (const auto& [t, after] : from_)
    if (capacity.time_for(capacity.cumulative(t) + after) > deadline) return false;
  return true;
}

double fluid_completion(const std::vector<WorkArrival>& arrivals, const CapacityTimeline& capacity) {
  double worst = 0;
  each_arrival_time(arrivals, [&](double t, double after) {
    worst = std::max(worst, capacity.time_for(capacity.cumulative(t) + after));
  });
  return worst;
}

namespace {

// Some resource never finishes its work (its capacity is gone, or a steady load such as ARI polling
// takes all of it): those resources are the bottleneck, tied. No finite time is saved by +10% anywhere
// (0, not inf - inf), and each resource's completion stays its own (+inf for those).
BottleneckResult never_finishing(BottleneckResult r, const std::vector<FluidResource>& resources,
                                 const std::vector<double>& base) {
  for (size_t i = 0; i < resources.size(); ++i) {
    r.saved_s.push_back({resources[i].name, 0.0});
    if (!std::isfinite(base[i])) r.bottleneck.push_back(resources[i].name);
  }
  return r;
}

}  // namespace

BottleneckResult find_bottleneck(const std::vector<WorkArrival>& arrivals, const std::vector<FluidResource>& resources,
                                 double binding_lag_s) {
  BottleneckResult r;
  if (arrivals.empty()) return r;  // nothing asked for: nothing binds
  for (const WorkArrival& a : arrivals)
    if (a.work > 0) r.last_arrival_s = std::max(r.last_arrival_s, a.t);

  auto completion_of = [&](const FluidResource& res, const CapacityTimeline& cap) {
    if (!res.own.empty()) return fluid_completion(res.own, cap);
    std::vector<WorkArrival> work;
    work.reserve(arrivals.size());
    for (const WorkArrival& a : arrivals) work.push_back(WorkArrival{a.t, a.work * res.work_per_unit});
    return fluid_completion(work, cap);
  };
  std::vector<double> base;
  for (const FluidResource& res : resources) {
    base.push_back(completion_of(res, res.capacity));
    r.completion_s.push_back({res.name, base.back()});
  }
  r.fluid_completion_s = r.last_arrival_s;
  for (double b : base) r.fluid_completion_s = std::max(r.fluid_completion_s, b);
  if (!std::isfinite(r.fluid_completion_s)) return never_finishing(r, resources, base);

  for (size_t i = 0; i < resources.size(); ++i) {
    double others = r.last_arrival_s;
    for (size_t j = 0; j < resources.size(); ++j)
      if (j != i) others = std::max(others, base[j]);
    const double improved = completion_of(resources[i], resources[i].capacity.scaled(1.0 + kSensitivityStep));
    const double saved = r.fluid_completion_s - std::max(others, improved);
    r.saved_s.push_back({resources[i].name, saved});
  }
  // Binding resources finish after the last arrival; those within 2% (of the busy span) of the slowest
  // are tied, since +10% on one of them alone saves little while the other still binds.
  double first = r.last_arrival_s;
  for (const WorkArrival& a : arrivals)
    if (a.work > 0) first = std::min(first, a.t);
  const double span = r.fluid_completion_s - first;
  std::vector<std::pair<double, std::string>> binding;
  for (size_t i = 0; i < resources.size(); ++i) {
    // Every resource finishes a little after the last arrival (its last job's service time); it binds
    // only when it finishes meaningfully later.
    const bool after_arrivals = base[i] - r.last_arrival_s > std::max(kBottleneckTie * span, binding_lag_s);
    if (after_arrivals && base[i] - first >= (1.0 - kBottleneckTie) * span)
      binding.push_back({r.saved_s[i].second, resources[i].name});
  }
  std::stable_sort(binding.begin(), binding.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& b : binding) r.bottleneck.push_back(b.second);
  std::stable_sort(r.saved_s.begin(), r.saved_s.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return r;
}

}  // namespace surge
