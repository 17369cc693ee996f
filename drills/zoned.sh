#!/usr/bin/env bash
# Failure drills of the zoned stages (4, and 5 by default: stage 4 plus a read replica per zone),
# each under steady load from bench/loadgen in the client zone:
#   app-kill         kill -9 one serve instance                       (drill 1)
#   zone-b-cut       take zone b off the network, then back           (drill 2)
#   zone-a-cut       the same for zone a (where the primaries start)  (drill 3)
#   pg-primary-kill  kill -9 the PostgreSQL primary (Patroni + postgres) (drill 4); at stage 5 also
#                    redirects 40 links never read before (only in PostgreSQL) 3 s into the failover
#   redis-primary-kill  kill -9 the Redis primary                     (drill 5)
#   rolling-deploy   drain each instance through the HAProxy Runtime API, stop it, start the new
#                    binary, put it back; one instance at a time       (drill 6)
#   worker-kill      kill -9 a worker, start it again                 (drill 7)
#   lb-kill          kill -9 the HAProxy holding the virtual IP; keepalived moves the IP to the other
#   replica-kill     (stage 5) kill -9 zone a's read replica (Patroni and postgres), then start it
#   replica-lag      (stage 5) stall WAL replay on zone a's replica (SIGSTOP its startup process:
#                    Patroni resumes a paused replay at once) until zone a's instances demote it,
#                    then let it go on; they must take it back
# Each reports, per kind of request (redirects of existing links, creations, stats reads, listings): errors
# and the longest error window (its recovery time), then checks that every creation the load
# generator saw acknowledged still redirects to its URL. Targets (the issue's): redirects never
# fail; creations are back within 30 s of losing the primary; no acknowledged creation is lost; a
# rolling deploy fails no request at all.
#
# Where no instance restarts (pg-primary-kill, worker-kill), the clicks are checked too: every click
# the instances recorded during the drill must reach the analytics database exactly once.
#
# At stage 5 every drill also checks that the replicas served reads and, after a failover, that
# every instance finds its zone's replica fit again without a restart; setup checks read-your-writes
# through the load balancer.
#
# Usage: [STAGE=4|5] drills/zoned.sh DIR [DRILL...]   (default: the fast subset app-kill,
# pg-primary-kill, rolling-deploy and, at stage 5, replica-kill, which `make test` runs at stage 5;
# FULL_DRILLS=1 (`make drills`) runs them all; needs root)
# Brings the stage up under DIR/stage and always takes it down. Exit 0 = every target met.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DIR=$(realpath -m "${1:?"usage: $0 DIR [DRILL...]"}"); shift
DRILLS=("$@")
STAGE=${STAGE:-5}
if [ ${#DRILLS[@]} -eq 0 ]; then
  DRILLS=(app-kill pg-primary-kill rolling-deploy)
  [ "${FULL_DRILLS:-0}" = 1 ] &&
    DRILLS=(app-kill zone-b-cut zone-a-cut pg-primary-kill redis-primary-kill rolling-deploy worker-kill lb-kill)
  if [ "$STAGE" -ge 5 ]; then DRILLS+=(replica-kill); fi
  if [ "$STAGE" -ge 5 ] && [ "${FULL_DRILLS:-0}" = 1 ]; then DRILLS+=(replica-lag); fi
fi
BIN=${BIN:-$ROOT/build/shortstack}
LOADGEN=${LOADGEN:-$ROOT/build/loadgen}
LOAD_SECONDS=${LOAD_SECONDS:-20}
FAULT_AT=${FAULT_AT:-5}
RATE=${RATE:-300}
W=$DIR/stage
rm -rf "$DIR"; mkdir -p "$DIR"; chmod 755 "$DIR"

. deploy/lib/common.sh
. deploy/lib/postgres_ha.sh
. deploy/lib/pgbouncer.sh
. deploy/lib/shared_tier.sh
. deploy/lib/apps.sh
. deploy/lib/haproxy.sh
. deploy/lib/keepalived.sh
. deploy/lib/monitoring.sh

say() { printf '[stage%s] %s\n' "$STAGE" "$*"; }
trap 'deploy/stage down --workdir "$W" >"$DIR/down.log" 2>&1 || true' EXIT

BIN=$BIN deploy/stage up "$STAGE" --workdir "$W" >"$DIR/up.log" 2>&1 || { tail -20 "$DIR/up.log"; exit 1; }
. "$W/endpoints.env"
LB=$(zone_addr vip)

# An account and an API key for the load generator, through the load balancer.
client() { in_zone cl curl -s --cacert "$CA_CERT" "$@"; }
J='Content-Type: application/json'
client -c "$DIR/jar" -H "$J" -d '{"email":"drill@example.com","password":"orchid lantern ferry 2026"}' "$PUBLIC_URL/api/v1/auth/signup" >/dev/null
CSRF=$(client -b "$DIR/jar" "$PUBLIC_URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
LOADGEN_API_KEY=$(client -b "$DIR/jar" -H "$J" -H "X-CSRF-Token: $CSRF" -d '{"name":"drill"}' "$PUBLIC_URL/api/v1/keys" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
export LOADGEN_API_KEY

# A second account that only reads: its listings are what a read replica serves (the drill
# account writes all the time, so its own reads wait for the primary or a replica that caught up).
client -c "$DIR/jar2" -H "$J" -d '{"email":"reader@example.com","password":"orchid lantern ferry 2026"}' "$PUBLIC_URL/api/v1/auth/signup" >/dev/null
CSRF2=$(client -b "$DIR/jar2" "$PUBLIC_URL/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
LOADGEN_LIST_KEY=$(client -b "$DIR/jar2" -H "$J" -H "X-CSRF-Token: $CSRF2" -d '{"name":"reader"}' "$PUBLIC_URL/api/v1/keys" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
client -H "Authorization: Bearer $LOADGEN_LIST_KEY" -H "$J" -d '{"url":"https://example.com/reader"}' "$PUBLIC_URL/api/v1/links" >/dev/null

loadgen() {
  in_zone cl env LOADGEN_API_KEY="$LOADGEN_API_KEY" LOADGEN_LIST_KEY="$LOADGEN_LIST_KEY" "$LOADGEN" --host "$LB" --port 80 "$@"
}

# Read-your-writes through the load balancer: each creation is listed by its owner at once, though
# the next request may reach another instance and, at stage 5, a replica.
check_read_your_writes() {
  local i code listed
  for i in $(seq 1 20); do
    code=$(client -H "Authorization: Bearer $LOADGEN_API_KEY" -H "$J" -d "{\"url\":\"https://example.com/ryw/$i\"}" \
      "$PUBLIC_URL/api/v1/links" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
    listed=$(client -H "Authorization: Bearer $LOADGEN_API_KEY" "$PUBLIC_URL/api/v1/links?limit=5" |
      python3 -c 'import json,sys; print(" ".join(l["code"] for l in json.load(sys.stdin)["links"]))')
    [[ " $listed " == *" $code "* ]] || { say "FAIL: read-your-writes: $code missing from its owner's listing right after creation"; return 1; }
  done
  say "read-your-writes: 20 creations, each in its owner's next listing: OK"
}

# Links that exist before any fault: the redirects every drill sends. One read of each puts it into
# the shared L2 (and a random pass into the instances' L1s), as in a running service. A link never
# read since it was created or changed is only in PostgreSQL: during a failover its first redirect
# would wait for the new primary (docs/OPERATIONS.md).
loadgen --rate 100 --connections 4 --seconds 3 --create-share 1 --acked "$DIR/seed.acked" >/dev/null
cut -d' ' -f1 "$DIR/seed.acked" >"$DIR/codes"
loadgen --verify "$DIR/seed.acked" >/dev/null
loadgen --rate 400 --connections 8 --seconds 3 --codes "$DIR/codes" >/dev/null
say "stage $STAGE up; $(wc -l <"$DIR/codes") links seeded"

# Links created and never read: only PostgreSQL knows them. At stage 5, pg-primary-kill redirects
# them while the primary is away, which a replica that was fit when it was last seen must answer.
for i in $(seq 1 40); do
  client -H "Authorization: Bearer $LOADGEN_API_KEY" -H "$J" -d "{\"url\":\"https://example.com/cold/$i\"}" \
    "$PUBLIC_URL/api/v1/links" | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])'
done >"$DIR/cold.codes"
date +%s >"$DIR/cold.created"

# The databases take connections from the app zones only: the client zone must be refused.
if in_zone cl timeout 5 "$PGBIN/psql" "postgresql://shortstack:$(secret "$W/secrets/pg-shortstack")@$(zone_addr a):$PG_PORT/shortstack?connect_timeout=2" \
     -c 'SELECT 1' >"$DIR/client-psql.log" 2>&1; then
  say "FAIL: PostgreSQL accepted a connection from the client zone"; exit 1
fi
grep -q "no pg_hba.conf entry" "$DIR/client-psql.log" && say "PostgreSQL refuses the client zone (no pg_hba.conf entry): OK"
# So do the PgBouncers in front of the nodes (their own hba file), though they are the app's way in.
if in_zone cl env PGPASSWORD="$(secret "$W/secrets/pg-shortstack")" timeout 5 "$PGBIN/psql" \
     "postgresql://shortstack@$(zone_addr a):$(bouncer_port "$PG_PORT")/shortstack?connect_timeout=2" -c 'SELECT 1' \
     >"$DIR/client-bouncer.log" 2>&1; then
  say "FAIL: PgBouncer accepted a connection from the client zone"; exit 1
fi
say "PgBouncer refuses the client zone: OK ($(grep -o 'FATAL.*' "$DIR/client-bouncer.log" | head -1))"
if [ "$STAGE" -ge 5 ]; then
  if in_zone cl timeout 5 "$PGBIN/psql" "postgresql://shortstack:$(secret "$W/secrets/pg-shortstack")@$(zone_addr a):$PG_REPLICA_PORT/shortstack?connect_timeout=2" \
       -c 'SELECT 1' >"$DIR/client-psql-replica.log" 2>&1; then
    say "FAIL: a read replica accepted a connection from the client zone"; exit 1
  fi
  say "the read replicas refuse the client zone too: OK"
  check_read_your_writes || exit 1
fi
# Prometheus scrapes every part: 4 instances, 2 workers, 2 HAProxies, the Patroni nodes.
# wait_until re-runs a command, so the count is asked inside one (a $(...) would be asked only once).
all_targets_up() { [ "$(prometheus_targets_up)" = "$(prometheus_targets)" ]; }
wait_until 20 all_targets_up && say "Prometheus: all $(prometheus_targets) scrape targets up" ||
  say "warning: Prometheus sees $(prometheus_targets_up) of $(prometheus_targets) targets up"

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
  echo -n "killed the primary $n (zone $z): patroni and postgres, with -9"
  echo "$n $z" >"$DIR/killed-pg"
  if [ "$STAGE" -ge 5 ]; then
    sleep 3  # well inside the failover (~9 s)
    local code ok=0 total=0
    while read -r code; do
      total=$((total + 1))
      [[ $(in_zone cl curl -s -o /dev/null -w '%{http_code}' -m 5 "http://$LB/$code") == 30* ]] && ok=$((ok + 1))
    done <"$DIR/cold.codes"
    echo "$ok $total" >"$DIR/cold.result"
    local outage; outage=$(metric_sum shortstack_pg_replica_outage_reads_total $APP_INSTANCES)
    echo -n "; 3 s later, $ok of $total links never read before (only in PostgreSQL) redirected ($outage answered by a replica while the primary was away)"
  fi
  echo
}
heal_pg_primary_kill() {
  local n z; read -r n z <"$DIR/killed-pg"
  rm -f "$W/pg-$n/patroni.pid"
  start_patroni "$n" "$z"
  wait_until 120 pg_has_sync_standby || say "warning: $n did not come back as the synchronous standby"
  wait_replicas_fit
}

fault_rolling_deploy() {
  mkdir -p "$W/bin"; cp "$BIN" "$W/bin/shortstack-next"
  local n
  for n in $APP_INSTANCES; do
    haproxy_api "set server app/$n state drain" >/dev/null
    wait_until 10 haproxy_drained "$n" || true
    stop_app "$n"
    start_app "$n" serve "$W/bin/shortstack-next"
    haproxy_api "set server app/$n state ready" >/dev/null
    # The next instance leaves only once this one is back in rotation.
    wait_until 10 haproxy_server_up "$n"
  done
  echo "replaced the binary of $APP_INSTANCES, one at a time"
}
heal_rolling_deploy() { :; }

cut_zone() { # cut_zone ZONE: off the network for 8 s
  local z=$1 pg redis
  pg=$(pg_leader | cut -d' ' -f2); redis=$(redis_primary_zone || echo "?")
  deploy/zones.sh cut "$z"
  sleep 8
  deploy/zones.sh heal "$z"
  echo "zone $z off the network for 8 s (serve ${z}1 ${z}2, worker ${z}w, a PostgreSQL node, a Redis node and sentinel; the PostgreSQL primary was in zone $pg, the Redis primary in zone $redis)"
}
heal_zone() { # heal_zone ZONE: wait until it is back in service everywhere
  local z=$1 n
  for n in ${z}1 ${z}2; do
    wait_until 30 haproxy_server_up "$n" ||
      say "warning: $n not back in rotation"
  done
  wait_until 120 pg_has_sync_standby || say "warning: no synchronous standby after the heal"
  wait_until 60 sentinels_ready || say "warning: Redis sentinels did not see the replica again"
}
fault_zone_b_cut() { cut_zone b; }
heal_zone_b_cut() { heal_zone b; }
fault_zone_a_cut() { cut_zone a; }
heal_zone_a_cut() { heal_zone a; }

fault_redis_primary_kill() {
  local z; z=$(redis_primary_zone)
  kill -9 "$(cat "$W/redis-$z/redis.pid")"
  echo "$z" >"$DIR/killed-redis"
  echo "killed the Redis primary (zone $z) with -9"
}
heal_redis_primary_kill() {
  local z; z=$(cat "$DIR/killed-redis")
  rm -f "$W/redis-$z/redis.pid"
  # Back as it was configured; the sentinels turn it into a replica of the new primary.
  start_redis_node "$z" || true
  wait_until 60 sentinels_ready || say "warning: the old Redis primary did not come back as a replica"
}

fault_lb_kill() {
  local z; z=$(vip_holder)
  kill -9 "$(cat "$W/haproxy-$z.pid")"
  local t0; t0=$(date +%s%N)
  wait_until 10 bash -c "ip -n ss-$([ "$z" = lb1 ] && echo lb2 || echo lb1) -4 addr show dev eth0 | grep -q 'inet $LB/'"
  echo "killed HAProxy in $z (it held the virtual IP) with -9; keepalived moved the IP to $(vip_holder || echo nothing) in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  echo "$z" >"$DIR/killed-lb"
}
heal_lb_kill() {
  local z; z=$(cat "$DIR/killed-lb")
  rm -f "$W/haproxy-$z.pid"
  start_haproxy
}

fault_worker_kill() {
  kill -9 "$(cat "$W/app-aw/pid")"
  sleep 2
  rm -f "$W/app-aw/pid"
  start_app aw worker
  echo "killed worker aw with -9 and started it again 2 s later"
}
heal_worker_kill() { :; }

fault_replica_kill() {
  local pm; pm=$(head -1 "$W/pg-n3/data/postmaster.pid")
  kill -9 "$(cat "$W/pg-n3/patroni.pid")" "$pm" $(pgrep -P "$pm") 2>/dev/null || true
  echo "killed zone a's read replica n3 (patroni and postgres) with -9"
}
heal_replica_kill() {
  rm -f "$W/pg-n3/patroni.pid"
  start_patroni n3 a "$PG_REPLICA_PORT" "$PATRONI_REPLICA_REST_PORT" replica
  wait_until 120 pg_replica_streaming n3 || say "warning: replica n3 is not streaming again"
  wait_replicas_fit
}

zone_a_demoted() {
  local n
  for n in a1 a2; do [ "$(instance_metric "$n" shortstack_pg_replicas_fit)" = 0 ] || return 1; done
}
fault_replica_lag() {
  local pm startup t0 ms=-1
  pm=$(head -1 "$W/pg-n3/data/postmaster.pid"); startup=$(pgrep -P "$pm" -f startup)
  kill -STOP "$startup"; t0=$(date +%s%N)
  wait_until 15 zone_a_demoted && ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "$ms" >"$DIR/replica-lag.demoted-ms"
  sleep 3
  kill -CONT "$startup"
  echo "stalled WAL replay on zone a's replica n3: a1 and a2 demoted it after $ms ms (limit 2,000 ms, probes every 1,000 ms; -1: never), replay went on 3 s later"
}
heal_replica_lag() { wait_replicas_fit; }

# --- replicas (stage 5) -------------------------------------------------------------------------
instance_metric() { # instance_metric NAME METRIC: one process's value (serve a1, worker aw, ...)
  in_zone cl curl -s "http://$(cat "$W/app-$1/admin")/metrics" | awk -v m="$2" '$1 == m {print $2}'
}
metric_sum() { # metric_sum METRIC NAME...: summed over those processes; a missing value counts 0
  local m=$1 n sum=0 v; shift
  for n in "$@"; do v=$(instance_metric "$n" "$m"); v=${v%.*}; sum=$((sum + ${v:-0})); done
  echo $sum
}
replica_reads() { metric_sum shortstack_pg_replica_reads_total $APP_INSTANCES; }
all_replicas_fit() {
  local n
  for n in $APP_INSTANCES; do [ "$(instance_metric "$n" shortstack_pg_replicas_fit)" = 1 ] || return 1; done
}
# After a failover or a replica restart: every instance finds its zone's replica fit again, with
# no restart (Patroni re-points the replica; the probe judges what it answers).
wait_replicas_fit() {
  [ "$STAGE" -ge 5 ] || return 0
  local t0; t0=$(date +%s%N)
  if wait_until 120 all_replicas_fit; then
    echo "every instance found its zone's replica fit again $(( ($(date +%s%N) - t0) / 1000000 )) ms after the heal began waiting"
  else
    say "warning: an instance has no fit replica 120 s after the heal"
  fi
}

# --- clicks -------------------------------------------------------------------------------------
# Clicks the serve instances recorded (their counters; valid while none of them restarts).
clicks_recorded() { metric_sum shortstack_clicks_recorded_total $APP_INSTANCES; }
# Clicks in the analytics database (humans and bots), read on the current primary.
clicks_stored() {
  local n z; read -r n z < <(pg_leader)
  ip netns exec "ss-$z" setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/psql" -X -qAt -h "$W/pg-$n" \
    -U postgres -d shortstack -c "SELECT coalesce(sum(clicks + bots), 0) FROM link_totals"
}
counts_clicks() { [ "$1" = pg-primary-kill ] || [ "$1" = worker-kill ]; }
# Before counting, the previous drill's clicks must have landed: a batch held by a killed worker or
# published late by a zone that was cut would otherwise count as this drill's.
queue_depth() { metric_sum shortstack_queue_depth $(for z in $WORKER_ZONES; do echo "${z}w"; done); }
wait_clicks_settled() {
  local last=-1 now
  for _ in $(seq 1 60); do
    now=$(clicks_stored)
    [ "$(queue_depth)" = 0 ] && [ "$now" = "$last" ] && return 0
    last=$now; sleep 1
  done
  say "warning: clicks still settling after 60 s"
}

# --- one drill ----------------------------------------------------------------------------------
failures=0
run_drill() {
  local name=$1 fn=${1//-/_}
  counts_clicks "$name" && wait_clicks_settled
  # A creation leaves a change marker (30 s at stage 5) that sends its readers to the primary: the
  # never-read links must be older than that to be the case the replicas cover.
  if [ "$name" = pg-primary-kill ] && [ "$STAGE" -ge 5 ]; then
    while [ $(( $(date +%s) - $(cat "$DIR/cold.created") )) -lt 31 ]; do sleep 1; done
  fi
  loadgen --rate "$RATE" --connections 16 --seconds "$LOAD_SECONDS" --timeout-ms 5000 --codes "$DIR/codes" \
    --create-share 0.05 --stats-share 0.05 --list-share 0.05 --acked "$DIR/$name.acked" >"$DIR/$name.load" 2>&1 &
  local load=$!
  local rec0=0 sto0=0 rr0
  if counts_clicks "$name"; then rec0=$(clicks_recorded); sto0=$(clicks_stored); fi
  rr0=$(replica_reads)
  sleep "$FAULT_AT"
  local what; what=$("fault_$fn")
  wait $load
  "heal_$fn" >>"$DIR/$name.heal" 2>&1
  grep -h "fit again" "$DIR/$name.heal" | sed "s/^/[stage$STAGE] $name: /" || true
  local verify lost summary
  verify=$(loadgen --verify "$DIR/$name.acked" 2>>"$DIR/$name.lost" || true)
  lost=$(sed -n 's/.*lost=\([0-9]*\).*/\1/p' <<<"$verify")
  local unanswered; unanswered=$(sed -n 's/.*unanswered=\([0-9]*\).*/\1/p' <<<"$verify")
  [ "${unanswered:-0}" = 0 ] || { say "$name: $unanswered acknowledged links did not answer within a minute"; lost=$((lost + unanswered)); }
  summary=$(grep '^summary' "$DIR/$name.load" | sed 's/^summary //')
  if counts_clicks "$name"; then
    # A redelivered batch waits out nats.ack_wait_ms (10 s here); then the rounds catch up.
    local rec sto=-1
    for _ in $(seq 1 60); do
      rec=$(( $(clicks_recorded) - rec0 )); sto=$(( $(clicks_stored) - sto0 ))
      [ "$sto" = "$rec" ] && break
      sleep 1
    done
    say "$name: clicks recorded during the drill: $rec, stored: $sto"
    summary="$summary clicks_recorded=$rec clicks_stored=$sto"
  fi
  # Instances that restart (app-kill, rolling-deploy) start their counters again: no figure then.
  if [ "$STAGE" -ge 5 ] && [ "$name" != app-kill ] && [ "$name" != rolling-deploy ]; then
    summary="$summary replica_reads=$(( $(replica_reads) - rr0 ))"
    say "$name: reads the replicas served during the drill: $(field "$summary" replica_reads)"
  fi
  [ -f "$DIR/$name.demoted-ms" ] && summary="$summary demoted_ms=$(cat "$DIR/$name.demoted-ms")"
  if [ "$name" = pg-primary-kill ] && [ -f "$DIR/cold.result" ]; then
    read -r cold_ok cold_total <"$DIR/cold.result"
    summary="$summary cold_ok=$cold_ok cold_total=$cold_total"
  fi
  say "$name: $what"
  grep -v '^summary' "$DIR/$name.load" | sed "s/^/[stage$STAGE]   /"
  say "$name: acknowledged creations checked afterwards: $(wc -l <"$DIR/$name.acked"), lost: ${lost:-?}"
  say "$name: recovered (last error after the fault): reads $(recovery "$summary" redirect) s, writes $(recovery "$summary" create) s"
  echo "$name $summary lost=${lost:-?}" >>"$DIR/results.txt"
  check "$name" "$summary" "${lost:-1}"
}

# Seconds from the fault to a kind's last error; 0 when it never failed after the fault.
recovery() {
  python3 -c "print(f'{max(0.0, float(\"$(field "$1" "$2_last_error_s")\") - $FAULT_AT):.1f}')"
}
field() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" <<<"$1"; }
check() {
  local name=$1 s=$2 lost=$3 ok=1
  [ "$lost" = 0 ] || { say "$name: FAIL: $lost acknowledged creations lost"; ok=0; }
  # Losing a zone, or the load balancer holding the address, may fail redirects for a moment (at
  # most 5 s, checked below); nothing else may.
  [[ $name == zone-*-cut ]] || [ "$name" = lb-kill ] || [ "$(field "$s" redirect_errors)" = 0 ] ||
    { say "$name: FAIL: redirects of existing links failed"; ok=0; }
  if [ "$name" = rolling-deploy ]; then
    for k in create stats list; do
      [ "$(field "$s" ${k}_errors)" = 0 ] || { say "$name: FAIL: $k requests failed during the deploy"; ok=0; }
    done
  fi
  if [ -n "$(field "$s" clicks_recorded)" ] && [ "$(field "$s" clicks_recorded)" != "$(field "$s" clicks_stored)" ]; then
    say "$name: FAIL: clicks recorded and stored differ"; ok=0
  fi
  if [[ $name == zone-*-cut ]] || [ "$name" = lb-kill ]; then
    python3 -c "import sys; sys.exit(0 if float('$(field "$s" redirect_window_s)') <= 5 else 1)" ||
      { say "$name: FAIL: redirects failed for more than 5 s"; ok=0; }
  fi
  # A replica lost or lagging costs nothing: its reads go to the primary.
  if [ "$name" = replica-lag ]; then
    python3 -c "import sys; sys.exit(0 if int('$(field "$s" demoted_ms)' or -1) >= 0 else 1)" ||
      { say "$name: FAIL: the lagging replica was never demoted"; ok=0; }
  fi
  if [ "$name" = replica-kill ] || [ "$name" = replica-lag ]; then
    for k in create stats list; do
      [ "$(field "$s" ${k}_errors)" = 0 ] || { say "$name: FAIL: $k requests failed"; ok=0; }
    done
  fi
  if [ -n "$(field "$s" replica_reads)" ] && [ "$(field "$s" replica_reads)" = 0 ]; then
    say "$name: FAIL: the read replicas served no reads"; ok=0
  fi
  if [ -n "$(field "$s" cold_total)" ] && [ "$(field "$s" cold_ok)" != "$(field "$s" cold_total)" ]; then
    say "$name: FAIL: links only PostgreSQL knew did not redirect while the primary was away"; ok=0
  fi
  if [ "$name" = pg-primary-kill ]; then
    python3 -c "import sys; sys.exit(0 if float('$(field "$s" create_window_s)') <= 30 else 1)" ||
      { say "$name: FAIL: creations failed for more than 30 s"; ok=0; }
  fi
  [ $ok = 1 ] && say "$name: PASS" || failures=$((failures + 1))
}

for d in "${DRILLS[@]}"; do run_drill "$d"; done
[ $failures = 0 ] && say "all drills: PASS" || { say "$failures drill(s): FAIL"; exit 1; }
