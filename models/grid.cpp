#include "models/grid.hpp"

#include <cmath>
#include <cstdint>

namespace surge {
namespace {

// Below this many steps the whole part is exact in a uint64 and in a double (2^52).
constexpr double kExactSteps = 4503599627370496.0;

// time / dt when it is a grid point to within kGridSnap steps, else NaN.
double snapped(double steps) {
  const double nearest = std::round(steps);
  return std::abs(steps - nearest) < kGridSnap ? nearest : std::nan("");
}

std::size_t to_index(double steps) {
  return steps > 0 ? static_cast<std::size_t>(steps) : 0;
}

// The grid point nearest `steps` when it is within kGridSnap of it, else `otherwise` (whole or whole + 1),
// for 0 < steps < kExactSteps: the same answer as snapped() without a call into libm (the planner asks
// this for every grid point of every rerun). steps - whole and 1 - fraction are exact where they matter.
std::size_t snapped_or(double steps, bool up) {
  const auto whole = static_cast<std::uint64_t>(steps);
  const double fraction = steps - static_cast<double>(whole);
  if (fraction < kGridSnap) return whole;
  if (1.0 - fraction < kGridSnap) return whole + 1;
  return up ? whole + 1 : whole;
}

}  // namespace

std::size_t grid_index(double time_s, double dt_s) {
  const double steps = time_s / dt_s;
  if (!(steps > 0)) return 0;  // negative, zero or NaN
  if (steps < kExactSteps) return snapped_or(steps, true);
  const double k = snapped(steps);
  return to_index(std::isnan(k) ? std::ceil(steps) : k);
}

std::size_t grid_index_at_or_before(double time_s, double dt_s) {
  const double steps = time_s / dt_s;
  if (!(steps > 0)) return 0;
  if (steps < kExactSteps) return snapped_or(steps, false);
  const double k = snapped(steps);
  return to_index(std::isnan(k) ? std::floor(steps) : k);
}

}  // namespace surge
