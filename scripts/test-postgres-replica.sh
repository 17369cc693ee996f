#!/usr/bin/env bash
# A streaming read replica of the test PostgreSQL (scripts/test-postgres.sh), for the read/write
# split's itests: pg_basebackup -R from the primary at 127.0.0.1:PRIMARY_PORT, then a hot standby
# on a free port, its data and socket under DIR. `start` prints its URL; `stop` ends it; `pause` and
# `resume` stop and restart WAL replay, so a test can make the replica fall behind on purpose.
#
# Usage: scripts/test-postgres-replica.sh DIR PRIMARY_PORT {start|stop|pause|resume|url}
set -euo pipefail
DIR=${1:?"usage: $0 DIR PRIMARY_PORT start|stop|pause|resume|url"}
PRIMARY_PORT=${2:?"usage: $0 DIR PRIMARY_PORT start|stop|pause|resume|url"}
CMD=${3:-url}
DATA="$DIR/data"
. "$(dirname "$0")/lib/test-pg.sh"

sql() { as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$(cat "$DIR/port")" -U postgres -d postgres -qAtc "$1"; }

start() {
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown "$OS_USER" "$DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
    free_port >"$DIR/port"
    # The copied postgresql.conf is the primary's; later lines win.
    cat >>"$DATA/postgresql.conf" <<CONF
port = $(cat "$DIR/port")
unix_socket_directories = '$DIR'
hot_standby = on
CONF
  fi
  start_cluster
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  pause) sql "SELECT pg_wal_replay_pause()" >/dev/null ;;
  resume) sql "SELECT pg_wal_replay_resume()" >/dev/null ;;
  url) url ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
