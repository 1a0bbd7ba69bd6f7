// The resources the planner and the simulator both account for, written once: their kinds and the names
// and units reports give them. The planner's resources (models/analysis.hpp) and the simulator's tracked
// stations (sim/metrics.hpp) carry a ResourceKind; a report's ResourceUse carries its name.
#pragma once

#include <string>

#include "models/scenario.hpp"

namespace surge {

/// What a resource is: the HSM pool (by data center), the DB writer, CT logs, a network link, a data
/// center's ACME API or its VA, and the replicas' reads that answer ARI polls.
enum class ResourceKind { HSM, DB, CT, LINK, API, VA, READS };

/// The kind as reports write it: "hsm", "db", "ct", "link", "api", "va", "reads".
const char* resource_kind_name(ResourceKind kind);

/// The unit of a kind's capacity and work: "signatures/s" (with several key types, in signatures of the
/// reference key: "signatures/s (<key> equivalent)"), "commits/s", "submissions/s", "bytes/s",
/// "requests/s", "validations/s", "reads/s".
std::string resource_unit(ResourceKind kind, const Scenario& s);

/// A resource's name in reports: "db-writer" and "db-replica-reads"; the others "<kind>:<place>", the
/// place a data center (hsm, api, va), a link or a CT log, or the bare kind ("hsm", "ct") when none is
/// left.
std::string resource_name(ResourceKind kind, const std::string& place = "");

/// The simulated time series' columns of a resource (named as resource_name names it): its utilisation
/// ("util:hsm:dc1"), its busy servers ("busy:hsm:dc1"); and the certificates waiting at a station
/// ("queue:hsm:dc1", "queue:db-writer", "queue:network", "queue:ct").
std::string utilisation_column(const std::string& resource);
std::string busy_column(const std::string& resource);
std::string queue_column(const std::string& station);
/// The station a queue column counts for, or empty when the column is no queue's.
std::string queued_station(const std::string& column);

/// The stations whose queues the series tracks besides each data center's HSMs (queue_column of them).
inline constexpr const char* kNetworkQueue = "network";

}  // namespace surge
