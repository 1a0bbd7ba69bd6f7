// The revocation controller's rule, written once for the simulator (sim/controller.cpp, which looks every
// interval) and the planner (which asks at each grid time): bulk revocation of the certificates not yet
// replaced starts when what is still to revoke needs, on the capacity that survives, (1 + margin) x its
// time, ending `revocation_slack` and one controller interval before the deadline.
#pragma once

#include "models/scenario.hpp"

namespace surge {

/// How often the simulator's revocation controller looks.
inline constexpr double kControllerInterval_s = 60.0;

/// What the revocations still to start ask of what survives.
struct RevocationLoad {
  double remaining = 0;                  ///< revocations still to start
  double signatures_per_revocation = 0;  ///< 0 in the CRL era (a revocation signs nothing itself)
  double signatures_per_s = 0;           ///< the signing capacity left, in the same signatures
  double commits_per_revocation = 0;
  double commits_per_s = 0;  ///< the writer's (0 while there is none: the need is then infinite)
};

/// How long the revocations take with the margin: the slower of signing and committing them, x (1 + margin).
double revocation_need_s(const Incident& incident, const RevocationLoad& load);

/// The latest time bulk revocation may start: the deadline less the slack and one controller interval.
double latest_bulk_start_s(const Incident& incident, double interval_s = kControllerInterval_s);

/// Whether bulk revocation must start now, given when the revocations could start (`start_s`: now, or a
/// promotion under way) and their need; a need that is not finite (nothing left can sign or commit) never
/// starts it: bulk revocation cannot help then.
bool bulk_revocation_due(const Incident& incident, double start_s, double need_s,
                         double interval_s = kControllerInterval_s);

}  // namespace surge
