// When the clients of affected certificates ask for their replacements, by client class: ARI clients
// learn at their next poll (Retry-After with jitter) and renew at a uniform time in the window the CA
// serves; cron-driven clients at their next scheduled run; clients reached by e-mail at the earlier of
// their answer and their normal schedule; clients never reached keep their normal schedule. Requests
// cluster at the top of the hour. Also the normal day's issuance going on meanwhile. Produces cohorts: k
// certificates of one class that travel together.
#pragma once

#include <cstdint>
#include <vector>

#include "models/random.hpp"
#include "models/scenario.hpp"

namespace surge {

/// A cohort's client class when it is the normal day's issuance, not affected certificates.
inline constexpr int kBackgroundClass = -1;

/// k certificates whose clients ask at the same time.
struct Cohort {
  double arrival_s = 0;  ///< when the clients ask for the replacement (or a new certificate)
  int size = 0;          ///< certificates in the cohort
  int client_class = 0;  ///< index into client_classes(); kBackgroundClass for the normal day's issuance
  int key = 0;           ///< index into the workload's keys(): the issuer that signs these certificates

  /// Whether these are affected certificates (to replace and revoke).
  bool affected() const { return client_class != kBackgroundClass; }
};

/// The cohorts of a scenario, sorted by arrival.
struct ArrivalPlan {
  std::vector<Cohort> cohorts;         ///< every affected cohort and the background before the horizon, by arrival
  double affected_beyond_horizon = 0;  ///< affected certificates whose clients ask only after the horizon
};

/// The scenario's client classes: `clients.classes`, or without it two: `ari` (`ari_share`) and
/// `unreached` (the rest).
std::vector<ClientClass> client_classes(const Scenario& s);
/// `total` split by `shares` (adding up to 1): the cumulative shares x total rounded, the last taking
/// the rest, so that the parts add up to the whole exactly.
std::vector<double> split_by_shares(double total, const std::vector<double>& shares);
/// Affected certificates of each class: the cumulative shares x certificates rounded, the last class
/// taking the rest, so that they add up to the whole exactly.
std::vector<double> class_certificates(const Scenario& s, const std::vector<ClientClass>& classes);

/// The incident batches: `incident.batches`, or without it one batch of every certificate at the decision.
std::vector<IncidentBatch> incident_batches(const Scenario& s);
/// Whether clients of this kind learn of a batch when the CA enables it (ARI and e-mail clients); cron and
/// unreached clients ask on their own schedule, so their certificates are not split over batches.
bool follows_batches(ClientKind kind);
/// Whether the class's requests move with the suggested renewal window (clients.window): ARI clients' do.
bool follows_window(ClientKind kind);
/// A class's affected certificates split over the batches: cumulative shares x count rounded, the last
/// batch taking the rest (as class_certificates splits the whole over classes).
std::vector<double> batch_certificates(const Scenario& s, double count);

/// Draws one ARI client's renewal time (seconds since discovery) for a batch enabled enabled_s after the
/// decision: the first poll from decision + enabled_s, or the served window from then, whichever is later.
double draw_ari_renewal(const Scenario& s, Rng& rng, double enabled_s = 0);
/// Draws one renewal of a client without ARI (its normal schedule).
double draw_normal_renewal(const Scenario& s, Rng& rng);
/// Draws one cron-driven client's renewal: its next run after the decision (uniform phase in one period)
/// plus the run's random sleep.
double draw_cron_renewal(const Scenario& s, const ClientClass& c, Rng& rng);
/// Draws one e-mail-reached client's renewal: the earlier of its normal schedule and its answer to the
/// e-mail the CA sends when the batch is enabled (enabled_s after the decision).
double draw_email_renewal(const Scenario& s, const ClientClass& c, Rng& rng, double enabled_s = 0);
/// Draws one renewal of a client of class c (seconds since discovery) in a batch enabled enabled_s after
/// the decision (ignored by cron and unreached clients).
double draw_renewal(const Scenario& s, const ClientClass& c, Rng& rng, double enabled_s = 0);
/// Moves a request to the next top of the hour with probability burst_share.
double apply_clustering(const Clients& c, double t, Rng& rng);

/// Share of ARI clients that have asked by time t (seconds since discovery), in closed form: the next
/// poll's forward-recurrence CDF times the served window's uniform CDF (renewal = max of the two), both
/// counted from decision + enabled_s (the batch's enabling).
double ari_renewal_cdf(const Scenario& s, double t, double enabled_s = 0);
/// Share of clients without ARI that have asked by time t.
double normal_renewal_cdf(const Scenario& s, double t);
/// Share of a cron class that has asked by time t: a uniform phase over one period plus a uniform
/// sleep, whose sum has a trapezoidal density.
double cron_renewal_cdf(const Scenario& s, const ClientClass& c, double t);
/// Share of an e-mail class that has asked by time t: 1 - (1 - normal CDF) x (1 - answer CDF), the answer
/// counted from the e-mail at decision + enabled_s.
double email_renewal_cdf(const Scenario& s, const ClientClass& c, double t, double enabled_s = 0);
/// Share of class c that has asked by time t (seconds since discovery), by its kind, in a batch enabled
/// enabled_s after the decision.
double class_renewal_cdf(const Scenario& s, const ClientClass& c, double t, double enabled_s = 0);
/// Share of class c that has asked by time t over all batches: sum over batches of share x
/// class_renewal_cdf at the batch's enabling (ARI and e-mail), class_renewal_cdf alone otherwise.
double class_arrival_cdf(const Scenario& s, const ClientClass& c, double t);
/// count x class_arrival_cdf at each grid time i x dt_s, into requests[i] for i >= 1 (requests[0] is left as
/// is): the planner's requests by each grid point, in one call so that the CDF can be inlined.
void class_requests(const Scenario& s, const ClientClass& c, double count, double dt_s, std::vector<double>& requests);

/// All cohorts for a scenario and seed. With randomness off, cohort i of n arrives at the
/// (i + 1/2) / n quantile, the clustering moves every (1 / share)-th cohort by the mean offset, and
/// the seed is not used.
ArrivalPlan plan_arrivals(const Scenario& s, std::uint64_t seed);

}  // namespace surge
