// Facts about the measuring process that every calibration records: the time (UTC), this host's name,
// and the CPU the process has used (its own cost, beside what it measures).
#pragma once

#include <cstdint>
#include <string>

namespace surge::real {

/// Now, as "2026-11-30T23:00:00Z".
std::string utc_timestamp();
/// This host's name.
std::string host_name();
/// User plus system CPU this process has used so far, in seconds.
double process_cpu_seconds();
/// CLOCK_MONOTONIC in nanoseconds: one clock for every process on the machine (levels spread over
/// processes start at the same instant of it).
std::int64_t monotonic_ns();

/// Tests only: if the environment variable SURGE_FAULT_POINT names this point, the process kills itself
/// here with SIGKILL (a crash at a chosen moment, e.g. half-way through creating the CA database).
void fault_point(const char* name);

}  // namespace surge::real
