#include "models/controller.hpp"

#include <algorithm>
#include <cmath>

namespace surge {

double revocation_need_s(const Incident& incident, const RevocationLoad& load) {
  const double sign =
      load.signatures_per_revocation > 0 ? load.remaining * load.signatures_per_revocation / load.signatures_per_s : 0;
  const double commit = load.remaining * load.commits_per_revocation / load.commits_per_s;
  return std::max(sign, commit) * (1.0 + incident.revocation_margin);
}

double latest_bulk_start_s(const Incident& incident, double interval_s) {
  return incident.deadline_s - incident.revocation_slack_s - interval_s;
}

bool bulk_revocation_due(const Incident& incident, double start_s, double need_s, double interval_s) {
  return std::isfinite(need_s) && start_s + need_s >= latest_bulk_start_s(incident, interval_s);
}

}  // namespace surge
