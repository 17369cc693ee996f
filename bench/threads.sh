#!/usr/bin/env bash
# Where the CPU goes, per named thread, while random-code traffic spreads clicks over BENCH_LINKS
# links: the loops, the click aggregator, the analytics SQLite writer, the spool. Seeds a data dir
# (or reuses DATA), waits for the redirect cache to warm, runs wrk for SECONDS, then prints each
# thread's CPU in µs per recorded click, and samples queue depth and RSS once a second (bounded by
# SAMPLES) so a backlog shows. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/build/shortstack}
BENCH_LINKS=${BENCH_LINKS:-1000000}
SECONDS_OF_LOAD=${LOAD_SECONDS:-15}
SAMPLES=${SAMPLES:-30}
OUT=$PWD/bench/out/threads-$(date -u +%Y%m%dT%H%M%SZ)
DATA=${DATA:-$OUT/data}
mkdir -p "$OUT"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=$(free_port); A=$(free_port)
if [ ! -f "$DATA/shortstack.db" ]; then
  "$BIN" migrate --data-dir "$DATA" > /dev/null 2>&1
  sqlite3 "$DATA/shortstack.db" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $BENCH_LINKS - 1)
    INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at)
    SELECT printf('b%06d', i), 1, 0, 'https://example.com/landing-page/spring-campaign', 302, 0, 0 FROM n;"
fi
"$BIN" serve --listen 127.0.0.1:$P --admin-listen 127.0.0.1:$A --data-dir "$DATA" > /dev/null 2> "$OUT/serve.log" &
S=$!
trap 'kill -9 $S 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q '"l1_warmed"' "$OUT/serve.log" && break; sleep 0.2; done
metric() { curl -s "http://127.0.0.1:$A/metrics" | awk -v n="$1" '$1 == n {print $2}'; }
# "tid name ticks", one line per thread (names repeat: the blocking pool's threads share one)
threads() { for t in /proc/$S/task/*; do echo "${t##*/} $(tr ' ' '_' < "$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done; }
threads > "$OUT/before.txt"
rec0=$(metric shortstack_clicks_recorded_total)
BENCH_LINKS=$BENCH_LINKS wrk -t2 -c64 -d${SECONDS_OF_LOAD}s -s bench/lua/random_redirect.lua "http://127.0.0.1:$P" > "$OUT/wrk.log" 2>&1 &
W=$!
for i in $(seq 1 "$SAMPLES"); do
  echo "t=${i}s queue_depth=$(metric shortstack_queue_depth) recorded=$(metric shortstack_clicks_recorded_total) applied=$(metric shortstack_click_events_applied_total) rss_kib=$(awk '/VmRSS/ {print $2}' /proc/$S/status)"
  sleep 1
done | tee "$OUT/samples.txt"
wait $W
threads > "$OUT/after.txt"
recorded=$(( $(metric shortstack_clicks_recorded_total) - rec0 ))
echo "$(grep 'Requests/sec' "$OUT/wrk.log"); $recorded clicks recorded"
HZ=$(getconf CLK_TCK)
# Per thread name, summed over the threads that carry it.
join <(sort "$OUT/before.txt") <(sort "$OUT/after.txt") |
  awk -v hz="$HZ" -v n="$recorded" '{ used[$2] += $5 - $3 } END { for (k in used) printf "%-16s %6.2f µs per click\n", k, used[k] / hz * 1e6 / n }' |
  sort -k2 -n -r
kill -TERM $S; wait $S || true
echo "raw output: $OUT" >&2
