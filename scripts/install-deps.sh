#!/usr/bin/env bash
# Installs the Debian 12 packages shortstack builds, tests and benchmarks with.
# Idempotent and quiet when everything is present: it only calls apt-get for what is missing,
# so `make run` and `make test` can always call it first.
set -euo pipefail

BUILD_PKGS=(
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev libargon2-dev libssl-dev libidn2-dev libmaxminddb-dev zlib1g-dev libcurl4-openssl-dev libpq-dev libhiredis-dev libnats-dev
  libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# The real servers the itests start on loopback (scripts/test-*.sh), never as system services.
SERVER_PKGS=(postgresql-15 redis-server nats-server curl swift swift-proxy swift-account swift-container swift-object pgbackrest pgbouncer
  patroni etcd-server etcd-client haproxy socat openssl iproute2 redis-sentinel prometheus keepalived)
BENCH_PKGS=(nginx-light wrk sqlite3 curl linux-perf bc)

want=("${BUILD_PKGS[@]}" "${SERVER_PKGS[@]}")
[ "${1:-}" = "--bench" ] && want+=("${BENCH_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# policy-rc.d keeps packages such as nginx from starting their own daemons on install.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
