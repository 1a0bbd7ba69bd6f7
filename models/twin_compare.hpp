// The twin's error arithmetic (issue 18, docs/TWIN.md): how far a measured run is from the prediction
// made before it. Curves are cumulative counts sampled at times (replaced certificates over time, from a
// report's series or a live run's per-second samples), read as piecewise linear between samples.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/report.hpp"

namespace surge {

/// A cumulative count over time: t_s increasing, count non-decreasing, the same length.
struct CumulativeCurve {
  std::vector<double> t_s;
  std::vector<double> count;
};

/// The curve at t: linear between samples, 0 before the first (counts start from nothing), the last
/// sample's count after it.
double curve_at(const CumulativeCurve& c, double t);

/// The largest |predicted - measured| at any time, as a share of n (> 0). Both curves are linear between
/// their samples, so the largest difference is at one of the two curves' sample times (on either side of
/// a curve's first sample, where it jumps from 0).
double largest_gap_share(const CumulativeCurve& predicted, const CumulativeCurve& measured, double n);

/// When the curve first reaches n less `tolerance` (a count), interpolated between samples; empty if never.
std::optional<double> time_to_reach(const CumulativeCurve& c, double n, double tolerance);

/// (measured - predicted) / predicted; empty when either is missing or predicted is 0.
std::optional<double> relative_error(std::optional<double> predicted, std::optional<double> measured);

/// A report's series column as a cumulative curve (t_s against the column, e.g. "replaced"); throws
/// std::invalid_argument naming the column when the report has no such column.
CumulativeCurve series_curve(const Report& r, const std::string& column);

}  // namespace surge
