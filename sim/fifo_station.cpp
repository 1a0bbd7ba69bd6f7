#include "sim/fifo_station.hpp"

namespace surge::sim::detail {

void Queue::push(const Job& j, bool urgent, bool front, int certs) {
  if (!idle_.empty()) {
    Waiter* w = idle_.front();
    idle_.pop_front();
    w->slot = j;
    w->wake->release();
    return;
  }
  auto& q = urgent ? urgent_ : normal_;
  front ? q.push_front(j) : q.push_back(j);
  certs_ += certs;
}

Job Queue::pop(Waiter& w, const std::vector<CohortState>& cohorts) {
  auto& q = !urgent_.empty() ? urgent_ : normal_;
  if (!q.empty()) {
    Job j = q.front();
    q.pop_front();
    if (j.kind != JobKind::SIGN && j.cohort >= 0) certs_ -= cohorts[static_cast<size_t>(j.cohort)].c.size;
    return j;
  }
  idle_.push_back(&w);
  w.wake->acquire();
  Job j = *w.slot;
  w.slot.reset();
  return j;
}

std::vector<Job> Queue::drain() {
  std::vector<Job> out(urgent_.begin(), urgent_.end());
  out.insert(out.end(), normal_.begin(), normal_.end());
  urgent_.clear();
  normal_.clear();
  certs_ = 0;
  return out;
}

}  // namespace surge::sim::detail
