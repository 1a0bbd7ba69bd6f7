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
trap 'bash "$root/scripts/opencryptoki.sh" stop' EXIT
bash "$root/scripts/opencryptoki.sh" start
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
# The fuzz targets for a bounded time when clang is here (tests/fuzz/README.md); a finding fails the run
# and its input is kept in build-fuzz/findings/. SURGE_FUZZ_SECONDS=0 skips it.
fuzz_seconds=${SURGE_FUZZ_SECONDS:-60}
if ((fuzz_seconds > 0)) && command -v clang++ >/dev/null; then
  bash "$root/scripts/fuzz.sh" "$fuzz_seconds"
fi
