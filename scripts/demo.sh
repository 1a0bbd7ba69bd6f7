#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is missing, build, and answer the default
# question (2021 hardware, one data center down, 200 million certificates within 24 hours).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" >/dev/null
build=${SURGE_BUILD_DIR:-$root/build}
exec "$build/cli/surge" run "$root/scenarios/${1:-le-2021-hardware-one-dc}.yaml" "${@:2}"
