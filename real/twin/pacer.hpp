// A part of the twin runs at the twin scenario's rate for it, not at whatever this machine gives: a CA
// signer at its member's signatures/s, the SA at the writer's commits/s. Each operation takes the next
// slot of a schedule at `rate` per second (a burst of `burst` slots may be taken at once after idling)
// and waits for it.
#pragma once

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>

namespace surge::twin {

class Pacer {
 public:
  /// rate <= 0: no pacing.
  Pacer(double rate, double burst) : interval_s_(rate > 0 ? 1 / rate : 0), burst_s_(burst * interval_s_) {}

  /// Waits for the next slot.
  void acquire() {
    if (interval_s_ <= 0) return;
    std::chrono::steady_clock::time_point at;
    {
      std::lock_guard<std::mutex> lock(m_);
      const auto now = std::chrono::steady_clock::now();
      const auto earliest = now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(burst_s_));
      at = std::max(next_, earliest);
      next_ = at + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(interval_s_));
    }
    std::this_thread::sleep_until(at);
  }

 private:
  double interval_s_;
  double burst_s_;
  std::mutex m_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace surge::twin
