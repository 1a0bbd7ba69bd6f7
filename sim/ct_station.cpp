#include "sim/model.hpp"

#include <xbt/log.h>

#include <cmath>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(ct_station, surge_sim,
                                "surge: Certificate Transparency: the logs' servers, their SCTs' return, outages");

namespace surge::sim::detail {

// A CT outage: the log (or every log of the operator) goes down at `at` and comes back at `until`.
void Model::ct_outage(const Failure& f) {
  std::vector<int> logs;
  for (size_t l = 0; l < s_.ct.logs.size(); ++l) {
    const CtLog& log = s_.ct.logs[l];
    if (f.kind == FailureKind::CT_LOG ? log.name == f.target : log.operator_name == f.target)
      logs.push_back(static_cast<int>(l));
  }
  sg4::this_actor::sleep_until(f.at_s);
  XBT_INFO("CT outage: %s", f.target.c_str());
  for (int l : logs) ct_set_down(l, true);
  if (!std::isfinite(f.until_s)) return;
  sg4::this_actor::sleep_until(f.until_s);
  XBT_INFO("CT back: %s", f.target.c_str());
  for (int l : logs) ct_set_down(l, false);
}

// A log that goes down stops taking submissions (one in service still gets its SCT); one that comes
// back takes the oldest submissions it can.
void Model::ct_set_down(int log, bool down) {
  CtLogState& g = ct_logs_[static_cast<size_t>(log)];
  Tracked& t = tracked_[static_cast<size_t>(first_ct_tracked_ + log)];
  g.down += down ? 1 : -1;
  if (down && g.down == 1) {
    t.timeline.set(sg4::Engine::get_clock(), 0);
    t.alive = false;
  } else if (!down && g.down == 0) {
    t.timeline.set(sg4::Engine::get_clock(), s_.ct.logs[static_cast<size_t>(log)].rate_per_s);
    t.alive = true;
    if (g.server_idle) {
      g.server_idle = false;
      g.server_wake->release();
    }
  }
}

void Model::ct_enter(const Job& j) {
  CtVisit& v = ct_visits_[static_cast<size_t>(j.cohort)];
  v = CtVisit{};
  v.job = j;
  v.job.started = j.enqueued;
  v.needed = s_.ct.scts_required;
  ct_stats_.arrive(j.enqueued);
  ct_certs_ += cohorts_[static_cast<size_t>(j.cohort)].c.size;
  ct_fifo_.push_back(j.cohort);
  for (CtLogState& g : ct_logs_)
    if (g.server_idle && g.down == 0) {
      g.server_idle = false;
      g.server_wake->release();
    }
}

// The oldest cohort at the CT station that still needs an SCT and has none from operator `op`, or -1.
// Whoever a cursor passes never needs that operator again (an operator, once submitted to, stays used
// and a cohort's needs only shrink), so each operator scans the FIFO once.
int Model::ct_take(int op) {
  size_t& i = ct_cursor_[static_cast<size_t>(op)];
  for (; i < ct_fifo_.size(); ++i) {
    const CtVisit& v = ct_visits_[static_cast<size_t>(ct_fifo_[i])];
    if (v.needed > 0 && !((v.operators >> op) & 1)) return ct_fifo_[i];
  }
  return -1;
}

void Model::ct_server(int log) {
  CtLogState& g = ct_logs_[static_cast<size_t>(log)];
  const CtLog& spec = s_.ct.logs[static_cast<size_t>(log)];
  Tracked& use = tracked_[static_cast<size_t>(first_ct_tracked_ + log)];
  while (true) {
    const int cohort = g.down > 0 ? -1 : ct_take(g.op);
    if (cohort < 0) {
      g.server_idle = true;
      g.server_wake->acquire();
      continue;
    }
    CtVisit& v = ct_visits_[static_cast<size_t>(cohort)];
    v.operators |= std::uint64_t{1} << g.op;
    --v.needed;
    ++v.outstanding;
    const double size = cohorts_[static_cast<size_t>(cohort)].c.size;
    CtLogState::Entry e{cohort, sg4::Engine::get_clock(), 0};
    g.stats.arrive(e.started);                           // in this log: from its service to its SCT
    v.job.started = std::max(v.job.started, e.started);  // the station's wait ends when its last submission starts
    ++activities_;
    sg4::this_actor::sleep_for(size / spec.rate_per_s);
    use.work_up += size;
    e.at = sg4::Engine::get_clock() + spec.latency_s;
    g.returning.push_back(e);
    if (g.returner_idle) {
      g.returner_idle = false;
      g.returner_wake->release();
    }
  }
}

// Delivers a log's SCTs `latency` after their service (in order: the latency is constant).
void Model::ct_returner(int log) {
  CtLogState& g = ct_logs_[static_cast<size_t>(log)];
  while (true) {
    if (g.returning.empty()) {
      g.returner_idle = true;
      g.returner_wake->acquire();
      continue;
    }
    const CtLogState::Entry e = g.returning.front();
    if (e.at > sg4::Engine::get_clock()) {
      sg4::this_actor::sleep_until(e.at);
      continue;
    }
    g.returning.pop_front();
    Job as_job;  // a submission: from its cohort joining the CT station to its SCT
    as_job.enqueued = ct_visits_[static_cast<size_t>(e.cohort)].job.enqueued;
    as_job.started = e.started;
    g.stats.finish(as_job, e.at);
    ct_returned(e.cohort);
  }
}

void Model::ct_returned(int cohort) {
  CtVisit& v = ct_visits_[static_cast<size_t>(cohort)];
  if (--v.outstanding > 0 || v.needed > 0) return;
  const double now = sg4::Engine::get_clock();
  ct_stats_.finish(v.job, now);
  ct_certs_ -= cohorts_[static_cast<size_t>(cohort)].c.size;
  advance(v.job);
}

}  // namespace surge::sim::detail
