#include "sim/model.hpp"

#include <xbt/log.h>

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(front_end_station, surge_sim,
                                "surge: the API, the VA, the validation latency and ARI polling");

namespace surge::sim::detail {
namespace {
constexpr double kPollBatch_s = 60.0;  // ARI polls reach the API and the replicas in batches this long
}  // namespace

// Takes an issuance through its steps before the journey, from j.front on, skipping those not modelled;
// a data center that no longer issues hands the issuance to one that does (route_dc).
void Model::before_journey(Job j) {
  CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
  auto station = [&](std::vector<FrontStation>& st) -> FrontStation* {
    if (st.empty()) return nullptr;
    if (c.dc < 0 || !dc_issues(c.dc)) c.dc = route_dc(cost_.issuance.signatures * c.c.size, c.c.key);
    if (c.dc < 0 || st[static_cast<size_t>(c.dc)].rate <= 0) return nullptr;
    return &st[static_cast<size_t>(c.dc)];
  };
  for (;; ++j.front) {
    FrontStation* st = nullptr;
    if (j.front == kApiStep) {
      st = station(api_);
    } else if (j.front == kVaStep && cost_.issuance.validations > 0) {
      st = station(va_);
    } else if (j.front == kLatencyStep && va_latency_s_ > 0) {
      validating_.push_back({sg4::Engine::get_clock() + va_latency_s_, j});
      if (validator_idle_) {
        validator_idle_ = false;
        validator_wake_->release();
      }
      return;
    } else if (j.front > kLatencyStep) {
      enqueue(j);
      return;
    }
    if (st) {
      st->queue.push(j, false, false, c.c.size);
      return;
    }
  }
}

// One data center's API (or VA) server: FIFO, issuance requests (validations) and, at the API, batches
// of ARI polls. Work found on a data center that is down (or no longer issues) goes elsewhere; polls are
// dropped, as their clients' connections would be.
void Model::front_worker(int dc, bool va) {
  FrontStation& st = (va ? va_ : api_)[static_cast<size_t>(dc)];
  Tracked& use = tracked_[static_cast<size_t>(st.tracked)];
  const double per_certificate = va ? cost_.issuance.validations : cost_.issuance.api_requests;
  Waiter& me = new_waiter();
  while (true) {
    Job j = st.queue.pop(me, cohorts_);
    const bool poll = j.cohort < 0;
    auto live = [&] { return poll ? static_cast<bool>(dc_up_[static_cast<size_t>(dc)]) : dc_issues(dc); };
    if (!live()) {
      if (!poll) before_journey(j);
      continue;
    }
    const double amount = poll ? j.polls : per_certificate * cohorts_[static_cast<size_t>(j.cohort)].c.size;
    ++activities_;
    sg4::this_actor::sleep_for(amount / st.rate);
    if (!live()) {  // failed meanwhile: served again where it goes
      if (!poll) before_journey(j);
      continue;
    }
    if (poll) {
      use.steady_work += amount;
      continue;
    }
    use.work_up += amount;
    ++j.front;
    before_journey(j);
  }
}

// Releases validating issuances once their DNS and HTTP latency is over (in order: it is constant).
void Model::validation_delay() {
  while (true) {
    if (validating_.empty()) {
      validator_idle_ = true;
      validator_wake_->acquire();
      continue;
    }
    if (validating_.front().first > sg4::Engine::get_clock()) {
      sg4::this_actor::sleep_until(validating_.front().first);
      continue;
    }
    Job j = validating_.front().second;
    validating_.pop_front();
    ++j.front;
    before_journey(j);
  }
}

// ARI polling: every batch period, the polls of that period go to the APIs of the data centers up, by the
// router's shares (live signing capacity; evenly if nothing can sign), ahead of the orders waiting there
// (so issuance gets what the polls leave), and their reads to the replicas.
void Model::poller() {
  const double batch = poll_rate_ * s_.step(kPollBatch_s);
  while (true) {
    double signing = 0, up_count = 0;
    for (size_t d = 0; d < hsm_.size(); ++d) {
      if (!dc_up_[d]) continue;
      up_count += 1;
      if (dc_issues(static_cast<int>(d))) signing += hsm_[d].live_capacity;
    }
    for (size_t d = 0; d < api_.size(); ++d) {
      if (!dc_up_[d] || api_[d].rate <= 0) continue;
      const double share =
          signing > 0 ? (dc_issues(static_cast<int>(d)) ? hsm_[d].live_capacity / signing : 0.0) : 1.0 / up_count;
      if (share <= 0) continue;
      Job j{-1, JobKind::ISSUE, 0};
      j.polls = batch * share;
      api_[d].queue.push(j, true, false, 0);  // ahead of queued orders: a poll is a cheap GET answered at once
    }
    reads_pending_ += batch;
    if (reader_idle_) {
      reader_idle_ = false;
      reader_wake_->release();
    }
    sg4::this_actor::sleep_for(s_.step(kPollBatch_s));
  }
}

// Read capacity for the polls: the live replicas of the data centers up, else the writer.
double Model::read_capacity() const {
  double cap = 0;
  for (size_t d = 0; d < s_.data_centers.size(); ++d)
    for (int r : topo_.replicas(static_cast<int>(d)))
      if (up(r) && r != writer_) cap += s_.data_centers[d].db.reads_per_s;
  if (cap <= 0 && writer_up_) cap = s_.data_centers[static_cast<size_t>(topo_.node(writer_).dc)].db.reads_per_s;
  return cap;
}

void Model::update_read_capacity() {
  if (reads_tracked_ < 0) return;
  Tracked& t = tracked_[static_cast<size_t>(reads_tracked_)];
  const double cap = read_capacity();
  if (cap == t.timeline.at(sg4::Engine::get_clock())) return;
  t.timeline.set(sg4::Engine::get_clock(), cap);
  t.alive = cap > 0;
}

// The replicas answering the polls' reads: all that is pending, at the read capacity up when it starts.
void Model::reader() {
  Tracked& use = tracked_[static_cast<size_t>(reads_tracked_)];
  while (true) {
    if (reads_pending_ <= 0) {
      reader_idle_ = true;
      reader_wake_->acquire();
      continue;
    }
    const double amount = reads_pending_;
    reads_pending_ = 0;
    const double cap = read_capacity();
    if (cap <= 0) continue;  // nothing left to read from: these polls fail
    ++activities_;
    sg4::this_actor::sleep_for(amount / cap);
    use.steady_work += amount;
    ari_polls_ += amount;
  }
}

}  // namespace surge::sim::detail
