#!/usr/bin/env bash
# Stage 4 failure drills, each under steady load from bench/loadgen in the client zone:
#   app-kill         kill -9 one serve instance                       (drill 1)
#   pg-primary-kill  kill -9 the PostgreSQL primary (Patroni + postgres) (drill 4)
#   rolling-deploy   drain each instance through the HAProxy Runtime API, stop it, start the new
#                    binary, put it back; one instance at a time       (drill 6)
# Each reports, per kind of request (redirects of existing links, creations, stats reads): errors
# and the longest error window (its recovery time), then checks that every creation the load
# generator saw acknowledged still redirects to its URL. Targets (the issue's): redirects never
# fail; creations are back within 30 s of losing the primary; no acknowledged creation is lost; a
# rolling deploy fails no request at all.
#
# Usage: drills/stage4.sh DIR [DRILL...]   (default: all three; needs root for the namespaces)
# Brings stage 4 up under DIR/stage and always takes it down. Exit 0 = every target met.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIR=$(realpath -m "${1:?"usage: $0 DIR [DRILL...]"}"); shift
DRILLS=("$@"); [ ${#DRILLS[@]} -eq 0 ] && DRILLS=(app-kill pg-primary-kill rolling-deploy)
BIN=${BIN:-$ROOT/build/shortstack}
LOADGEN=${LOADGEN:-$ROOT/build/loadgen}
LOAD_SECONDS=${LOAD_SECONDS:-20}
FAULT_AT=${FAULT_AT:-5}
RATE=${RATE:-300}
W=$DIR/stage
rm -rf "$DIR"; mkdir -p "$DIR"; chmod 755 "$DIR"

. deploy/lib/common.sh
. deploy/lib/postgres_ha.sh
. deploy/lib/shared_tier.sh
. deploy/lib/apps.sh
. deploy/lib/haproxy.sh

say() { printf '[stage4] %s\n' "$*"; }
trap 'deploy/stage down --workdir "$W" >"$DIR/down.log" 2>&1 || true' EXIT

BIN=$BIN deploy/stage up 4 --workdir "$W" >"$DIR/up.log" 2>&1 || { tail -20 "$DIR/up.log"; exit 1; }
. "$W/endpoints.env"
LB=$(zone_addr lb)

# An account and an API key for the load generator, through the load balancer.
client() { in_zone cl curl -s --cacert "$CA_CERT" "$@"; }
J='Content-Type: application/json'
client -c "$DIR/jar" -H "$J" -d '{"email":"drill@example.com","password":"orchid lantern ferry 2026"}' "$PUBLIC_URL/api/v1/auth/signup" >/dev/null
CSRF=$(client -b "$DIR/jar" "$PUBLIC_URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
LOADGEN_API_KEY=$(client -b "$DIR/jar" -H "$J" -H "X-CSRF-Token: $CSRF" -d '{"name":"drill"}' "$PUBLIC_URL/api/v1/keys" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
export LOADGEN_API_KEY

loadgen() { in_zone cl env LOADGEN_API_KEY="$LOADGEN_API_KEY" "$LOADGEN" --host "$LB" --port 80 "$@"; }

# Links that exist before any fault: the redirects every drill sends. One read of each puts it into
# the shared L2 (and a random pass into the instances' L1s), as in a running service. A link never
# read since it was created or changed is only in PostgreSQL: during a failover its first redirect
# would wait for the new primary (docs/OPERATIONS.md).
loadgen --rate 100 --connections 4 --seconds 3 --create-share 1 --acked "$DIR/seed.acked" >/dev/null
cut -d' ' -f1 "$DIR/seed.acked" >"$DIR/codes"
loadgen --verify "$DIR/seed.acked" >/dev/null
loadgen --rate 400 --connections 8 --seconds 3 --codes "$DIR/codes" >/dev/null
say "stage 4 up; $(wc -l <"$DIR/codes") links seeded"

# --- faults -----------------------------------------------------------------------------------
fault_app_kill() {
  kill -9 "$(cat "$W/app-a1/pid")"
  echo "killed serve a1 (pid $(cat "$W/app-a1/pid")) with -9"
}
heal_app_kill() { rm -f "$W/app-a1/pid"; start_app a1 serve; }

fault_pg_primary_kill() {
  local n z pm; read -r n z < <(pg_leader)
  pm=$(head -1 "$W/pg-$n/data/postmaster.pid")
  kill -9 "$(cat "$W/pg-$n/patroni.pid")" "$pm" $(pgrep -P "$pm") 2>/dev/null || true
  echo "killed the primary $n (zone $z): patroni and postgres, with -9"
  echo "$n $z" >"$DIR/killed-pg"
}
heal_pg_primary_kill() {
  local n z; read -r n z <"$DIR/killed-pg"
  rm -f "$W/pg-$n/patroni.pid"
  start_patroni "$n" "$z"
  wait_until 120 pg_has_sync_standby || say "warning: $n did not come back as the synchronous standby"
}

fault_rolling_deploy() {
  mkdir -p "$W/bin"; cp "$BIN" "$W/bin/shortstack-next"
  local n
  for n in $APP_INSTANCES; do
    haproxy_api "set server app/$n state drain" >/dev/null
    wait_until 10 test "$(haproxy_sessions "$n")" = 0 || true
    stop_app "$n"
    start_app "$n" serve "$W/bin/shortstack-next"
    haproxy_api "set server app/$n state ready" >/dev/null
    # The next instance leaves only once this one is back in rotation.
    wait_until 10 bash -c "echo 'show stat' | socat stdio unix-connect:$W/haproxy.sock | grep -q '^app,$n,.*,UP,'"
  done
  echo "replaced the binary of $APP_INSTANCES, one at a time"
}
heal_rolling_deploy() { :; }

# --- one drill ----------------------------------------------------------------------------------
failures=0
run_drill() {
  local name=$1 fn=${1//-/_}
  loadgen --rate "$RATE" --connections 16 --seconds "$LOAD_SECONDS" --timeout-ms 5000 --codes "$DIR/codes" \
    --create-share 0.05 --stats-share 0.05 --acked "$DIR/$name.acked" >"$DIR/$name.load" 2>&1 &
  local load=$!
  sleep "$FAULT_AT"
  local what; what=$("fault_$fn")
  wait $load
  "heal_$fn" >>"$DIR/$name.heal" 2>&1
  local verify lost summary
  verify=$(loadgen --verify "$DIR/$name.acked" 2>>"$DIR/$name.lost" || true)
  lost=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$verify")
  summary=$(grep '^summary' "$DIR/$name.load" | sed 's/^summary //')
  say "$name: $what"
  grep -v '^summary' "$DIR/$name.load" | sed 's/^/[stage4]   /'
  say "$name: acknowledged creations checked afterwards: $(wc -l <"$DIR/$name.acked"), lost: ${lost:-?}"
  echo "$name $summary lost=${lost:-?}" >>"$DIR/results.txt"
  check "$name" "$summary" "${lost:-1}"
}

field() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" <<<"$1"; }
check() {
  local name=$1 s=$2 lost=$3 ok=1
  [ "$lost" = 0 ] || { say "$name: FAIL: $lost acknowledged creations lost"; ok=0; }
  [ "$(field "$s" redirect_errors)" = 0 ] || { say "$name: FAIL: redirects of existing links failed"; ok=0; }
  if [ "$name" = rolling-deploy ]; then
    for k in create stats; do
      [ "$(field "$s" ${k}_errors)" = 0 ] || { say "$name: FAIL: $k requests failed during the deploy"; ok=0; }
    done
  fi
  if [ "$name" = pg-primary-kill ]; then
    python3 -c "import sys; sys.exit(0 if float('$(field "$s" create_window_s)') <= 30 else 1)" ||
      { say "$name: FAIL: creations failed for more than 30 s"; ok=0; }
  fi
  [ $ok = 1 ] && say "$name: PASS" || failures=$((failures + 1))
}

for d in "${DRILLS[@]}"; do run_drill "$d"; done
[ $failures = 0 ] && say "all drills: PASS" || { say "$failures drill(s): FAIL"; exit 1; }
