#!/usr/bin/env bash
# opencryptoki's software token, a second real PKCS#11 module besides SoftHSM2, for the tests
# (tests/real/other_modules_test.cpp). Its tokens live behind the pkcsslotd daemon, system-wide.
#   scripts/opencryptoki.sh start   starts pkcsslotd unless it runs, and makes the software token (slot 3)
#                                   surge's test token 'surge-ock' if it is not initialised yet; a token
#                                   someone else initialised is left alone. Writes, in
#                                   SURGE_OPENCRYPTOKI_DIR (default /tmp/surge-opencryptoki), `label`,
#                                   `slot` and the user PIN in a 0600 `pin` file; or `skipped`, the reason.
#   scripts/opencryptoki.sh stop    stops pkcsslotd if `start` started it, and removes that folder.
# The PINs are throwaway test PINs of a test token (pkcsconf takes them on its command line).
set -uo pipefail
dir=${SURGE_OPENCRYPTOKI_DIR:-/tmp/surge-opencryptoki}
module=/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so
slot=3
label=surge-ock
default_so_pin=87654321
so_pin=11223344
user_pin=12345678

skip() {
  echo "$*" >"$dir/skipped"
  echo "opencryptoki: skipped: $*" >&2
  exit 0
}

start() {
  rm -rf "$dir"
  mkdir -p "$dir"
  [ -e "$module" ] && command -v pkcsslotd >/dev/null || skip "opencryptoki is not installed ($module)"
  [ "$(id -u)" -eq 0 ] || skip "pkcsslotd needs root to start; run the tests as root or start it yourself"
  if ! pgrep -x pkcsslotd >/dev/null; then
    pkcsslotd || skip "pkcsslotd did not start"
    touch "$dir/started-pkcsslotd"
  fi
  local info tries=0
  until info=$(pkcsconf -t -c $slot 2>&1); do  # pkcsslotd returns before its tokens answer
    ((++tries < 20)) || skip "pkcsconf -t -c $slot failed: $info"
    sleep 0.5
  done
  if ! grep -q "TOKEN_INITIALIZED" <<<"$info"; then
    echo "$label" | pkcsconf -c $slot -I -S $default_so_pin >/dev/null &&
      pkcsconf -c $slot -P -S $default_so_pin -n $so_pin >/dev/null &&
      pkcsconf -c $slot -u -S $so_pin -n $user_pin >/dev/null || skip "could not initialise the token in slot $slot"
    info=$(pkcsconf -t -c $slot 2>&1)
  fi
  local found
  found=$(sed -n 's/^[[:space:]]*Label: \(.*[^ ]\) *$/\1/p' <<<"$info")
  [ "$found" = "$label" ] || skip "slot $slot holds the token '$found', not surge's '$label'; left alone"
  echo "$label" >"$dir/label"
  echo "$slot" >"$dir/slot"
  (umask 077 && echo "$user_pin" >"$dir/pin")
  echo "opencryptoki: token '$label' in slot $slot ready" >&2
}

stop() {
  if [ -e "$dir/started-pkcsslotd" ] && [ -e /run/pkcsslotd.pid ]; then
    local pid tries=0
    pid=$(cat /run/pkcsslotd.pid)
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((++tries < 50)); do sleep 0.1; done  # gone before the next start
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
