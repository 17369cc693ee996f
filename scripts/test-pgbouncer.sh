#!/usr/bin/env bash
# A throwaway PgBouncer 1.18 in transaction mode in front of the test PostgreSQL, on 127.0.0.1 at
# a free port, any database name passed through ("* ="). Startup options are ignored, as in
# production, so statement_timeout and search_path must come from the role or the database there.
# `start` prints the base URL (append /DBNAME). After ../shared/recipes/04-pgbouncer.sh.
#
# Usage: scripts/test-pgbouncer.sh DIR {start PG_HOST PG_PORT|stop|url}
set -euo pipefail
DIR=${1:?"usage: $0 DIR start PG_HOST PG_PORT|stop|url"}
CMD=${2:-url}

as_pg() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }
running() { [ -f "$DIR/pgbouncer.pid" ] && kill -0 "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null; }
url() { echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/port")"; }

start() {
  local pg_host=${1:?PG_HOST} pg_port=${2:?PG_PORT}
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
  if [ ! -f "$DIR/pgbouncer.ini" ]; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$DIR/port"
    echo '"postgres" ""' >"$DIR/userlist.txt"
    cat >"$DIR/pgbouncer.ini" <<CONF
[databases]
* = host=$pg_host port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $(cat "$DIR/port")
unix_socket_dir = $DIR
auth_type = trust
auth_file = $DIR/userlist.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
CONF
    [ "$(id -u)" -eq 0 ] && chown postgres "$DIR"/*
  fi
  running || as_pg pgbouncer -d "$DIR/pgbouncer.ini"
  for _ in $(seq 1 100); do running && break; sleep 0.05; done
  url
}

stop() {
  running || return 0
  local p; p=$(cat "$DIR/pgbouncer.pid")
  kill -INT "$p"
  for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$p" 2>/dev/null && kill -9 "$p"
  rm -f "$DIR/pgbouncer.pid"
}

case "$CMD" in
  start) start "${3:-}" "${4:-}" ;;
  stop) stop ;;
  url) url ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
