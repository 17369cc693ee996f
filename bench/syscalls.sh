#!/usr/bin/env bash
# System calls per redirect, shortstack against nginx `return 302`, under the same random-code load:
# most of a redirect's CPU is the kernel's, so how many times each server enters it per request is
# what a change to the read or write path should move (session 9: 1.84 recvfrom per request against
# nginx's 0.97, because Asio tries a recv before every async read). wrk reports no such thing, so this
# counts `syscalls:sys_enter_*` tracepoints with perf over a window in the middle of each wrk run.
# Loopback only; every process it starts is ended on exit.
#   BENCH_LINKS (1000000), LOAD_SECONDS (14: wrk's run), WINDOW (10: the counted seconds inside it)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/build/shortstack}
BENCH_LINKS=${BENCH_LINKS:-1000000}
LOAD_SECONDS=${LOAD_SECONDS:-14}
WINDOW=${WINDOW:-10}
[ "$WINDOW" -lt "$LOAD_SECONDS" ] || { echo "WINDOW must be shorter than LOAD_SECONDS" >&2; exit 2; }
OUT=$PWD/bench/out/syscalls-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
source bench/lib.sh

DATA=$OUT/data
"$BIN" migrate --data-dir "$DATA" > /dev/null 2>&1
sqlite3 "$DATA/shortstack.db" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $BENCH_LINKS - 1)
  INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at)
  SELECT printf('b%06d', i), 0, 0, 'https://example.com/landing-page/spring-campaign', 302, 0, 0 FROM n;"
SS_PORT=$(free_port); SS_ADMIN=$(free_port)
"$BIN" serve --listen 127.0.0.1:$SS_PORT --admin-listen 127.0.0.1:$SS_ADMIN --data-dir "$DATA" 2> "$OUT/shortstack.log" &
SS_PID=$!; PIDS+=($SS_PID)
wait_ready "http://127.0.0.1:$SS_ADMIN/readyz"
for _ in $(seq 1 600); do grep -q '"l1_warmed"' "$OUT/shortstack.log" && break; sleep 0.2; done

source bench/nginx_reference.sh
start_nginx_reference "$OUT/nginx"
NG_WORKERS=$(pgrep -P "$NG_MASTER" | paste -sd,)

# Counts each system call of `pids` over WINDOW seconds in the middle of a wrk run against `port`,
# and writes "name per_request" lines to `name`.txt, requests estimated from wrk's rate.
count() {
  local name=$1 port=$2 pids=$3
  BENCH_LINKS=$BENCH_LINKS wrk -t2 -c64 -d${LOAD_SECONDS}s -s bench/lua/random_redirect.lua \
    "http://127.0.0.1:$port" > "$OUT/$name-wrk.log" 2>&1 &
  local w=$!
  sleep $(( (LOAD_SECONDS - WINDOW) / 2 ))
  perf stat -e 'syscalls:sys_enter_*' -p "$pids" -o "$OUT/$name-perf.txt" -- sleep "$WINDOW" > /dev/null 2>&1
  wait $w
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' "$OUT/$name-wrk.log")
  awk -v n="$(echo "$rps * $WINDOW" | bc)" '$1 ~ /^[0-9,]+$/ && $2 ~ /^syscalls:/ {
      gsub(",", "", $1); sub("syscalls:sys_enter_", "", $2); if ($1 > 0) printf "%s %.3f\n", $2, $1 / n }' \
    "$OUT/$name-perf.txt" | sort > "$OUT/$name.txt"
  echo "$rps" > "$OUT/$name-rps.txt"
}
count nginx "$NG_PORT" "$NG_WORKERS"
count shortstack "$SS_PORT" "$SS_PID"

echo "# System calls per redirect ($(date -u +%Y-%m-%dT%H:%MZ); wrk -t2 -c64, random codes over $BENCH_LINKS links, ${WINDOW} s counted)"
echo
echo "req/s during the runs: nginx $(cat "$OUT/nginx-rps.txt"), shortstack $(cat "$OUT/shortstack-rps.txt")."
echo
echo "| system call | nginx per request | shortstack per request |"
echo "|---|---|---|"
join -a1 -a2 -e 0 -o 0,1.2,2.2 "$OUT/nginx.txt" "$OUT/shortstack.txt" |
  awk '$2 >= 0.001 || $3 >= 0.001 { printf "%f | %s | %s | %s |\n", $2 + $3, $1, $2, $3 }' | sort -g -r | cut -d' ' -f2-
echo
echo "raw output: $OUT" >&2
