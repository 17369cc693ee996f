# Helpers shared by the benchmark scripts that run real servers (bench/stage2.sh, bench/worker.sh).
# Sourced after OUT is set: every server a script starts lives under $OUT, and `bench_cleanup`
# (installed as the EXIT trap) kills the processes in PIDS and stops those servers.
PIDS=()
bench_cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  scripts/test-postgres.sh "$OUT/pg" stop >/dev/null 2>&1 || true
  scripts/test-redis.sh "$OUT/redis" stop >/dev/null 2>&1 || true
  scripts/test-nats.sh "$OUT/nats" stop >/dev/null 2>&1 || true
}
trap bench_cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() { for _ in $(seq 1 400); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# PostgreSQL's own CPU: the postmaster and every backend it forked (the shared tier pays it).
pg_ticks() {
  local pm; pm=$(head -1 "$OUT/pg/data/postmaster.pid")
  local t=0 p
  for p in $pm $(pgrep -P "$pm"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo $t
}
