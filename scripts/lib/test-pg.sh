# What the throwaway PostgreSQL scripts share (scripts/test-postgres.sh and its replica): running as
# the postgres user when root, and starting and stopping a data directory under $DIR. Sourced, with
# DIR and DATA set.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
OS_USER=${PG_OS_USER:-postgres}  # initdb and postgres refuse to run as root

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi; }
running() { [ -f "$DATA/postmaster.pid" ] && kill -0 "$(head -1 "$DATA/postmaster.pid")" 2>/dev/null; }
url() { echo "postgresql://postgres@127.0.0.1:$(cat "$DIR/port")/postgres"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_cluster() {
  running || as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 start >/dev/null
  url
}

stop() {
  running || return 0
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 60 stop >/dev/null
}
