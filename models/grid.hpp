// The planner's time grid: which grid point a time falls on. Written once so that a time that is a grid
// point (k x dt, up to the round-off of computing it) maps to k exactly, whatever the step.
#pragma once

#include <cstddef>

namespace surge {

/// Times within this many steps of a grid point are that grid point (the round-off of k x dt / dt).
constexpr double kGridSnap = 1e-9;

/// The first grid point at or after time_s on a grid of step dt_s from 0: k when time_s is k x dt_s (to
/// within kGridSnap steps), else ceil(time_s / dt_s). Negative times map to 0.
std::size_t grid_index(double time_s, double dt_s);

/// The last grid point at or before time_s: k when time_s is k x dt_s (to within kGridSnap steps), else
/// floor(time_s / dt_s). Negative times map to 0.
std::size_t grid_index_at_or_before(double time_s, double dt_s);

}  // namespace surge
