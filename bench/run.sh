#!/usr/bin/env bash
# shortstack's stage-1 benchmarks, each against a reference measured in the same run on the same cores.
#   redirects:  shortstack vs nginx `return 302`, wrk -t2 -d5s at -c64 and -c256, alternating, ROUNDS rounds,
#               random codes over BENCH_LINKS seeded links; req/s and server CPU µs/request (/proc/PID/stat).
#   latency:    p50/p99/p999 at half of the measured peak with bench/loadgen (open loop, no coordinated omission).
#   creation:   durable link creation (POST /api/v1/links) from 64 connections; every 201 checked in the DB.
#   footprint:  idle RSS, RSS with BENCH_LINKS links cached, start-to-ready time with BENCH_LINKS links.
# Output: a markdown report on stdout and in bench/out/<timestamp>/report.md. Traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/build/shortstack}
LOADGEN=${LOADGEN:-$ROOT/build/loadgen}
BENCH_LINKS=${BENCH_LINKS:-1000000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
OUT=$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
export BENCH_LINKS
HZ=$(getconf CLK_TCK)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# utime+stime in clock ticks, summed over the given PIDs (all their threads).
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo $t; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
wait_http() { for _ in $(seq 1 400); do curl -s -o /dev/null "$1" && return 0; sleep 0.025; done; return 1; }

# Runs wrk; prints "<requests> <seconds> <req/s>".
wrk_run() {
  local url=$1 conns=$2 script=$3 log=$4
  wrk -t2 -c"$conns" -d"$DURATION" -s "$script" "$url" > "$log" 2>&1
  local reqs secs rps
  reqs=$(awk '/requests in/ {print $1}' "$log")
  secs=$(awk '/requests in/ {gsub("s,","",$4); print $4}' "$log")
  rps=$(awk '/Requests\/sec/ {print $2}' "$log")
  echo "$reqs $secs $rps"
}

# Measures one wrk run against url while sampling CPU of pids; prints "rps cpu_us_per_req".
measure() {
  local url=$1 conns=$2 script=$3 log=$4; shift 4
  local before after reqs secs rps
  before=$(cpu_ticks "$@")
  read -r reqs secs rps < <(wrk_run "$url" "$conns" "$script" "$log")
  after=$(cpu_ticks "$@")
  python3 -c "print(f'{float($rps):.0f} {($after-$before)/$HZ*1e6/$reqs:.2f}')"
}

echo "# shortstack stage-1 benchmark, $(date -u +%Y-%m-%dT%H:%MZ)" | tee "$OUT/report.md"
{
  echo
  echo "Machine: $(nproc) vCPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;"
  echo "$(uname -r); $(g++ --version | head -1); $(nginx -v 2>&1); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "wrk shares the two cores with the server, for both servers alike."
} | tee -a "$OUT/report.md"

# --- idle footprint: an empty database --------------------------------------------------------------
SS_PORT=$(free_port); SS_ADMIN=$(free_port)
"$BIN" serve --listen 127.0.0.1:$SS_PORT --admin-listen 127.0.0.1:$SS_ADMIN --data-dir "$OUT/empty" 2> "$OUT/empty.log" &
EMPTY_PID=$!; PIDS+=($EMPTY_PID)
wait_http "http://127.0.0.1:$SS_ADMIN/readyz"; sleep 0.5
idle_rss=$(rss_kib $EMPTY_PID)
kill -TERM $EMPTY_PID; wait $EMPTY_PID || true

# --- shortstack with BENCH_LINKS links --------------------------------------------------------------
DATA=$OUT/data
"$BIN" migrate --data-dir "$DATA" > /dev/null 2>&1
sqlite3 "$DATA/shortstack.db" <<SQL
PRAGMA journal_mode=WAL;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $BENCH_LINKS - 1)
INSERT INTO links(code, owner_id, bucket, url, redirect, created_at, updated_at)
SELECT printf('b%06d', i), 0, 0, 'https://example.com/landing-page/spring-campaign', 302, 0, 0 FROM n;
SQL
start_ms=$(date +%s%3N)
"$BIN" serve --listen 127.0.0.1:$SS_PORT --admin-listen 127.0.0.1:$SS_ADMIN --data-dir "$DATA" 2> "$OUT/shortstack.log" &
SS_PID=$!; PIDS+=($SS_PID)
wait_http "http://127.0.0.1:$SS_ADMIN/readyz"
ready_ms=$(( $(date +%s%3N) - start_ms ))

# --- nginx --------------------------------------------------------------------------------------------
. bench/nginx_reference.sh
start_nginx_reference "$OUT/nginx"

# The steady state: shortstack loads the newest links into its redirect cache in the background after
# start (cache.warm_on_start); wait, bounded, until it says it is done.
for _ in $(seq 1 600); do grep -q '"l1_warmed"' "$OUT/shortstack.log" && break; sleep 0.2; done
warm_line=$(grep '"l1_warmed"' "$OUT/shortstack.log" || echo '{"entries":0,"ms":-1}')
warm_ms=$(echo "$warm_line" | sed 's/.*"ms":\([0-9-]*\).*/\1/')
cached_rss=$(rss_kib $SS_PID)

# --- redirects: alternate reference and shortstack ---------------------------------------------------
echo "conns round nginx_rps nginx_us ss_rps ss_us" > "$OUT/redirects.txt"
for conns in 64 256; do
  for round in $(seq 1 "$ROUNDS"); do
    read -r ng_rps ng_us < <(measure "http://127.0.0.1:$NG_PORT" "$conns" bench/lua/random_redirect.lua "$OUT/ng-$conns-$round.log" "${NG_PIDS[@]}")
    read -r ss_rps ss_us < <(measure "http://127.0.0.1:$SS_PORT" "$conns" bench/lua/random_redirect.lua "$OUT/ss-$conns-$round.log" $SS_PID)
    echo "$conns $round $ng_rps $ng_us $ss_rps $ss_us" | tee -a "$OUT/redirects.txt" >&2
  done
done
grep -h "Non-2xx" "$OUT"/ss-*.log > "$OUT/ss-errors.txt" || true

# --- one hot link (campaign traffic): counting costs one upsert per round ------------------------------
# First the random runs' clicks are written and folded: a round spread over many links is written up
# to 30 s after its clicks, and that cost belongs to them, not to the hot link's windows.
compactions() { grep -c '"click_compaction"' "$OUT/shortstack.log" || true; }
ss_metric() { curl -s "http://127.0.0.1:$SS_ADMIN/metrics" | awk -v n="$1" '$1 == n {print $2}'; }
wait_compaction_after() {  # waits (at most 150 s) until more than $1 compactions are logged
  for _ in $(seq 1 750); do [ "$(compactions)" -gt "$1" ] && return 0; sleep 0.2; done; return 1; }
# A round spread over many links gathers for up to 30 s before it is written: wait (at most 150 s)
# until every recorded click is applied, then for the compaction that folds it.
clicks_applied_and_folded() {
  for _ in $(seq 1 750); do
    [ "$(ss_metric shortstack_click_events_applied_total)" -ge "$(ss_metric shortstack_clicks_recorded_total)" ] && break
    sleep 0.2
  done
  wait_compaction_after "$(compactions)"
}
clicks_applied_and_folded || true
echo "conns round nginx_rps nginx_us ss_rps ss_us" > "$OUT/hot.txt"
for round in $(seq 1 "$ROUNDS"); do
  read -r ng_rps ng_us < <(measure "http://127.0.0.1:$NG_PORT" 64 bench/lua/hot_link.lua "$OUT/ng-hot-$round.log" "${NG_PIDS[@]}")
  read -r ss_rps ss_us < <(measure "http://127.0.0.1:$SS_PORT" 64 bench/lua/hot_link.lua "$OUT/ss-hot-$round.log" $SS_PID)
  echo "64 $round $ng_rps $ng_us $ss_rps $ss_us" | tee -a "$OUT/hot.txt" >&2
done

# --- steady state: the short runs above may or may not include the write of a gathered click round
# or a compaction of click deltas (every 60 s or 1M deltas), which under spread clicks cost more than
# the redirects themselves. This run charges them in full: from a moment when every click recorded is
# applied and folded, through STEADY of load, to the end of the compaction that folds the last of
# that load's clicks (bounded waits). -------------------------------------------------------------------
# Several runs, because one long run's figure moved ±15% between runs on this machine.
STEADY=${STEADY:-60s}
STEADY_ROUNDS=${STEADY_ROUNDS:-3}
: > "$OUT/steady.txt"
for round in $(seq 1 "$STEADY_ROUNDS"); do
  clicks_applied_and_folded || true   # the earlier runs' clicks
  read -r ng_rps ng_us < <(DURATION=$STEADY measure "http://127.0.0.1:$NG_PORT" 64 bench/lua/random_redirect.lua "$OUT/ng-steady-$round.log" "${NG_PIDS[@]}")
  c0=$(compactions); t0=$(cpu_ticks $SS_PID)
  read -r reqs secs ss_rps < <(DURATION=$STEADY wrk_run "http://127.0.0.1:$SS_PORT" 64 bench/lua/random_redirect.lua "$OUT/ss-steady-$round.log")
  clicks_applied_and_folded && folded=yes || folded=no
  ss_us=$(python3 -c "print(f'{($(cpu_ticks $SS_PID)-$t0)/$HZ*1e6/$reqs:.2f}')")
  echo "$ng_rps $ng_us $ss_rps $ss_us $(( $(compactions) - c0 )) $folded" | tee -a "$OUT/steady.txt" >&2
done

# --- latency at half of the peak ----------------------------------------------------------------------
peak=$(awk 'NR>1 && $1==64 {print $5}' "$OUT/redirects.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
half=$(( ${peak%.*} / 2 ))
lat_ss=$("$LOADGEN" --port "$SS_PORT" --rate "$half" --connections 64 --seconds 5 --paths-prefix /b --paths "$BENCH_LINKS")
lat_ng=$("$LOADGEN" --port "$NG_PORT" --rate "$half" --connections 64 --seconds 5 --paths-prefix /b --paths "$BENCH_LINKS")

# --- durable link creation -----------------------------------------------------------------------------
J='Content-Type: application/json'
curl -s -c "$OUT/jar" -H "$J" -d '{"email":"bench@example.com","password":"a long load-test passphrase"}' \
  "http://127.0.0.1:$SS_PORT/api/v1/auth/signup" > /dev/null
CSRF=$(curl -s -b "$OUT/jar" "http://127.0.0.1:$SS_PORT/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
export BENCH_API_KEY=$(curl -s -b "$OUT/jar" -H "$J" -H "X-CSRF-Token: $CSRF" -d '{"name":"bench"}' \
  "http://127.0.0.1:$SS_PORT/api/v1/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
# The per-user creation limit would (rightly) refuse a benchmark; this run measures the store.
kill -TERM $SS_PID; wait $SS_PID || true
SHORTSTACK_LIMITS_CREATE_PER_SECOND_PER_USER=1000000 SHORTSTACK_LIMITS_CREATE_BURST_PER_USER=1000000 \
SHORTSTACK_LIMITS_CREATE_PER_SECOND_PER_IP=1000000 SHORTSTACK_LIMITS_CREATE_BURST_PER_IP=1000000 \
SHORTSTACK_LIMITS_CREATE_PER_SECOND_PER_KEY=1000000 SHORTSTACK_LIMITS_CREATE_BURST_PER_KEY=1000000 \
  "$BIN" serve --listen 127.0.0.1:$SS_PORT --admin-listen 127.0.0.1:$SS_ADMIN --data-dir "$DATA" 2>> "$OUT/shortstack.log" &
SS_PID=$!; PIDS+=($SS_PID)
wait_http "http://127.0.0.1:$SS_ADMIN/readyz"
ready2_ms=0
before_rows=$(sqlite3 "$DATA/shortstack.db" "SELECT count(*) FROM links WHERE owner_id != 0")
create_out=$(wrk -t2 -c64 -d"$DURATION" -s bench/lua/create_link.lua "http://127.0.0.1:$SS_PORT" 2>&1)
echo "$create_out" > "$OUT/create.log"
create_rps=$(echo "$create_out" | awk '/Requests\/sec/ {print $2}')
create_reqs=$(echo "$create_out" | awk '/requests in/ {print $1}')
create_bad=$(echo "$create_out" | awk -F= '/non_2xx_or_3xx/ {print $2}')
kill -9 $SS_PID; wait $SS_PID 2>/dev/null || true   # a crash right after the run: acknowledged links must be on disk
after_rows=$(sqlite3 "$DATA/shortstack.db" "SELECT count(*) FROM links WHERE owner_id != 0")
created_ok=$(( create_reqs - create_bad ))
stored=$(( after_rows - before_rows ))

# --- start-up with BENCH_LINKS links (after a crash: the WAL has to be recovered too) ------------------
start_ms=$(date +%s%3N)
"$BIN" serve --listen 127.0.0.1:$SS_PORT --admin-listen 127.0.0.1:$SS_ADMIN --data-dir "$DATA" 2>> "$OUT/shortstack.log" &
SS_PID=$!; PIDS+=($SS_PID)
wait_http "http://127.0.0.1:$SS_ADMIN/readyz"
ready_full_ms=$(( $(date +%s%3N) - start_ms ))

python3 - "$OUT" "$ready_ms" "$idle_rss" "$cached_rss" "$create_rps" "$created_ok" "$stored" "$ready_full_ms" "$BENCH_LINKS" \
  "$lat_ss" "$lat_ng" "$half" "$warm_ms" <<'PY' | tee -a "$OUT/report.md"
import statistics, sys
out, ready_ms, idle_rss, cached_rss, create_rps, created_ok, stored, ready_full_ms, links, lat_ss, lat_ng, half, warm_ms = sys.argv[1:]
rows = [l.split() for l in open(f"{out}/redirects.txt").read().splitlines()[1:]]
print("\n## Redirects (random codes over %s links, redirect cache warm)\n" % f"{int(links):,}")
print("| conns | nginx req/s | shortstack req/s | ratio (median of rounds) | nginx CPU µs/req | shortstack CPU µs/req | CPU ratio |")
print("|---|---|---|---|---|---|---|")
for conns in ("64", "256"):
    r = [x for x in rows if x[0] == conns]
    ratio = statistics.median(float(x[4]) / float(x[2]) for x in r)
    cpu_ratio = statistics.median(float(x[5]) / float(x[3]) for x in r)
    med = lambda i: statistics.median(float(x[i]) for x in r)
    print(f"| {conns} | {med(2):,.0f} | {med(4):,.0f} | **{ratio:.2f}×** | {med(3):.2f} | {med(5):.2f} | {cpu_ratio:.2f}× |")
print(f"\nRounds: {len(rows)//2} per concurrency, alternating nginx then shortstack; raw rows in redirects.txt.")
hot = [l.split() for l in open(f"{out}/hot.txt").read().splitlines()[1:]]
if hot:
    print("\n## One hot link (every request for the same code, 64 connections)\n")
    print("| nginx req/s | shortstack req/s | ratio (median) | nginx CPU µs/req | shortstack CPU µs/req | CPU ratio |")
    print("|---|---|---|---|---|---|")
    med = lambda i: statistics.median(float(x[i]) for x in hot)
    print(f"| {med(2):,.0f} | {med(4):,.0f} | **{statistics.median(float(x[4])/float(x[2]) for x in hot):.2f}×** | "
          f"{med(3):.2f} | {med(5):.2f} | {statistics.median(float(x[5])/float(x[3]) for x in hot):.2f}× |")
steady = [line.split() for line in open(f"{out}/steady.txt") if line.strip()]
if steady:
    print(f"\n## Steady state, compaction included (random codes, 64 connections, {len(steady)} long runs each, alternating)\n")
    print("| run | nginx req/s | shortstack req/s | ratio | nginx CPU µs/req | shortstack CPU µs/req | CPU ratio | compactions | last fold seen |")
    print("|---|---|---|---|---|---|---|---|---|")
    rps_ratios, cpu_ratios = [], []
    for i, (ng_rps, ng_us, ss_rps, ss_us, n_compactions, folded) in enumerate(steady, 1):
        rps_ratios.append(float(ss_rps) / float(ng_rps))
        cpu_ratios.append(float(ss_us) / float(ng_us))
        print(f"| {i} | {float(ng_rps):,.0f} | {float(ss_rps):,.0f} | {rps_ratios[-1]:.2f}× | {float(ng_us):.2f} | "
              f"{float(ss_us):.2f} | {cpu_ratios[-1]:.2f}× | {n_compactions} | {folded} |")
    print(f"\nMedian: **{statistics.median(rps_ratios):.2f}×** nginx's req/s at **{statistics.median(cpu_ratios):.2f}×** its CPU per request. "
          f"shortstack's CPU runs from a moment when every recorded click was applied and folded, through the load, "
          f"to the end of the compaction that folded the last of the load's clicks, gathered rounds included.")
print(f"\n## Latency at half of peak ({int(half):,} req/s offered, open loop, 64 connections, 5 s)\n")
print("| server | " + lat_ss.split("\n")[0] + " |")
print("|---|" + "---|" * len(lat_ss.split("\n")[0].split("|")))
print("| shortstack | " + lat_ss.split("\n")[1] + " |")
print("| nginx | " + lat_ng.split("\n")[1] + " |")
print("\n## Durable link creation (64 connections, POST /api/v1/links, synchronous=FULL)\n")
print(f"- {float(create_rps):,.0f} links/s; {int(created_ok):,} acknowledged, {int(stored):,} found in the database after kill -9 right after the run.")
print("\n## Footprint\n")
print(f"- start to ready (readiness does not wait for the cache): {ready_ms} ms with {int(links):,} links; {ready_full_ms} ms after a kill -9 (WAL recovery)")
print(f"- background warm-up of the redirect cache with {int(links):,} links: {warm_ms} ms")
print(f"- RSS idle (empty database): {int(idle_rss)/1024:.1f} MiB; with {int(links):,} links in the redirect cache: {int(cached_rss)/1024:.1f} MiB")
PY
# Microbenchmarks of the hot path's parts, when built (make bench builds them).
if [ -x "$ROOT/build/micro_bench" ]; then
  {
    echo; echo "## Microbenchmarks (CPU ns per operation)"; echo
    # CPU time of the benchmark's own thread; for work handed to other threads (the SQLite writer)
    # only the items per second, from wall-clock time, mean anything.
    echo "| benchmark | CPU ns per iteration | items/s |"; echo "|---|---|---|"
    "$ROOT/build/micro_bench" --benchmark_min_time=0.5 --benchmark_format=csv 2>/dev/null |
      awk -F, 'NR>1 && $1 ~ /BM_/ {gsub(/"/, "", $1); printf "| %s | %.0f | %s |\n", $1, $4, ($7 == "" ? "" : sprintf("%.0f", $7))}'
  } | tee -a "$OUT/report.md"
fi
echo "raw output: $OUT" >&2
