#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest: unit, simulation and CLI tests).
# Benchmarks are not tests: run them with `build/tests/bench/surge_bench` (see tests/bench/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
build=${SURGE_BUILD_DIR:-$root/build}
cd "$build"
# opencryptoki's software token for the tests of a second PKCS#11 module; stopped however the run ends.
# The twin's two-data-center namespaces (surge-PID-dcN) are removed by the run that made them; any a
# killed run left are removed here too, however the tests end.
remove_namespaces() {
  command -v ip >/dev/null || return 0
  ip netns list 2>/dev/null | awk '/^surge-[0-9]+-/{print $1}' | xargs -r -n1 ip netns del 2>/dev/null || true
}
trap 'bash "$root/scripts/opencryptoki.sh" stop; remove_namespaces' EXIT
bash "$root/scripts/opencryptoki.sh" start
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
# The fuzz targets for a bounded time when clang is here (tests/fuzz/README.md); a finding fails the run
# and its input is kept in build-fuzz/findings/. SURGE_FUZZ_SECONDS=0 skips it.
fuzz_seconds=${SURGE_FUZZ_SECONDS:-60}
if ((fuzz_seconds > 0)) && command -v clang++ >/dev/null; then
  bash "$root/scripts/fuzz.sh" "$fuzz_seconds"
fi
