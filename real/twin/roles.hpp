// The twin's roles (node.hpp), each serving its gRPC service and Stats until SIGTERM, and what they share:
// the generated stubs, the server loop, a pool of resources (DB connections, token sessions) and the
// conversion of orders.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "real/sa_operations.hpp"
#include "real/twin/node.hpp"
#include "real/twin/pipeline.grpc.pb.h"

namespace surge::twin {

int serve_sa(const NodeConfig& config);
int serve_ca(const NodeConfig& config);
int serve_publisher(const NodeConfig& config);
int serve_ra(const NodeConfig& config);

/// Builds a server on the config's address (a free port) with `service` and the Stats service over
/// `counters`, prints "listening ADDRESS:PORT", and serves until SIGTERM or SIGINT. Returns 0, or 3 when it
/// cannot listen. SIGTERM and SIGINT must be blocked in every thread (block_stop_signals) beforehand.
int serve(grpc::Service& service, Counters& counters, const NodeConfig& config);

/// Blocks SIGTERM and SIGINT in this thread and the threads it starts (serve() waits for them).
void block_stop_signals();

/// A channel to a peer (insecure: the twin's processes share one machine), with keepalive pings.
std::shared_ptr<grpc::Channel> channel_to(const std::string& address);

/// An order on the wire and in the SA.
real::PendingOrder pending(const Order& o);
Order wire(const real::PendingOrder& o);

/// A fixed set of resources lent one at a time (a connection, a session); borrow() waits.
template <typename T>
class Pool {
 public:
  void add(std::unique_ptr<T> item) {
    std::lock_guard<std::mutex> lock(m_);
    free_.push_back(std::move(item));
    cv_.notify_one();
  }
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<T> item) : pool_(pool), item_(std::move(item)) {}
    ~Lease() { pool_.add(std::move(item_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    T& operator*() { return *item_; }
    T* operator->() { return item_.get(); }

   private:
    Pool& pool_;
    std::unique_ptr<T> item_;
  };
  Lease borrow() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    std::unique_ptr<T> item = std::move(free_.front());
    free_.pop_front();
    return Lease(*this, std::move(item));
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<T>> free_;
};

/// Seconds on a steady clock, for latencies.
double now_s();

}  // namespace surge::twin
