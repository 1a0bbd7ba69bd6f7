// Throughput versus concurrency for a FIFO multi-server (an HSM member's sessions, the DB writer's
// connections): the Universal Scalability Law, normalised so that the rated figure holds at the
// configured concurrency.
#pragma once

namespace surge {

/// X(n) = lambda n / (1 + sigma (n - 1) + kappa n (n - 1)); sigma = kappa = 0 is linear scaling,
/// i.e. c independent servers (M/M/c).
struct CapacityCurve {
  double sigma = 0;  ///< contention, >= 0
  double kappa = 0;  ///< coherency, >= 0

  /// Unnormalised USL shape at n concurrent requests (lambda = 1).
  double shape(int n) const {
    if (n <= 0) return 0;
    const double dn = n;
    return dn / (1.0 + sigma * (dn - 1.0) + kappa * dn * (dn - 1.0));
  }
  /// Throughput at n busy servers when the rated throughput is `rated` at `c` busy servers.
  double throughput(double rated, int n, int c) const { return rated * shape(n) / shape(c); }
};

}  // namespace surge
