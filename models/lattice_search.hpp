// Bisection with fewer calls, for the planner's searches that rerun a whole analysis per step. A plain
// bisection of [lo, hi] in `steps` halvings visits points of a lattice of 2^steps intervals and returns the
// last one at which a monotone test holds (or the next one). LatticeSearch finds the same point, computed
// the same way to the bit, from a guess: it tries the guess, gallops from it until the answer changes, and
// halves what is left. With a guess a few points off, that is 4 or 5 calls instead of `steps`.
#pragma once

#include <algorithm>
#include <cmath>

namespace surge {

/// Point j (0 <= j <= 2^steps) of a bisection of [lo, hi]: where halving lands when it keeps the upper half
/// at each 1 bit of j, most significant first, computed as the bisection computes it (0.5 x (lo + hi)).
inline double bisection_point(double lo, double hi, int steps, long j) {
  if (j >= (1L << steps)) return hi;
  for (int bit = steps - 1; bit >= 0; --bit) {
    const double mid = 0.5 * (lo + hi);
    ((j >> bit) & 1 ? lo : hi) = mid;
  }
  return lo;
}

/// The search for the boundary between the lattice points where a test holds (below) and where it does not
/// (above). The test must be monotone; it holds at `below` and not at `above`, which are never asked.
class LatticeSearch {
 public:
  LatticeSearch(long below, long above) : below_(below), above_(above) {}

  /// The lattice point nearest `guess` (a point index, fractional) strictly between the bounds; -1 if none.
  long inside(double guess) const {
    if (above_ - below_ <= 1 || !std::isfinite(guess)) return -1;
    return std::clamp(static_cast<long>(std::floor(guess)), below_ + 1, above_ - 1);
  }
  /// Records the test's answer at point j.
  void record(long j, bool holds) {
    (holds ? below_ : above_) = j;
    last_ = j, last_held_ = holds;
  }
  /// From the last recorded point, steps of 1, 2, 4, ... away from it, towards the side not yet bounded,
  /// until the answer changes; then halving. Returns the last point where the test holds.
  template <typename Test>
  long finish(Test holds_at) {
    const bool up = last_held_;
    for (long stride = 1; last_ >= 0 && above_ - below_ > 1; stride *= 2) {
      const long next = up ? last_ + stride : last_ - stride;
      if (next <= below_ || next >= above_) break;
      const bool holds = holds_at(next);
      (holds ? below_ : above_) = next;
      if (holds != up) break;
    }
    while (above_ - below_ > 1) {
      const long mid = below_ + (above_ - below_) / 2;
      (holds_at(mid) ? below_ : above_) = mid;
    }
    return below_;
  }

 private:
  long below_, above_;
  long last_ = -1;
  bool last_held_ = false;
};

}  // namespace surge
