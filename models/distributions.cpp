#include "models/distributions.hpp"

#include <cmath>
#include <numbers>

namespace surge {

double standard_normal(Rng& rng) {
  const double u1 = 1.0 - rng.uniform();  // (0, 1]
  const double u2 = rng.uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double Distribution::draw(Rng& rng) const {
  switch (kind) {
    case DistributionKind::DETERMINISTIC:
      return 1.0;
    case DistributionKind::EXPONENTIAL:
      return rng.exponential(1.0);
    case DistributionKind::LOGNORMAL: {
      const double s2 = std::log1p(cv * cv);  // mean exp(mu + s2 / 2) = 1
      return std::exp(-0.5 * s2 + std::sqrt(s2) * standard_normal(rng));
    }
    case DistributionKind::EMPIRICAL: {
      const size_t i = static_cast<size_t>(rng.uniform() * static_cast<double>(sample.size()));
      return sample[std::min(i, sample.size() - 1)];
    }
  }
  return 1.0;
}

double Distribution::cdf(double x) const {
  switch (kind) {
    case DistributionKind::DETERMINISTIC:
      return x >= 1.0 ? 1.0 : 0.0;
    case DistributionKind::EXPONENTIAL:
      return x <= 0 ? 0.0 : -std::expm1(-x);
    case DistributionKind::LOGNORMAL: {
      if (x <= 0) return 0.0;
      if (cv <= 0) return x >= 1.0 ? 1.0 : 0.0;
      const double s2 = std::log1p(cv * cv);  // as draw(): log factor ~ N(-s2 / 2, s2)
      return 0.5 * std::erfc(-(std::log(x) + 0.5 * s2) / std::sqrt(2.0 * s2));
    }
    case DistributionKind::EMPIRICAL: {
      if (sample.empty()) return 1.0;
      size_t at_or_below = 0;
      for (double v : sample) at_or_below += v <= x ? 1 : 0;
      return static_cast<double>(at_or_below) / static_cast<double>(sample.size());
    }
  }
  return 1.0;
}

double Distribution::scv() const {
  switch (kind) {
    case DistributionKind::DETERMINISTIC:
      return 0;
    case DistributionKind::EXPONENTIAL:
      return 1;
    case DistributionKind::LOGNORMAL:
      return cv * cv;
    case DistributionKind::EMPIRICAL: {
      double m2 = 0;
      for (double x : sample) m2 += x * x;
      return sample.empty() ? 0 : m2 / static_cast<double>(sample.size()) - 1.0;  // mean is 1
    }
  }
  return 0;
}

std::string Distribution::name() const {
  switch (kind) {
    case DistributionKind::DETERMINISTIC:
      return "deterministic";
    case DistributionKind::EXPONENTIAL:
      return "exponential";
    case DistributionKind::LOGNORMAL:
      return "lognormal";
    case DistributionKind::EMPIRICAL:
      return "empirical";
  }
  return "?";
}

}  // namespace surge
