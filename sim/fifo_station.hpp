// What every FIFO station is made of: its waiting room (revocations first), the workers waiting on it,
// its queueing statistics, and the busy servers of a host.
#pragma once

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <deque>
#include <optional>
#include <vector>

#include "models/latency_stats.hpp"
#include "sim/job.hpp"

namespace surge::sim::detail {

namespace sg4 = simgrid::s4u;

/// Queueing statistics of one station (jobs are cohorts; with k = 1, certificates): waits and times in
/// system of jobs that joined after the warm-up, and the time-averaged number in system after it.
struct StationStats {
  double warm_up = 0;
  int in_system = 0;
  double area = 0;  // integral of in_system over time after the warm-up
  double since = 0;
  double sum_wait = 0, sum_sojourn = 0;
  long jobs = 0;
  LatencyStats sojourn;  ///< each job's time in the station, for its quantiles
  void change(int delta, double now) {
    const double from = std::max(since, warm_up);
    if (now > from) area += in_system * (now - from);
    since = now;
    in_system += delta;
  }
  void arrive(double now) { change(+1, now); }
  void leave(double now) { change(-1, now); }  // rerouted before service
  void finish(const Job& j, double now) {
    change(-1, now);
    if (j.enqueued < warm_up) return;
    sum_wait += j.started - j.enqueued;  // counted once, even for a job served again after a failure
    sum_sojourn += now - j.enqueued;
    sojourn.record(now - j.enqueued);
    ++jobs;
  }
  double area_at(double now) const {
    const double from = std::max(since, warm_up);
    return area + (now > from ? in_system * (now - from) : 0);
  }
};

/// A worker (HSM session, DB connection) waiting for a job: the queue hands it one directly.
struct Waiter {
  sg4::SemaphorePtr wake = sg4::Semaphore::create(0);
  std::optional<Job> slot;
};

/// A FIFO multi-server's waiting room: revocations first, then issuance, each in arrival order. A busy
/// station's workers take the next job without a simcall; idle workers block on their own semaphore
/// and are handed a job by push (first idle, first served).
class Queue {
 public:
  void push(const Job& j, bool urgent, bool front, int certs);
  /// The next job, blocking while there is none.
  Job pop(Waiter& w, const std::vector<CohortState>& cohorts);
  /// Takes everything waiting (for a dead station).
  std::vector<Job> drain();
  /// Certificates waiting.
  double certs() const { return certs_; }

 private:
  std::deque<Job> urgent_;
  std::deque<Job> normal_;
  std::deque<Waiter*> idle_;
  double certs_ = 0;
};

/// Busy servers of one host over time: n running cohorts keep min(n x per_cohort, c) servers busy.
struct BusyMeter {
  int running = 0;
  int per_cohort = 1;
  int servers = 1;  // c
  double area = 0;  // integral of busy servers over time
  double since = 0;
  int busy() const { return std::min(running * per_cohort, servers); }
  void change(int delta, double now) {
    area += busy() * (now - since);
    since = now;
    running += delta;
  }
  double area_at(double now) const { return area + busy() * (now - since); }
};

}  // namespace surge::sim::detail
