#include "models/broken_sites.hpp"

#include <algorithm>
#include <cmath>

#include "models/grid.hpp"

namespace surge {

bool site_breaks(double replaced_s, double revoked_s) {
  if (revoked_s < 0) return false;
  return replaced_s < 0 || revoked_s < replaced_s;
}

// The replaced curve is known at grid points: the certificates it gains in (t_(i-1), t_i] count as
// replaced at t_i (a step), so that a replacement stalled until the bulk revocation's end is not read as
// rising before it. At t_i the revocation front is at f_i: the certificates below R(t_(i-1)) kept their
// sites earlier; those up to f_i are replaced at t_i as the front reaches them; those above broke.
double broken_sites(const BulkRevocation& b) {
  const std::vector<double>& replaced = b.replaced;
  if (replaced.empty() || b.certificates <= 0) return 0;
  const double dt = b.grid_step_s;
  const size_t first = std::min(replaced.size() - 1, grid_index_at_or_before(b.start_s, dt));
  const double remaining = std::max(0.0, b.certificates - replaced[first]);
  if (remaining <= 0) return 0;
  // The revocation front: certificates at and above it (in request order) are revoked.
  auto front = [&](double t) {
    if (!std::isfinite(b.end_s)) return b.certificates;
    const double share = b.end_s > b.start_s ? std::clamp((t - b.start_s) / (b.end_s - b.start_s), 0.0, 1.0) : 1.0;
    return b.certificates - remaining * share;
  };
  for (size_t i = first + 1; i < replaced.size(); ++i) {
    const double t = std::min(static_cast<double>(i) * dt, b.horizon_s);
    const double f = front(t);
    if (f <= replaced[i]) return std::max(0.0, b.certificates - std::max(replaced[i - 1], f));
    if (static_cast<double>(i) * dt >= b.horizon_s) break;
  }
  // Not met within the run: every certificate revoked so far breaks.
  return b.certificates - front(b.horizon_s);
}

}  // namespace surge
