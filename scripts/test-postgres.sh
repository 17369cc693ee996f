#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for the tests: one cluster on 127.0.0.1 at a free port, its data and
# socket under DIR, fsync off (the data dies with the run) unless DURABLE=1 (benchmarks). `start` prints the connection URL;
# `stop` ends it and leaves nothing running. Idempotent, like ../shared/recipes.
#
# Usage: scripts/test-postgres.sh DIR {start|stop|url}
set -euo pipefail
DIR=${1:?"usage: $0 DIR start|stop|url"}
CMD=${2:-url}
DATA="$DIR/data"
. "$(dirname "$0")/lib/test-pg.sh"


start() {
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown "$OS_USER" "$DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
    free_port >"$DIR/port"
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
  start_cluster
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
