#!/usr/bin/env bash
# Stage 2 against stage 1 in one run, on this machine (loopback only):
#   - durable link creation, SQLite (synchronous=FULL) vs PostgreSQL (fsync and synchronous_commit on);
#   - redirects with the caches cold (every request reads its store) over BENCH_LINKS random codes,
#     SQLite vs PostgreSQL, next to warm-L1 redirects of the same process;
#   - redirects with L1 off, each one an L2 hit in Redis (the shared cache stage 3 adds), after a pass
#     that puts every link there;
#   - pgbench -S (select-only) on the same PostgreSQL and redis-benchmark GET on the same Redis, for
#     reference.
# Prints a table and writes raw output under bench/out/stage2-<time>/. Bounded: DURATION per run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/build/shortstack}
DURATION=${DURATION:-5s}
BENCH_LINKS=${BENCH_LINKS:-100000}
OUT=$PWD/bench/out/stage2-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"; chmod 755 "$OUT"
. bench/lib.sh
NO_LIMITS=(SHORTSTACK_LIMITS_CREATE_PER_SECOND_PER_USER=1000000 SHORTSTACK_LIMITS_CREATE_BURST_PER_USER=1000000
           SHORTSTACK_LIMITS_CREATE_PER_SECOND_PER_IP=1000000 SHORTSTACK_LIMITS_CREATE_BURST_PER_IP=1000000
           SHORTSTACK_LIMITS_CREATE_PER_SECOND_PER_KEY=1000000 SHORTSTACK_LIMITS_CREATE_BURST_PER_KEY=1000000
           SHORTSTACK_LIMITS_SIGNUP_PER_MINUTE_PER_IP=1000)
PG_URL=$(DURABLE=1 scripts/test-postgres.sh "$OUT/pg" start)
REDIS=$(scripts/test-redis.sh "$OUT/redis" start)
redis_ticks() { cpu_ticks "$(cat "$OUT/redis/redis.pid")"; }

# start STAGE EXTRA_ENV...: serve on free ports; sets PORT, ADMIN, PID
start() {
  local stage=$1; shift
  PORT=$(free_port); ADMIN=$(free_port)
  local cfg=deploy/stages/stage1.toml
  [ "$stage" = 2 ] && cfg=deploy/stages/stage2.toml
  env "${NO_LIMITS[@]}" SHORTSTACK_POSTGRES_URL="$PG_URL" SHORTSTACK_STORAGE_DATA_DIR="$OUT/data$stage" "$@" \
    "$BIN" serve --config "$cfg" --listen 127.0.0.1:$PORT --admin-listen 127.0.0.1:$ADMIN >>"$OUT/serve$stage.log" 2>&1 &
  PID=$!; PIDS+=($PID)
  wait_ready "http://127.0.0.1:$ADMIN/readyz"
}
stop() { kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; }

# measure URL LUA LOG: "req/s µs-of-CPU-per-request" (shortstack + PostgreSQL backends + Redis)
measure() {
  local t0 t1 p0 p1 out
  t0=$(( $(cpu_ticks "$PID") + $(redis_ticks) )); p0=$(pg_ticks)
  out=$(BENCH_LINKS=$BENCH_LINKS wrk -t2 -c64 -d"$DURATION" -s "$2" "$1" 2>&1); echo "$out" >"$3"
  t1=$(( $(cpu_ticks "$PID") + $(redis_ticks) )); p1=$(pg_ticks)
  local rps reqs; rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}'); reqs=$(echo "$out" | awk '/requests in/ {print $1}')
  python3 -c "print(f'{float(\"$rps\"):.0f} {($t1-$t0+$p1-$p0)/$(getconf CLK_TCK)*1e6/max(1,$reqs):.1f}')"
}

seed() { # seed STAGE: BENCH_LINKS links b000000.. owned by user 1
  local sql="INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at) SELECT 'b' || lpad(i::text, 6, '0'), 1, 0, 'https://example.com/landing-page/spring-campaign', 302, 0, 0 FROM generate_series(0, $BENCH_LINKS - 1) AS i"
  if [ "$1" = 2 ]; then psql -X -q "$PG_URL" -c "$sql"
  else sqlite3 "$OUT/data1/shortstack.db" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $BENCH_LINKS - 1)
    INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at)
    SELECT printf('b%06d', i), 1, 0, 'https://example.com/landing-page/spring-campaign', 302, 0, 0 FROM n;"; fi
}

declare -A R
for stage in 1 2; do
  # Durable creation through the API with a bearer key.
  start $stage
  J='Content-Type: application/json'
  curl -fs -c "$OUT/jar$stage" -H "$J" -d '{"email":"load@example.com","password":"orchid lantern ferry 2026"}' \
    "http://127.0.0.1:$PORT/api/v1/auth/signup" >/dev/null
  CSRF=$(curl -fs -b "$OUT/jar$stage" "http://127.0.0.1:$PORT/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
  export BENCH_API_KEY=$(curl -fs -b "$OUT/jar$stage" -H "$J" -H "X-CSRF-Token: $CSRF" -d '{"name":"bench"}' \
    "http://127.0.0.1:$PORT/api/v1/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  read -r R[create$stage] R[create_us$stage] < <(measure "http://127.0.0.1:$PORT" bench/lua/create_link.lua "$OUT/create$stage.log")
  stop
  seed $stage
  # Warm: the start-up warm-up loads every link into L1 (wait for it), as in a running service.
  start $stage
  for _ in $(seq 1 600); do grep -q '"l1_warmed"' "$OUT/serve$stage.log" && [ "$(grep -c '"l1_warmed"' "$OUT/serve$stage.log")" -ge 2 ] && break; sleep 0.1; done
  read -r R[warm$stage] R[warm_us$stage] < <(measure "http://127.0.0.1:$PORT" bench/lua/random_redirect.lua "$OUT/warm$stage.log")
  stop
  # Cold: every L1 entry expires at once, so every redirect reads the store; then the same without
  # recording clicks, which separates the store read from the analytics writes.
  start $stage SHORTSTACK_CACHE_POSITIVE_TTL_MS=0 SHORTSTACK_CACHE_WARM_ON_START=false
  read -r R[cold$stage] R[cold_us$stage] < <(measure "http://127.0.0.1:$PORT" bench/lua/random_redirect.lua "$OUT/cold$stage.log")
  stop
  start $stage SHORTSTACK_CACHE_POSITIVE_TTL_MS=0 SHORTSTACK_CACHE_WARM_ON_START=false SHORTSTACK_CLICKS_RECORD=false
  read -r R[bare$stage] R[bare_us$stage] < <(measure "http://127.0.0.1:$PORT" bench/lua/random_redirect.lua "$OUT/bare$stage.log")
  stop
done

# L1 off: every redirect asks Redis (stage 2's database behind it). One pass over every code fills
# L2, then the measured run finds each link there.
start 2 SHORTSTACK_STORAGE_CACHE=redis SHORTSTACK_REDIS_ADDRESS="$REDIS" SHORTSTACK_CACHE_L1_ENTRIES=0 \
  SHORTSTACK_CACHE_WARM_ON_START=false
# wrk runs for its whole -d even after every thread stopped: give it about what the pass needs
# (L1-off misses run at ~3k/s here), not a fixed two minutes.
FILL_SECONDS=$(( BENCH_LINKS / 2000 + 5 ))
BENCH_LINKS=$BENCH_LINKS BENCH_THREADS=2 wrk -t2 -c64 -d${FILL_SECONDS}s -s bench/lua/each_code_once.lua "http://127.0.0.1:$PORT" >"$OUT/l2-fill.log" 2>&1
L2_KEYS=$(redis-cli -p "${REDIS##*:}" DBSIZE)
read -r R[l2] R[l2_us] < <(measure "http://127.0.0.1:$PORT" bench/lua/random_redirect.lua "$OUT/l2.log")
L2_HITS=$(curl -fs "http://127.0.0.1:$ADMIN/metrics" | awk '/^shortstack_cache_l2_hits_total/ {print $2}')
L2_MISSES=$(curl -fs "http://127.0.0.1:$ADMIN/metrics" | awk '/^shortstack_cache_l2_misses_total/ {print $2}')
stop
# redis-benchmark redraws its progress line with \r; the last GET line is the result.
REDIS_GET=$(redis-benchmark -p "${REDIS##*:}" -t get -n 400000 -c 64 -P 1 -q 2>/dev/null | tee "$OUT/redis-benchmark.log" |
  tr '\r' '\n' | grep -o 'GET: [0-9.]*' | tail -1 | cut -d' ' -f2)

# pgbench -S on the same server, for reference (16 clients, 2 threads, scale 10).
pgbench -i -q -s 10 "$PG_URL" >"$OUT/pgbench-init.log" 2>&1
PGB=$(pgbench -S -c 16 -j 2 -T "${DURATION%s}" "$PG_URL" 2>&1 | tee "$OUT/pgbench.log" | awk '/tps = / {print $3; exit}')

cat <<TABLE | tee "$OUT/summary.md"
| measurement | stage 1 (SQLite) | stage 2 (PostgreSQL) |
|---|---|---|
| durable link creation, links/s (CPU µs/link: shortstack + PostgreSQL) | ${R[create1]} (${R[create_us1]}) | ${R[create2]} (${R[create_us2]}) |
| redirects, warm L1, req/s (µs/req) | ${R[warm1]} (${R[warm_us1]}) | ${R[warm2]} (${R[warm_us2]}) |
| redirects, caches cold (store read each), req/s (µs/req) | ${R[cold1]} (${R[cold_us1]}) | ${R[cold2]} (${R[cold_us2]}) |
| the same with clicks not recorded | ${R[bare1]} (${R[bare_us1]}) | ${R[bare2]} (${R[bare_us2]}) |
| redirects, L1 off, each an L2 (Redis) hit, req/s (µs/req incl. Redis) | (no L2) | ${R[l2]} (${R[l2_us]}) |
| pgbench -S, 16 clients, tps | | ${PGB} |
| redis-benchmark GET, 64 clients, no pipelining, req/s | | ${REDIS_GET} |
TABLE
echo "L2: $L2_KEYS keys after the fill pass; measured run: $L2_HITS hits, $L2_MISSES misses (fill pass included)" | tee -a "$OUT/summary.md"
echo "raw output: $OUT" >&2
