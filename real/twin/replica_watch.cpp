#include "real/twin/replica_watch.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

namespace surge::twin {
namespace {

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

ReplicaWatch::ReplicaWatch(const real::DbTarget& writer, const real::LocalMariaDb& replica)
    : writer_(real::connect_mariadb(writer)),
      replica_(real::connect_mariadb(replica.admin_target())),
      table_("`" + writer.database + "`.twin_heartbeat") {
  thread_ = std::thread([this] { beat(); });
}

ReplicaWatch::~ReplicaWatch() {
  done_ = true;
  thread_.join();
}

void ReplicaWatch::beat() {
  const auto period = std::chrono::microseconds(static_cast<long>(kPeriod_s * 1e6));
  for (auto next = std::chrono::steady_clock::now(); !done_; next += period) {
    try {
      const std::int64_t t = now_us();
      writer_->execute("UPDATE " + table_ + " SET ts_us = " + std::to_string(t) + " WHERE id = 1");
      written_us_ = t;
    } catch (const std::exception& e) {
      std::cerr << "surge twin: the heartbeat stopped: " << e.what() << "\n";
      return;
    }
    std::this_thread::sleep_until(next + period);
  }
}

double ReplicaWatch::lag_s() {
  std::lock_guard<std::mutex> guard(lock_);
  try {
    const std::optional<std::string> ts = replica_->scalar("SELECT ts_us FROM " + table_ + " WHERE id = 1");
    if (!ts || std::stoll(*ts) <= 0 || written_us_ <= 0) return -1;
    return std::max(0.0, static_cast<double>(written_us_ - std::stoll(*ts)) / 1e6);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace surge::twin
