#!/bin/bash
# The include check (scripts/include_check.py) passes on the tree, and on a copy of it with one wrong
# include of each kind it fails, naming the file, the line and the rule.
set -u
root=$1
python=${2:-python3}
check="$root/scripts/include_check.py"
fail() { echo "FAIL: $*"; exit 1; }
"$python" "$check" --root "$root" || fail "the tree itself fails the include check"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/models" "$root/sim" "$root/cli" "$tmp/"
lines=$(wc -l <"$tmp/models/scenario.hpp")
echo '#include "sim/simulation.hpp"' >>"$tmp/models/scenario.hpp"  # a model that knows the simulator
echo '#include <sqlite3.h>' >>"$tmp/sim/metrics.cpp"               # the simulator storing results
echo '#include "command.hpp"' >>"$tmp/cli/main.cpp"                # not folder-qualified
out=$("$python" "$check" --root "$tmp")
rc=$?
echo "$out"
[ "$rc" -eq 1 ] || fail "exit code $rc, expected 1"
grep -qx "models/scenario.hpp:$((lines + 1)): models/ may not include sim/ (\"sim/simulation.hpp\"): .*" <<<"$out" ||
  fail "the model including the simulator is not named with its line"
grep -q "^sim/metrics.cpp:[0-9]*: sim/ may not include <sqlite3.h>" <<<"$out" || fail "the SQLite include is not named"
grep -q "^cli/main.cpp:[0-9]*: \"command.hpp\" is not folder-qualified: write \"cli/command.hpp\"" <<<"$out" ||
  fail "the unqualified include is not named"
[ "$(wc -l <<<"$out")" -eq 3 ] || fail "expected exactly the 3 problems"
echo "ok"
