#!/usr/bin/env bash
# Installs, with apt-get, whatever surge needs to build and test that is missing. Idempotent: a machine
# that has everything installs nothing and does not touch the network.
#   scripts/setup.sh          build + tests (simulator, CLI, real mode with SoftHSM2 and MariaDB, the Qt 6
#                             workbench and its tests under Xvfb, GoogleTest, clang and libFuzzer for
#                             the fuzz targets that scripts/test.sh runs for 60 s)
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  libsimgrid-dev libboost-graph-dev libeigen3-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libgtest-dev
  libssl-dev libp11-kit-dev softhsm2 p11-kit-modules opencryptoki
  mariadb-server mariadb-client libmariadb-dev
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev xvfb xauth fonts-dejavu-core
  libsqlite3-dev sqlite3 openmpi-bin libopenmpi-dev
  libcpp-httplib-dev libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  iproute2 util-linux
  clang libclang-rt-14-dev
  python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
