#include "sim/model.hpp"

#include <xbt/log.h>

#include <limits>

#include "models/failover.hpp"

XBT_LOG_NEW_DEFAULT_SUBCATEGORY(db_station, surge_sim,
                                "surge: the DB writer, its promotion, replication to the replicas");

namespace surge::sim::detail {
namespace {
constexpr double kReplicationBatch_s = 5.0;  // replicas pull the binlog at most this often
}  // namespace

void Model::db_worker() {
  Waiter& me = new_waiter();
  Tracked& use = tracked_[static_cast<size_t>(db_tracked_)];
  while (true) {
    Job j = db_queue_.pop(me, cohorts_);
    if (!wait_for_writer()) return;
    CohortState& c = cohorts_[static_cast<size_t>(j.cohort)];
    const OperationCost& op = j.kind == JobKind::ISSUE ? cost_.issuance : cost_.revocation;
    const double commits = c.c.size * op.commits;
    j.started = sg4::Engine::get_clock();
    try {
      execute(writer_, commits * service_factor(j));
    } catch (const std::exception&) {
      db_queue_.push(j, j.kind == JobKind::REVOKE, true, c.c.size);  // retried once the writer is back
      continue;
    }
    use.work_up += commits;
    db_stats_.finish(j, sg4::Engine::get_clock());
    produced_bytes_ += c.c.size * op.db_bytes;
    advance(j);
  }
}

void Model::replication(int replica) {
  double sent = 0;
  double chunk_start = 0;
  while (true) {
    const double now = sg4::Engine::get_clock();
    if (!up(replica) || writer_ == replica) return;
    const double pending = produced_bytes_ - sent;
    if (!writer_up_ || pending <= 0) {
      chunk_start = now;
      sg4::this_actor::sleep_for(s_.step(kReplicationBatch_s));
      continue;
    }
    if (!route_live(writer_, replica)) {
      // Cut off by a link failure: the binlog waits (and the lag grows) until a promotion puts the writer
      // on this replica's side, if one ever does.
      sg4::this_actor::sleep_for(s_.step(kReplicationBatch_s));
      continue;
    }
    try {
      send(writer_, replica, pending);
    } catch (const std::exception&) {
      sg4::this_actor::sleep_for(s_.step(kReplicationBatch_s));
      continue;
    }
    sent += pending;
    const double done = sg4::Engine::get_clock();
    replication_lag_last_ = done - chunk_start;
    replication_lag_max_ = std::max(replication_lag_max_, replication_lag_last_);
    chunk_start = done;
    if (done - now < s_.step(kReplicationBatch_s))
      sg4::this_actor::sleep_for(s_.step(kReplicationBatch_s) - (done - now));
  }
}

void Model::lose_writer() {
  down_[static_cast<size_t>(writer_)] = true;
  writer_up_ = false;
  tracked_[static_cast<size_t>(db_tracked_)].timeline.set(sg4::Engine::get_clock(), 0);
  schedule_promotion();
}

// Picks a replica to promote (one in another data center that is up, else one in the writer's own) and
// promotes it after the delay; if it is lost meanwhile, picks again.
void Model::schedule_promotion() {
  const double now = sg4::Engine::get_clock();
  Tracked& db = tracked_[static_cast<size_t>(db_tracked_)];
  const int old_dc = topo_.node(writer_).dc;
  const int next = replica_to_promote(topo_, s_.data_centers.size(), old_dc,
                                      [&](int r) { return dc_up_[static_cast<size_t>(topo_.node(r).dc)] && up(r); });
  if (next < 0) {
    promotion_at_ = std::numeric_limits<double>::infinity();
    promoting_ = -1;
    db.alive = false;
    XBT_INFO("DB writer lost and no replica left to promote");
    return;
  }
  promotion_at_ = now + s_.incident.db_promotion_delay_s;
  promoting_ = next;
  update_reachability();  // work goes where the new writer will be reachable from
  writer_rate_ = s_.data_centers[static_cast<size_t>(topo_.node(next).dc)].db.commits_per_s;
  db.timeline.set(promotion_at_, writer_rate_);
  sg4::Actor::create("promote", platform_.control, [this, next] {
    sg4::this_actor::sleep_until(promotion_at_);
    if (!up(next)) {
      tracked_[static_cast<size_t>(db_tracked_)].timeline.set(sg4::Engine::get_clock(), 0);
      schedule_promotion();  // the chosen replica was lost meanwhile
      return;
    }
    writer_ = next;
    promoting_ = -1;
    writer_up_ = true;
    update_read_capacity();
    XBT_INFO("replica %s promoted to writer", topo_.name(next).c_str());
  })->daemonize();
}

// Blocks while the writer is down; false if no replica will ever be promoted.
bool Model::wait_for_writer() {
  while (!writer_up_) {
    if (promotion_at_ == std::numeric_limits<double>::infinity()) return false;
    const double wait = promotion_at_ - sg4::Engine::get_clock();
    if (wait > 0) {
      sg4::this_actor::sleep_for(wait);
    } else {
      sg4::this_actor::yield();  // the promotion is due: let the promoting actor run
    }
  }
  return true;
}

}  // namespace surge::sim::detail
