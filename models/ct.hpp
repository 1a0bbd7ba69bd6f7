// Certificate Transparency arithmetic shared by the simulator and the analytic planner: how many
// precertificates per second a set of logs can give their SCTs to, when each needs SCTs from several
// different operators, and how that changes as logs go down and come back.
#pragma once

#include <vector>

#include "models/fluid.hpp"
#include "models/scenario.hpp"

namespace surge {

/// Precertificates per second that operators with these capacities (submissions/s, the sum of each
/// operator's logs that are up) can serve when each needs SCTs from `scts_required` distinct operators:
/// the largest x with sum over operators of min(c_o, x) >= scts_required x, which is
/// min over k = 0 .. scts_required - 1 of (sum - the k largest) / (scts_required - k); 0 with too few
/// operators. For 2 SCTs: min(sum / 2, sum - the largest).
double ct_certificate_rate(std::vector<double> operator_capacity, int scts_required);

/// The CT logs' capacity over time in certificates per second (ct_certificate_rate of the operators'
/// logs that are up), stepping at every CT failure's start and end. Constant 0 without logs.
CapacityTimeline ct_certificate_timeline(const Scenario& scenario);

/// True when the CT log (by index) is down at time t by the scenario's CT failures.
bool ct_log_down(const Scenario& scenario, int log, double t);

/// HSM signatures per issuance made before the CT step (the precertificate's): 1 in the eras that count
/// it (precert-2021, crl), 0 in seed-2021 (the seed does not count it: CT comes before every issuance
/// signature there); never more than the issuance's signatures.
double precertificate_signatures(const Workload& workload);

}  // namespace surge
