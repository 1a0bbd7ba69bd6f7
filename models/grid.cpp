#include "models/grid.hpp"

#include <cmath>

namespace surge {
namespace {

// time / dt when it is a grid point to within kGridSnap steps, else NaN.
double snapped(double steps) {
  const double nearest = std::round(steps);
  return std::abs(steps - nearest) < kGridSnap ? nearest : std::nan("");
}

std::size_t to_index(double steps) {
  return steps > 0 ? static_cast<std::size_t>(steps) : 0;
}

}  // namespace

std::size_t grid_index(double time_s, double dt_s) {
  const double steps = time_s / dt_s;
  const double k = snapped(steps);
  return to_index(std::isnan(k) ? std::ceil(steps) : k);
}

std::size_t grid_index_at_or_before(double time_s, double dt_s) {
  const double steps = time_s / dt_s;
  const double k = snapped(steps);
  return to_index(std::isnan(k) ? std::floor(steps) : k);
}

}  // namespace surge
