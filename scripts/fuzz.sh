#!/usr/bin/env bash
# Fuzzes the scenario parser and the analytic planner with libFuzzer (tests/fuzz/README.md).
#   scripts/fuzz.sh [SECONDS] [TARGET]   run for SECONDS in all (default 60): fuzz_parser two thirds of the
#                                        time, fuzz_planner one third; or only TARGET for all of it
#   scripts/fuzz.sh --dict               remake tests/fuzz/scenario.dict from the scenarios and the parser
# Builds build-fuzz/ with clang and the address and undefined-behaviour sanitizers (SURGE_FUZZ_BUILD_DIR to
# change it), seeds from scenarios/, data/fixtures/ and tests/fuzz/regressions/, and keeps the corpus it
# grows in build-fuzz/corpus/. Exit 0: no finding; 1: a finding, its input saved in build-fuzz/findings/
# (reproduce with `build-fuzz/tests/fuzz/TARGET FILE`); 2: bad arguments or no clang.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fuzz_dir=$root/tests/fuzz

make_dict() {
  local out=$fuzz_dir/scenario.dict
  {
    echo "# libFuzzer dictionary for the scenario parser: every key the shipped scenarios, the catalogue and the"
    echo "# fixtures write, every literal the parser compares against, units, and YAML's own tokens."
    echo "# Remade by: scripts/fuzz.sh --dict (see tests/fuzz/README.md)."
    ( cat "$root"/scenarios/*.yaml "$root"/data/catalogue.yaml "$root"/data/fixtures/*.yaml |
        grep -oE '^[[:space:]]*(- )?[a-z_][a-z0-9_-]*:' | sed -E 's/^[[:space:]]*(- )?//; s/:$//'
      grep -ohE '"[a-z][a-z0-9_-]*"' "$root"/models/scenario_parser.cpp | tr -d '"'
    ) | sort -u | grep -E '^.{2,}$' | awk '{printf "\"%s\"\n\"%s: \"\n", $0, $0}'
    for t in '/s' 'k/s' 'M/s' 'Gbps' 'Mbps' 'MBps' 'GB' 'MB' 'KiB' 'ms' 'us' 's' 'min' 'h' 'd' '%' '1e308' '-1' \
      '0' '0.0' '1e-300' '99999999999999999999' '2147483648' '.inf' '-.inf' '.nan' 'null' '~' 'true' 'false' \
      'on' 'off' '{' '}' '[' ']' ', ' '- ' ': ' '\x0a  ' '\x0a    - ' '&a ' '*a' '!!str ' '!!map' '<<: ' '? ' \
      '|' '>' '#' "'" '\x22'; do
      printf '"%s"\n' "$t"
    done
  } >"$out"
  echo "wrote $out ($(grep -c '^"' "$out") entries)"
}

if [[ ${1:-} == --dict ]]; then
  make_dict
  exit 0
fi
seconds=${1:-60}
only=${2:-}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 3)); then
  echo "fuzz.sh: SECONDS must be a whole number >= 3, got '$seconds'" >&2
  exit 2
fi
if [[ -n $only && $only != fuzz_parser && $only != fuzz_planner ]]; then
  echo "fuzz.sh: TARGET must be fuzz_parser or fuzz_planner, got '$only'" >&2
  exit 2
fi
if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found (apt-get install clang); the fuzz targets need clang's libFuzzer" >&2
  exit 2
fi

build=${SURGE_FUZZ_BUILD_DIR:-$root/build-fuzz}
sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
if [[ ! -f $build/CMakeCache.txt ]]; then
  CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSURGE_BUILD_GUI=OFF \
    -DSURGE_BUILD_REAL=OFF -DSURGE_FUZZ=ON "-DCMAKE_CXX_FLAGS=$sanitizers" >/dev/null
fi
cmake --build "$build" -j "${SURGE_FUZZ_JOBS:-2}" --target fuzz_parser fuzz_planner

run() {  # run TARGET SECONDS
  local target=$1 secs=$2
  local corpus=$build/corpus/$target findings=$build/findings
  mkdir -p "$corpus" "$findings"
  echo "== $target for ${secs}s"
  if ! "$build/tests/fuzz/$target" "$corpus" "$root/scenarios" "$root/data/fixtures" "$fuzz_dir/regressions" \
    -dict="$fuzz_dir/scenario.dict" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$findings/$target-" -print_final_stats=1; then
    echo "fuzz.sh: $target found a problem; its input is in $findings/ (newest $target-* file)." >&2
    echo "Reproduce: $build/tests/fuzz/$target FILE; once fixed, add FILE to tests/fuzz/regressions/." >&2
    return 1
  fi
}

status=0
if [[ -n $only ]]; then
  run "$only" "$seconds" || status=1
else
  run fuzz_parser $((seconds * 2 / 3)) || status=1
  run fuzz_planner $((seconds - seconds * 2 / 3)) || status=1
fi
exit $status
