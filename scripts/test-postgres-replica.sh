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
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
OS_USER=${PG_OS_USER:-postgres}
DATA="$DIR/data"

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi; }
running() { [ -f "$DATA/postmaster.pid" ] && kill -0 "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null; }
url() { echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"; }
sql() { as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$(cat "$DIR/port")" -U postgres -d postgres -qAtc "$1"; }

start() {
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown "$OS_USER" "$DIR"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$DIR/port"
    # The copied postgresql.conf is the primary's; later lines win.
    cat >>"$DATA/postgresql.conf" <<CONF
port = $(cat "$DIR/port")
unix_socket_directories = '$DIR'
hot_standby = on
CONF
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
  pause) sql "SELECT pg_wal_replay_pause()" >/dev/null ;;
  resume) sql "SELECT pg_wal_replay_resume()" >/dev/null ;;
  url) url ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
