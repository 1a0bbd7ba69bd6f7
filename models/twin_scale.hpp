// The twin scenario (`surge twin`, docs/TWIN.md): a scenario's topology, era, policies, client classes and
// incident timeline on this machine's parts (PKCS#11 tokens and a MariaDB rated by calibration profiles),
// scaled so that the live run takes a minute or two and each resource is as busy, relative to its
// capacity, as in the scenario.
//
// Two factors do it. Time runs f times faster: every duration is divided by f. Every capacity the twin
// shapes (CT logs' rate limits, WAN links, the API, the replicas' reads, the background issuance) is
// multiplied by s, the smallest ratio of a real part's capacity in the twin to its capacity in the
// scenario. Counts (certificates, bytes) are multiplied by s / f. Then a resource's work over its capacity
// over an interval is the same in the twin's scaled time as in the scenario's: utilisation curves, the
// bottleneck and the replaced-over-time curve carry over, with times divided by f. The real part that
// sets s keeps the scenario's ratio; the other one has more headroom than in the scenario.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/report.hpp"
#include "models/scenario.hpp"
#include "models/scenario_parser.hpp"

namespace surge {

/// The parts of this machine that stand in for the scenario's HSMs and database.
struct TwinParts {
  std::string hsm_profile;  ///< a `surge calibrate hsm` profile (absolute path)
  std::string db_profile;   ///< a `surge calibrate db` profile (absolute path)
};

/// This machine as the twin's host: its cores and the CPU one certificate costs across the whole live
/// pipeline (the signers, MariaDB, the SA, the RA, the publisher, the logs and the load generator),
/// measured by a live run made before (`twin-host` profiles). On a small machine these parts share the
/// CPUs; the twin is scaled so that, at the scenario's sustained rate, they plan to use at most
/// `utilisation_cap` of the cores, and the scenario's bottleneck, not the CPU, binds.
struct TwinHost {
  double cores = 0;                  ///< 0: the CPU is not a constraint
  double cpu_s_per_certificate = 0;  ///< CPU seconds to replace and revoke one certificate (this era)
  double utilisation_cap = 0.5;      ///< the share of the cores the twin plans to use at most
  std::string profile;               ///< where the figures come from
};

/// Reads a twin host profile for `era` ("seed-2021", "precert-2021", "crl"): the era's CPU cost, or the
/// largest of the eras it has when it lacks that one. Returns an error message (naming the file and the
/// field) or nullopt.
std::optional<std::string> read_twin_host(const std::string& file, const std::string& era, TwinHost& out);

/// How a scenario is scaled to its twin.
struct TwinScale {
  double time_factor = 1;  ///< f: the twin's durations are the scenario's divided by f
  double rate_factor = 1;  ///< s: the capacities the twin shapes are the scenario's times s
  std::string set_by;      ///< what s comes from: a real resource ("hsm:dc1", "db-writer") or "host-cpu"
  /// Certificates and bytes: multiplied by s / f.
  double count_factor() const { return rate_factor / time_factor; }
};

/// Every data center's HSM members and database servers rated by the parts' profiles.
std::vector<Override> part_overrides(const Scenario& s, const TwinParts& parts);

/// The factors for a live run of about `live_s` seconds, from the scenario's analytic answer and the
/// answer with the parts in place (same timeline): s is the smallest capacity ratio over the HSM and
/// database resources with capacity in both; f makes the scenario's completion (or its horizon, when it
/// never completes) last live_s. With a host, s is at most what keeps the host's CPU under its cap at the
/// scenario's sustained rate (its analytic max_sustainable_rate_per_s): cap x cores / (CPU per
/// certificate x rate); "host-cpu" then sets s. Throws std::invalid_argument when no real part has
/// capacity in both.
TwinScale twin_scale(const Report& scenario, const Report& with_parts, double live_s, const TwinHost& host = {});

/// The twin's overrides: its clock (time_scale = f, so that the model's own time steps are divided by f
/// too and every duration's range is checked in the scenario's time), the parts, every duration divided by f, every
/// shaped capacity multiplied by s, every count by s / f, and cohorts of one certificate (the live pipeline issues them
/// one by one).
std::vector<Override> twin_overrides(const Scenario& s, const TwinParts& parts, const TwinScale& k);

}  // namespace surge
