// Expanding a sweep into its points: the grid of lists and ranges, times the draws of sampled parameters.
#include "models/sweep_spec_reader.hpp"

#include <string>
#include <utility>

#include "models/random.hpp"

namespace surge {
namespace {

using sweep_reading::round_significant;

// Samples are printed with this many significant digits: the resolution of a sampled capacity, and
// short enough to read in a results table.
constexpr int kSampleDigits = 6;
// A Latin hypercube draw that rounding moves out of its stratum is drawn again, at most this many times.
constexpr int kMaxRedraws = 100;

// Draws of one SAMPLES parameter, printed in its unit.
std::vector<std::string> draw_samples(const SweepSpec& spec, const SweepParameter& p, std::uint64_t stream) {
  const int n = spec.samples;
  Rng rng(spec.sampling_seed, stream);
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(n));
  const double width = p.to - p.from;
  if (spec.sampling == SamplingKind::RANDOM) {
    for (int j = 0; j < n; ++j)
      out.push_back(format_value(round_significant(p.from + width * rng.uniform(), kSampleDigits), p.unit));
    return out;
  }
  // Latin hypercube: stratum perm[j] for draw j, the strata shuffled independently for each parameter.
  std::vector<int> perm(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) perm[static_cast<size_t>(i)] = i;
  for (int i = n - 1; i > 0; --i) {
    const auto j = static_cast<int>(rng.uniform() * (i + 1));  // uniform() < 1, so j <= i
    std::swap(perm[static_cast<size_t>(i)], perm[static_cast<size_t>(j)]);
  }
  for (int j = 0; j < n; ++j) {
    const int stratum = perm[static_cast<size_t>(j)];
    const double lo = p.from + width * stratum / n, hi = p.from + width * (stratum + 1) / n;
    double v = 0;
    // Rounding for print can push a draw over its stratum's edge; draw again so each stratum keeps one.
    for (int attempt = 0; attempt < kMaxRedraws; ++attempt) {
      v = round_significant(lo + (hi - lo) * rng.uniform(), kSampleDigits);
      if (v >= lo && v < hi) break;
    }
    out.push_back(format_value(v, p.unit));
  }
  return out;
}

}  // namespace

std::vector<SweepPoint> expand_points(const SweepSpec& spec) {
  const std::vector<SweepParameter>& params = spec.parameters;
  // Draws per SAMPLES parameter (stream = its index), shared by every grid point.
  std::vector<std::vector<std::string>> draws(params.size());
  bool any_samples = false;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].kind != ValuesKind::SAMPLES) continue;
    any_samples = true;
    draws[i] = draw_samples(spec, params[i], i);
  }
  const int draw_count = any_samples ? spec.samples : 1;
  for (const SweepParameter& p : params)
    if (p.kind != ValuesKind::SAMPLES && p.values.empty()) return {};  // an empty factor: no point at all

  std::vector<SweepPoint> points;
  std::vector<size_t> at(params.size(), 0);
  for (bool done = false; !done;) {
    for (int j = 0; j < draw_count; ++j) {
      SweepPoint point;
      for (size_t i = 0; i < params.size(); ++i) {
        const std::string& value =
            params[i].kind == ValuesKind::SAMPLES ? draws[i][static_cast<size_t>(j)] : params[i].values[at[i]];
        point.overrides.push_back(Override{params[i].path, value});
      }
      points.push_back(point);
    }
    // The next grid point: the last LIST or RANGE parameter varies fastest, the first slowest.
    done = true;
    for (size_t i = params.size(); i-- > 0;) {
      if (params[i].kind == ValuesKind::SAMPLES) continue;
      if (++at[i] < params[i].values.size()) {
        done = false;
        break;
      }
      at[i] = 0;
    }
  }
  return points;
}

}  // namespace surge
