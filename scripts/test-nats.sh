#!/usr/bin/env bash
# A throwaway NATS server with JetStream for the tests: 127.0.0.1 at a free port, its stream files
# under DIR. `start` prints the URL; `stop` ends it. The worker drills stop and restart it.
#
# Usage: scripts/test-nats.sh DIR {start|stop|url}
set -euo pipefail
DIR=${1:?"usage: $0 DIR start|stop|url"}
CMD=${2:-url}

running() { [ -f "$DIR/nats.pid" ] && kill -0 "$(cat "$DIR/nats.pid")" 2>/dev/null; }
url() { echo "nats://127.0.0.1:$(cat "$DIR/port")"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  mkdir -p "$DIR/js"
  if [ ! -f "$DIR/nats.conf" ]; then
    free_port >"$DIR/port"
    free_port >"$DIR/http_port"
    cat >"$DIR/nats.conf" <<CONF
listen: 127.0.0.1:$(cat "$DIR/port")
http: 127.0.0.1:$(cat "$DIR/http_port")
jetstream { store_dir: "$DIR/js", max_memory_store: 64MB, max_file_store: 1GB }
CONF
  fi
  if ! running; then
    nohup nats-server -c "$DIR/nats.conf" >>"$DIR/nats.log" 2>&1 &
    echo $! >"$DIR/nats.pid"
    for _ in $(seq 1 100); do
      curl -fs "http://127.0.0.1:$(cat "$DIR/http_port")/healthz?js-enabled-only=true" >/dev/null 2>&1 && break
      sleep 0.05
    done
  fi
  url
}

stop() {
  running || return 0
  local pid; pid=$(cat "$DIR/nats.pid")
  kill "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$DIR/nats.pid"
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
