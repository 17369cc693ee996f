#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests: one cluster on 127.0.0.1 at a free port, its data and
# socket under DIR, fsync off (the data dies with the run) unless DURABLE=1 (benchmarks). `start` prints the connection URL;
# `stop` ends it and leaves nothing running. Idempotent, like ../shared/recipes.
#
# Usage: scripts/test-postgres.sh DIR {start|stop|url}
set -euo pipefail
DIR=${1:?"usage: $0 DIR start|stop|url"}
CMD=${2:-url}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
OS_USER=${PG_OS_USER:-postgres}  # initdb and postgres refuse to run as root
DATA="$DIR/data"

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi; }
running() { [ -f "$DATA/postmaster.pid" ] && kill -0 "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null; }
url() { echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"; }

start() {
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown "$OS_USER" "$DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$DIR/port"
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $(cat "$DIR/port")
unix_socket_directories = '$DIR'
max_connections = 300
shared_buffers = 64MB
CONF
    # Tests trade durability for speed; benchmarks of durable writes set DURABLE=1.
    [ "${DURABLE:-0}" = 1 ] || printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$DATA/postgresql.conf"
  fi
  running || as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 start >/dev/null
  url
}

stop() {
  running || return 0
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 60 stop >/dev/null
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
