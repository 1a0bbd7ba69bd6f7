// Broken sites: one definition for the simulator and the planner (docs/MODEL.md, "Broken sites").
// A site breaks when its certificate is revoked before its replacement is issued: its revocation is
// done (committed, and signed where the era signs revocations) while no replacement exists yet, or the
// certificate is revoked and never replaced within the run. A certificate replaced first, then revoked,
// never breaks its site; one neither revoked nor replaced within the run is not counted (it is in
// `not_replaced_by_deadline`).
#pragma once

#include <vector>

namespace surge {

/// Whether one certificate's site breaks. Times in seconds; negative: not done within the run.
bool site_breaks(double replaced_s, double revoked_s);

/// The fluid view of a bulk revocation, for the planner. Bulk revocation revokes the certificates not yet
/// replaced at its start in the simulator's order, furthest from replacement first (last requested
/// first); replacement goes on in request order (FIFO). The two fronts meet: certificates replaced before
/// the revocation front reaches them keep their sites, every other revoked one breaks.
struct BulkRevocation {
  double certificates = 0;  ///< affected certificates, all of them
  double start_s = 0;       ///< when bulk revocation began
  double end_s = 0;         ///< when its last revocation is done (+inf: never); revocations spread evenly
  double horizon_s = 0;     ///< the run's end
  double grid_step_s = 0;   ///< the replaced curve's grid step
  /// Affected certificates replaced by each grid time k x grid_step_s, bulk revocation included; those
  /// not replaced at the start are what it revokes.
  std::vector<double> replaced;
};

/// Certificates whose sites break in a bulk revocation (fluid, to one grid step of replacements).
double broken_sites(const BulkRevocation& bulk);

}  // namespace surge
