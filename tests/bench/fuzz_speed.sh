#!/usr/bin/env bash
# Benchmark (not a test): how fast fuzz_parser runs under ASan+UBSan on one core (issue 15 asks for 2,000
# executions/s), with a baseline from the same run. See tests/bench/README.md.
#   tests/bench/fuzz_speed.sh [SECONDS=60] [ROUNDS=5]
# 1. Replay: the seed inputs (scenarios/, data/fixtures/, tests/fuzz/regressions/) and, when it exists, a
#    copy of the grown corpus (build-fuzz/corpus/fuzz_parser, up to 300 inputs), 10 times each, through
#    fuzz_parser and through fuzz_yaml_load (YAML::Load alone, same flags). ROUNDS rounds interleaved;
#    the minimum CPU time (user + sys) of each, and their ratio: what the parser costs per YAML::Load.
# 2. Fuzzing: fuzz_parser from the same inputs for SECONDS on one process (-reload=0, seed 1), libFuzzer's
#    own executions and exec/s (startup and the seed corpus included).
# Prints the figures and a JSON line; exits 0 whatever they are, 2 on bad arguments or without clang.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
rounds=${2:-5}
if ! [[ $seconds =~ ^[0-9]+$ && $rounds =~ ^[0-9]+$ ]] || ((seconds < 5 || rounds < 1)); then
  echo "fuzz_speed.sh: SECONDS must be a whole number >= 5 and ROUNDS >= 1, got '$seconds' '$rounds'" >&2
  exit 2
fi
build=${SURGE_FUZZ_BUILD_DIR:-$root/build-fuzz}
# Configures and builds the fuzz targets as scripts/fuzz.sh does (3 s of fuzzing, no finding expected).
SURGE_FUZZ_BUILD_DIR=$build "$root/scripts/fuzz.sh" 3 fuzz_parser >/dev/null ||
  echo "fuzz_speed.sh: the 3 s fuzz run found something (above); measuring anyway" >&2
cmake --build "$build" -j "${SURGE_FUZZ_JOBS:-2}" --target fuzz_yaml_load >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/replay" "$work/fuzz"
cp "$root"/scenarios/*.yaml "$root"/data/fixtures/*.yaml "$root"/tests/fuzz/regressions/* "$work/replay/"
if [[ -d $build/corpus/fuzz_parser ]]; then
  mapfile -t grown < <(find "$build/corpus/fuzz_parser" -type f | sort)
  ((${#grown[@]} == 0)) || cp -t "$work/replay/" "${grown[@]:0:300}"
fi
cp "$work"/replay/* "$work/fuzz/"
inputs=$(find "$work/replay" -type f | wc -l)

cpu_of() {  # cpu_of BINARY: CPU seconds (user + sys) of replaying every input 10 times
  /usr/bin/time -f "%U %S" "$1" -runs=10 "$work"/replay/* 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'
}
parser=() yaml=()
for ((r = 0; r < rounds; r++)); do
  parser+=("$(cpu_of "$build/tests/fuzz/fuzz_parser")")
  yaml+=("$(cpu_of "$build/tests/fuzz/fuzz_yaml_load")")
done
min() { printf '%s\n' "$@" | sort -g | head -1; }
p=$(min "${parser[@]}") y=$(min "${yaml[@]}")
parses=$((inputs * 10))

log=$work/fuzz.log
"$build/tests/fuzz/fuzz_parser" "$work/fuzz" -dict="$root/tests/fuzz/scenario.dict" -max_total_time="$seconds" \
  -max_len=4096 -timeout=10 -rss_limit_mb=2048 -reload=0 -seed=1 -print_final_stats=1 \
  -artifact_prefix="$work/" >"$log" 2>&1 || true
execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")

awk -v p="$p" -v y="$y" -v n="$parses" -v i="$inputs" -v r="$rounds" 'BEGIN {
  printf "replay: %d inputs x 10, min of %d rounds: fuzz_parser %.2f s CPU (%.0f parses/CPU-s), ", i, r, p, n / p
  printf "fuzz_yaml_load %.2f s CPU (%.0f loads/CPU-s); parser / YAML::Load = %.2f\n", y, n / y, p / y }'
echo "fuzzing: fuzz_parser for ${seconds} s on one process: ${execs:-?} executions, ${rate:-?} exec/s (target 2,000)"
printf '{"replay_inputs": %d, "replay_parser_cpu_s": %s, "replay_yaml_load_cpu_s": %s, "fuzz_seconds": %d, "fuzz_executions": %s, "fuzz_exec_per_s": %s}\n' \
  "$inputs" "$p" "$y" "$seconds" "${execs:-null}" "${rate:-null}"
