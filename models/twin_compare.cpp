#include "models/twin_compare.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace surge {

double curve_at(const CumulativeCurve& c, double t) {
  if (c.t_s.empty() || t < c.t_s.front()) return 0;
  if (t >= c.t_s.back()) return c.count.back();
  const size_t i = static_cast<size_t>(std::upper_bound(c.t_s.begin(), c.t_s.end(), t) - c.t_s.begin());
  const double t0 = c.t_s[i - 1], t1 = c.t_s[i];
  return c.count[i - 1] + (c.count[i] - c.count[i - 1]) * (t - t0) / (t1 - t0);
}

namespace {

// The curve just before t: as curve_at, except at its first sample, where it jumps up from 0.
double curve_before(const CumulativeCurve& c, double t) {
  return !c.t_s.empty() && t == c.t_s.front() ? 0 : curve_at(c, t);
}

}  // namespace

double largest_gap_share(const CumulativeCurve& predicted, const CumulativeCurve& measured, double n) {
  double gap = 0;
  for (const CumulativeCurve* c : {&predicted, &measured})
    for (const double t : c->t_s) {
      gap = std::max(gap, std::abs(curve_at(predicted, t) - curve_at(measured, t)));
      gap = std::max(gap, std::abs(curve_before(predicted, t) - curve_before(measured, t)));
    }
  return gap / n;
}

std::optional<double> time_to_reach(const CumulativeCurve& c, double n, double tolerance) {
  const double target = n - tolerance;
  for (size_t i = 0; i < c.t_s.size(); ++i) {
    if (c.count[i] < target) continue;
    if (i == 0 || c.count[i] == c.count[i - 1]) return c.t_s[i];
    return c.t_s[i - 1] + (c.t_s[i] - c.t_s[i - 1]) * (target - c.count[i - 1]) / (c.count[i] - c.count[i - 1]);
  }
  return std::nullopt;
}

std::optional<double> relative_error(std::optional<double> predicted, std::optional<double> measured) {
  if (!predicted || !measured || *predicted == 0) return std::nullopt;
  return (*measured - *predicted) / *predicted;
}

CumulativeCurve series_curve(const Report& r, const std::string& column) {
  const auto at = [&](const std::string& name) {
    const auto it = std::find(r.series_columns.begin(), r.series_columns.end(), name);
    if (it == r.series_columns.end()) throw std::invalid_argument("the report's series has no column '" + name + "'");
    return static_cast<size_t>(it - r.series_columns.begin());
  };
  const size_t t = at("t_s"), y = at(column);
  CumulativeCurve c;
  for (const std::vector<double>& row : r.series) c.t_s.push_back(row[t]), c.count.push_back(row[y]);
  return c;
}

}  // namespace surge
