#!/usr/bin/env bash
# The worker tier's aggregation rate from NATS JetStream into PostgreSQL, on this machine (loopback):
#   1. a `serve` instance (stage 3 click path: spool -> NATS, no aggregation) takes DURATION of random
#      redirects over BENCH_LINKS links (or one hot link with HOT=1), and drains into NATS;
#   2. one `shortstack worker` then applies the backlog; we time it from readiness until every
#      recorded click is applied, and take the worker's and PostgreSQL's CPU over that time.
# Prints clicks/s and µs of CPU per click, and checks the count is exact. Bounded: DURATION for the
# load, 300 s at most for the worker. HISTORY_HOURS=N first stores N earlier hours of rollups for
# every link, as weeks of clicks spread over the same links would: the rows a round reads and writes
# then sit among them (the primary key is link-major).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/build/shortstack}
DURATION=${DURATION:-10s}
BENCH_LINKS=${BENCH_LINKS:-100000}
HOT=${HOT:-0}
HISTORY_HOURS=${HISTORY_HOURS:-0}
OUT=$PWD/bench/out/worker-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"; chmod 755 "$OUT"
. bench/lib.sh
metric() { curl -fs "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n {print $2}'; }

PG_URL=$(DURABLE=1 scripts/test-postgres.sh "$OUT/pg" start)
NATS_URL=$(scripts/test-nats.sh "$OUT/nats" start)
STAGE3=(SHORTSTACK_POSTGRES_URL="$PG_URL" SHORTSTACK_STORAGE_QUEUE=nats SHORTSTACK_NATS_URL="$NATS_URL"
        SHORTSTACK_CLICKS_VISITOR_SECRET=bench-visitor-secret-0123456789)

# 1. Load: serve publishes click batches to NATS; nothing consumes them yet.
PORT=$(free_port); ADMIN=$(free_port)
env "${STAGE3[@]}" SHORTSTACK_STORAGE_DATA_DIR="$OUT/serve" "$BIN" serve --config deploy/stages/stage2.toml \
  --listen 127.0.0.1:$PORT --admin-listen 127.0.0.1:$ADMIN >"$OUT/serve.log" 2>&1 &
SERVE=$!; PIDS+=($SERVE)
wait_ready "http://127.0.0.1:$ADMIN/readyz"
psql -X -q "$PG_URL" -c "INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at)
  SELECT 'b' || lpad(i::text, 6, '0'), 1, 0, 'https://example.com/landing-page/spring-campaign', 302, 0, 0
  FROM generate_series(0, $BENCH_LINKS - 1) AS i"
if [ "$HISTORY_HOURS" -gt 0 ]; then
  # Hour by hour, as a running store would have written them; the breakdown is a typical one-click row.
  psql -X -q "$PG_URL" -c "INSERT INTO click_hours(link_id, hour, owner_id, clicks, bots, breakdown, visitors)
    SELECT l.id, h, 1, 3, 0, E'r\\t(direct)\\t3\\nc\\tDE\\t3\\nd\\tdesktop\\t3\\nb\\tChrome\\t3\\no\\tWindows\\t3\\n', ''::bytea
    FROM generate_series(extract(epoch FROM now())::bigint / 3600 - $HISTORY_HOURS,
                         extract(epoch FROM now())::bigint / 3600 - 1) AS h, links l ORDER BY h, l.id"
  psql -X -q "$PG_URL" -c "VACUUM ANALYZE click_hours"
fi
LUA=bench/lua/random_redirect.lua
[ "$HOT" = 1 ] && LUA=bench/lua/hot_link.lua
BENCH_LINKS=$BENCH_LINKS wrk -t2 -c64 -d"$DURATION" -s "$LUA" "http://127.0.0.1:$PORT" >"$OUT/wrk.log" 2>&1
kill -TERM $SERVE; wait $SERVE 2>/dev/null || true
# The final count, from the stop event: requests wrk had in flight were still recorded after it ended.
RECORDED=$(grep -o '"clicks_recorded":[0-9]*' "$OUT/serve.log" | tail -1 | cut -d: -f2)

# 2. One worker applies the backlog.
WADMIN=$(free_port)
env "${STAGE3[@]}" SHORTSTACK_STORAGE_DATA_DIR="$OUT/worker" "$BIN" worker --config deploy/stages/stage2.toml \
  --admin-listen 127.0.0.1:$WADMIN >"$OUT/worker.log" 2>&1 &
WORKER=$!; PIDS+=($WORKER)
wait_ready "http://127.0.0.1:$WADMIN/readyz"
t0=$(date +%s.%N); w0=$(cpu_ticks $WORKER); p0=$(pg_ticks)
APPLIED=0
for _ in $(seq 1 3000); do
  APPLIED=$(metric $WADMIN shortstack_click_events_applied_total)
  [ "${APPLIED%.*}" -ge "$RECORDED" ] && break
  sleep 0.1
done
t1=$(date +%s.%N); w1=$(cpu_ticks $WORKER); p1=$(pg_ticks)
kill -TERM $WORKER; wait $WORKER 2>/dev/null || true
TOTAL=$(psql -X -qAt "$PG_URL" -c "SELECT coalesce(sum(clicks + bots), 0) FROM link_totals" 2>/dev/null || echo "?")

python3 - "$RECORDED" "$APPLIED" "$t0" "$t1" "$w0" "$w1" "$p0" "$p1" "$(getconf CLK_TCK)" "$TOTAL" "$HOT" "$HISTORY_HOURS" <<'PY' | tee "$OUT/summary.md"
import sys
rec, app, t0, t1, w0, w1, p0, p1, hz, total, hot, history = sys.argv[1:]
rec, app = int(float(rec)), int(float(app))
secs = float(t1) - float(t0)
wcpu = (int(w1) - int(w0)) / int(hz) * 1e6 / max(1, app)
pcpu = (int(p1) - int(p0)) / int(hz) * 1e6 / max(1, app)
print(f"| worker from NATS ({'one hot link' if hot == '1' else 'random links'}, {history} h of history) | clicks {app:,} of {rec:,} recorded "
      f"| {app / secs:,.0f} clicks/s over {secs:.2f} s | CPU per click: worker {wcpu:.2f} µs, PostgreSQL {pcpu:.2f} µs "
      f"| stored total {total} |")
PY
echo "raw output: $OUT" >&2
