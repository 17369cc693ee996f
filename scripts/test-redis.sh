#!/usr/bin/env bash
# A throwaway Redis 7 for the tests: one server on 127.0.0.1 at a free port, no persistence, its
# files under DIR. `start` prints host:port; `stop` ends it (and is harmless when it is not running).
# The itests that stop and restart Redis on purpose call this script with the same DIR.
#
# Usage: scripts/test-redis.sh DIR {start|stop|address}
set -euo pipefail
DIR=${1:?"usage: $0 DIR start|stop|address"}
CMD=${2:-address}

running() { [ -f "$DIR/redis.pid" ] && kill -0 "$(cat "$DIR/redis.pid")" 2>/dev/null; }
address() { echo "127.0.0.1:$(cat "$DIR/port")"; }

start() {
  mkdir -p "$DIR"
  [ -f "$DIR/port" ] || python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$DIR/port"
  if ! running; then
    redis-server --bind 127.0.0.1 --port "$(cat "$DIR/port")" --dir "$DIR" --pidfile "$DIR/redis.pid" \
      --logfile "$DIR/redis.log" --daemonize yes --save "" --appendonly no >/dev/null
    for _ in $(seq 1 100); do
      [ "$(redis-cli -p "$(cat "$DIR/port")" PING 2>/dev/null)" = PONG ] && break
      sleep 0.05
    done
  fi
  address
}

stop() {
  running || return 0
  local pid; pid=$(cat "$DIR/redis.pid")
  kill "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$DIR/redis.pid"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  address) address ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
