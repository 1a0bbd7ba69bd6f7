#include "models/resources.hpp"

#include <string>
#include <string_view>

#include "models/workload.hpp"

namespace surge {

const char* resource_kind_name(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::HSM:
      return "hsm";
    case ResourceKind::DB:
      return "db";
    case ResourceKind::CT:
      return "ct";
    case ResourceKind::LINK:
      return "link";
    case ResourceKind::API:
      return "api";
    case ResourceKind::VA:
      return "va";
    case ResourceKind::READS:
      return "reads";
  }
  return "?";
}

std::string resource_unit(ResourceKind kind, const Scenario& s) {
  switch (kind) {
    case ResourceKind::HSM:
      return hsm_capacity_unit(s);
    case ResourceKind::DB:
      return "commits/s";
    case ResourceKind::CT:
      return "submissions/s";
    case ResourceKind::LINK:
      return "bytes/s";
    case ResourceKind::API:
      return "requests/s";
    case ResourceKind::VA:
      return "validations/s";
    case ResourceKind::READS:
      return "reads/s";
  }
  return "?";
}

namespace {

constexpr const char* kUtilisationPrefix = "util:";
constexpr const char* kBusyPrefix = "busy:";
constexpr std::string_view kQueuePrefix = "queue:";

}  // namespace

std::string utilisation_column(const std::string& resource) {
  return kUtilisationPrefix + resource;
}

std::string busy_column(const std::string& resource) {
  return kBusyPrefix + resource;
}

std::string queue_column(const std::string& station) {
  return std::string(kQueuePrefix) + station;
}

std::string queued_station(const std::string& column) {
  return column.rfind(kQueuePrefix, 0) == 0 ? column.substr(kQueuePrefix.size()) : std::string();
}

std::string resource_name(ResourceKind kind, const std::string& place) {
  if (kind == ResourceKind::DB) return "db-writer";
  if (kind == ResourceKind::READS) return "db-replica-reads";
  const std::string k = resource_kind_name(kind);
  return place.empty() ? k : k + ":" + place;
}

}  // namespace surge
