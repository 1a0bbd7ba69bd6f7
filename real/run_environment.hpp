// Facts about the measuring process that every calibration records: the time (UTC), this host's name,
// and the CPU the process has used (its own cost, beside what it measures).
#pragma once

#include <string>

namespace surge::real {

/// Now, as "2026-11-30T23:00:00Z".
std::string utc_timestamp();
/// This host's name.
std::string host_name();
/// User plus system CPU this process has used so far, in seconds.
double process_cpu_seconds();

}  // namespace surge::real
