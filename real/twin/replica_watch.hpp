// The replica's lag in the two-data-center twin, as pt-heartbeat measures it: a thread writes the
// writer's clock into a one-row table every 100 ms, and the lag is the latest value written less the
// value the replica holds (0 when it has the latest beat; a multiple of the period otherwise).
// The replica is read over its Unix socket, which a cut of the data centers' link does not reach: the
// observer sees the lag grow while the link is down.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "real/db_connection.hpp"
#include "real/local_mariadb.hpp"

namespace surge::twin {

class ReplicaWatch {
 public:
  /// Starts the heartbeat on `writer` (its database holds twin_heartbeat). Throws real::DbError.
  ReplicaWatch(const real::DbTarget& writer, const real::LocalMariaDb& replica);
  ~ReplicaWatch();
  ReplicaWatch(const ReplicaWatch&) = delete;
  ReplicaWatch& operator=(const ReplicaWatch&) = delete;

  /// The replica's lag now in seconds (the heartbeats it lacks), or -1 when it cannot be read.
  double lag_s();
  /// The heartbeat's period, the lag's resolution.
  static constexpr double kPeriod_s = 0.1;

 private:
  void beat();
  std::unique_ptr<real::DbConnection> writer_, replica_;
  std::string table_;
  std::mutex lock_;  ///< replica_ (the sampler and the failure injector both sample)
  std::atomic<bool> done_{false};
  std::atomic<std::int64_t> written_us_{0};  ///< the latest beat the writer committed
  std::thread thread_;
};

}  // namespace surge::twin
