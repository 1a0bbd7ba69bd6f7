#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest: unit, simulation and CLI tests).
# Benchmarks are not tests: run them with `build/tests/bench/surge_bench` (see tests/bench/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
build=${SURGE_BUILD_DIR:-$root/build}
cd "$build"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
