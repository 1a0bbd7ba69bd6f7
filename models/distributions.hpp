// Service-time variability: a random factor with mean 1 that multiplies a job's nominal work (so the
// rated capacity stays the mean rate). Drawn from the project's own generator: the same draws on any
// machine.
#pragma once

#include <string>
#include <vector>

#include "models/random.hpp"

namespace surge {

/// The shape of the factor.
enum class DistributionKind {
  DETERMINISTIC,  ///< always 1
  EXPONENTIAL,    ///< Exp(1): squared coefficient of variation 1 (M/M/c)
  LOGNORMAL,      ///< mean 1 with a given coefficient of variation
  EMPIRICAL,      ///< a measured sample, rescaled to mean 1, drawn uniformly (bootstrap)
};

/// A factor with mean 1.
struct Distribution {
  DistributionKind kind = DistributionKind::DETERMINISTIC;
  double cv = 0;               ///< lognormal: coefficient of variation
  std::vector<double> sample;  ///< empirical: values rescaled to mean 1

  /// One draw.
  double draw(Rng& rng) const;
  /// P(factor <= x), in closed form (the empirical: the sample's share at or below x).
  double cdf(double x) const;
  /// Squared coefficient of variation (0 deterministic, 1 exponential), for M/G/c approximations.
  double scv() const;
  /// Name as scenario files write it.
  std::string name() const;
};

/// A standard normal draw (Box-Muller, one of the pair).
double standard_normal(Rng& rng);

}  // namespace surge
