#!/usr/bin/env bash
# A throwaway Redis with Sentinel for the failover itest: a primary, a replica and one sentinel
# (quorum 1, down after 500 ms) on 127.0.0.1 at free ports, files under DIR. No persistence.
#
# Usage: scripts/test-redis-sentinel.sh DIR {start|stop|sentinel|kill-primary|restore}
#   start         prints the sentinel's host:port once the sentinel knows the replica
#   kill-primary  kill -9 of whichever node is the primary now
#   restore       starts a killed node again as a replica of the current primary and waits until it
#                 is in sync, so the next kill can fail over again
set -euo pipefail
DIR=${1:?"usage: $0 DIR start|stop|sentinel|kill-primary"}
CMD=${2:-sentinel}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_of() { [ -f "$DIR/$1.port" ] || free_port >"$DIR/$1.port"; cat "$DIR/$1.port"; }
sentinel_cli() { redis-cli -p "$(port_of sentinel)" "$@"; }

start_node() { # start_node NAME [REPLICA_OF_PORT]
  local name=$1 port; port=$(port_of "$1")
  redis-cli -p "$port" PING >/dev/null 2>&1 && return 0
  redis-server --bind 127.0.0.1 --port "$port" --dir "$DIR" --pidfile "$DIR/$name.pid" --logfile "$DIR/$name.log" \
    --daemonize yes --save "" --appendonly no ${2:+--replicaof 127.0.0.1 $2} >/dev/null
}

start() {
  mkdir -p "$DIR"
  start_node n1
  start_node n2 "$(port_of n1)"
  if ! sentinel_cli PING >/dev/null 2>&1; then
    [ -f "$DIR/sentinel.conf" ] || printf '%s\n' "bind 127.0.0.1" "port $(port_of sentinel)" "dir $DIR" \
      "sentinel monitor shortstack 127.0.0.1 $(port_of n1) 1" "sentinel down-after-milliseconds shortstack 500" \
      "sentinel failover-timeout shortstack 3000" >"$DIR/sentinel.conf"
    redis-server "$DIR/sentinel.conf" --sentinel --daemonize yes --pidfile "$DIR/sentinel.pid" --logfile "$DIR/sentinel.log"
  fi
  wait_for_replica
  echo "127.0.0.1:$(port_of sentinel)"
}

primary_port() { sentinel_cli SENTINEL get-master-addr-by-name shortstack | tail -1; }
replica_name() { if [ "$(primary_port)" = "$(port_of n1)" ]; then echo n2; else echo n1; fi; }

# A failover needs a replica the sentinel knows and that is in sync, or it aborts ("no good slave").
wait_for_replica() {
  for _ in $(seq 1 300); do
    sentinel_cli SENTINEL master shortstack 2>/dev/null | tr '\n' ' ' | grep -q "num-slaves [1-9]" &&
      redis-cli -p "$(port_of "$(replica_name)")" INFO replication 2>/dev/null | grep -q "master_link_status:up" && return 0
    sleep 0.05
  done
  return 1
}

restore() {
  local name; name=$(replica_name)
  start_node "$name" "$(primary_port)"
  wait_for_replica
}

kill_primary() {
  local port; port=$(sentinel_cli SENTINEL get-master-addr-by-name shortstack | tail -1)
  local name; name=$(grep -lx "$port" "$DIR"/n*.port | xargs basename | cut -d. -f1)
  kill -9 "$(cat "$DIR/$name.pid")"
}

stop() {
  local f
  for f in "$DIR"/*.pid; do
    [ -f "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  sentinel) echo "127.0.0.1:$(port_of sentinel)" ;;
  kill-primary) kill_primary ;;
  restore) restore ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
