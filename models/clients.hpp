// When the clients of affected certificates ask for their replacements: ARI clients learn at their next
// poll (Retry-After with jitter) and renew at a uniform time in the window the CA serves; clients
// without ARI keep their normal schedule; requests cluster at the top of the hour. Also the normal
// day's issuance going on meanwhile. Produces cohorts: k certificates that travel together.
#pragma once

#include <cstdint>
#include <vector>

#include "random.hpp"
#include "scenario.hpp"

namespace surge {

/// Who a cohort's clients are.
enum class ClientClass { ARI, NO_ARI, BACKGROUND };

/// k certificates whose clients ask at the same time.
struct Cohort {
  double arrival_s = 0;  ///< when the clients ask for the replacement (or a new certificate)
  int size = 0;          ///< certificates in the cohort
  ClientClass cls = ClientClass::ARI;
};

/// The cohorts of a scenario, sorted by arrival.
struct ArrivalPlan {
  std::vector<Cohort> cohorts;         ///< every affected cohort and the background before the horizon, by arrival
  double affected_beyond_horizon = 0;  ///< affected certificates whose clients ask only after the horizon
};

/// Draws one ARI client's renewal time (seconds since discovery).
double draw_ari_renewal(const Scenario& s, Rng& rng);
/// Draws one renewal of a client without ARI (its normal schedule).
double draw_normal_renewal(const Scenario& s, Rng& rng);
/// Moves a request to the next top of the hour with probability burst_share.
double apply_clustering(const Clients& c, double t, Rng& rng);

/// Share of ARI clients that have asked by time t (seconds since discovery), in closed form: the next
/// poll's forward-recurrence CDF times the served window's uniform CDF (renewal = max of the two).
double ari_renewal_cdf(const Scenario& s, double t);
/// Share of clients without ARI that have asked by time t.
double normal_renewal_cdf(const Scenario& s, double t);

/// All cohorts for a scenario and seed. With randomness off, cohort i of n arrives at the
/// (i + 1/2) / n quantile, the clustering moves every (1 / share)-th cohort by the mean offset, and
/// the seed is not used.
ArrivalPlan plan_arrivals(const Scenario& s, std::uint64_t seed);

}  // namespace surge
