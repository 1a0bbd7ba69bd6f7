// Calibration profiles: the JSON that `surge calibrate hsm` and `surge calibrate db` write and a scenario's
// `hsm` or `db` entry names (`profile: PATH`). Both kinds share the header (`surge_profile`, `kind`,
// `metadata`) and the shape of a fit (`identified`, `reason`, `lambda`/`sigma`/`kappa`.`value`); only
// those fields are read. Every problem comes back as one message headed "profile NAME: ", for the
// scenario parser to report at the `profile` value (docs/SCENARIOS.md, "Calibration profiles").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/capacity_curve.hpp"

namespace surge {

/// The fit of the Universal Scalability Law to one measured workload: a key type of an HSM profile, the
/// commits of a DB profile.
struct ProfileFit {
  bool identified = false;  ///< the calibration could fit a curve; lambda and curve are set only then
  std::string reason;       ///< why it could not, when not identified (may be empty)
  double lambda = 0;        ///< operations/s of one session or connection (the USL lambda)
  CapacityCurve curve;      ///< the fitted sigma and kappa
};

/// What an HSM calibration profile (kind "hsm") says.
struct HsmProfile {
  std::map<std::string, ProfileFit> key_types;  ///< every key type measured, fitted or not, by name
  std::string source;                           ///< "profile NAME (module, date)"
};

/// What a database calibration profile (kind "db") says.
struct DbProfile {
  ProfileFit commits;  ///< the writer's commits/s over connections, for the profile's transaction mix
  std::string source;  ///< "profile NAME (server_version, date)"
};

/// Reads the HSM profile at `file` into out; `name` (the path as written) heads every message. Returns
/// the problem, if any.
std::optional<std::string> read_hsm_profile(const std::string& file, const std::string& name, HsmProfile& out);

/// Reads the database profile at `file` into out; `name` (the path as written) heads every message.
/// Returns the problem, if any. An unidentified commits curve is not a problem here: it is one only when
/// the scenario writes no rate beside the profile (see db_unidentified_message).
std::optional<std::string> read_db_profile(const std::string& file, const std::string& name, DbProfile& out);

/// The problem of a DB profile named `name` whose commits curve could not be fitted, quoting why.
std::string db_unidentified_message(const std::string& name, const ProfileFit& commits);

/// The problem of an HSM profile named `name` whose key type `key` could not be fitted, quoting why.
std::string hsm_unfitted_message(const std::string& name, const std::string& key, const std::string& reason);

}  // namespace surge
