// The exit codes of every front end (surge, surge-mpi, surge-plot, surge-workbench), in one place, so that
// a script can rely on them whichever program it runs.
#pragma once

namespace surge {

/// Done; for `run --fail-on-miss`, the deadline met.
inline constexpr int kExitOk = 0;
/// The answer is no: a deadline missed (`--fail-on-miss`).
inline constexpr int kExitMissed = 1;
/// `calibrate db --check-integrity` found violated invariants or lost commits.
inline constexpr int kExitIntegrity = 1;
/// Bad input or configuration (a file, an option, a module, a token, credentials): nothing was done.
inline constexpr int kExitBadInput = 2;
/// A fault at run time (a simulation, a module, a server, an output file): nothing half-written is left.
inline constexpr int kExitRuntime = 3;
/// How surge-twin-live's message (exit 3) begins when this machine cannot run the twin scenario at all
/// (two data centers need network namespaces): `surge twin --regimes` then skips that regime.
inline constexpr const char* kTwinNotHere = "not on this machine: ";
/// Interrupted by SIGINT, as shells report it (128 + 2).
inline constexpr int kExitInterrupted = 130;

}  // namespace surge
