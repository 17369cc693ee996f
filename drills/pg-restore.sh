#!/usr/bin/env bash
# The stage-3 "managed database" drill: point-in-time recovery with pgBackRest.
#   1. a PostgreSQL cluster archives its WAL to a pgBackRest repository; a full backup is taken;
#   2. shortstack (stage 2 config) creates links through its API: set A;
#   3. the time is noted, then more links are created: set B;
#   4. the cluster is restored from the backup to that time, and started;
#   5. every link of A is there and none of B.
# Everything lives under DIR and runs on loopback; the script stops what it starts. Exit 0 = pass.
#
# Usage: drills/pg-restore.sh DIR   (BIN=path to shortstack, default build/shortstack)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=$(realpath -m "${1:?"usage: $0 DIR"}")
BIN=${BIN:-$PWD/build/shortstack}
PGBIN=/usr/lib/postgresql/15/bin
OS_USER=postgres
N=${LINKS:-20}

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$OS_USER" -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
say() { printf '[pg-restore] %s\n' "$*"; }

rm -rf "$DIR"; mkdir -p "$DIR"; chmod 755 "$DIR"
PORT=$(free_port); APP=$(free_port); ADMIN=$(free_port)
DATA="$DIR/data"; CONF="$DIR/pgbackrest.conf"
mkdir -p "$DIR/repo" "$DIR/log" "$DIR/lock"
[ "$(id -u)" -eq 0 ] && chown -R "$OS_USER" "$DIR"
cat >"$CONF" <<CONF
[global]
repo1-path=$DIR/repo
repo1-retention-full=2
log-path=$DIR/log
lock-path=$DIR/lock
log-level-console=warn
start-fast=y
[drill]
pg1-path=$DATA
pg1-port=$PORT
pg1-socket-path=$DIR
CONF
chmod 644 "$CONF"
BR=(pgbackrest --config="$CONF" --stanza=drill)
SERVE_PID=""
cleanup() {
  [ -n "$SERVE_PID" ] && kill -9 "$SERVE_PID" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log"
cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$CONF --stanza=drill archive-push %p'
archive_timeout = 60
CONF
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w start >/dev/null
as_pg "${BR[@]}" stanza-create
as_pg "${BR[@]}" check
t0=$(date +%s%N)
as_pg "${BR[@]}" --type=full backup
say "full backup in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

URL="postgresql://postgres@127.0.0.1:$PORT/postgres"
SHORTSTACK_POSTGRES_URL=$URL "$BIN" serve --config deploy/stages/stage2.toml --listen 127.0.0.1:$APP \
  --admin-listen 127.0.0.1:$ADMIN --data-dir "$DIR/app" >"$DIR/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$ADMIN/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
API="http://127.0.0.1:$APP/api/v1"
curl -fs -c "$DIR/jar" -H 'content-type: application/json' \
  -d '{"email":"drill@example.com","password":"restore point orchid 42"}' "$API/auth/signup" >/dev/null
CSRF=$(curl -fs -b "$DIR/jar" "$API/me" | sed 's/.*"csrf_token":"\([^"]*\)".*/\1/')
create() { # create ALIAS: an acknowledged link (201) or the drill fails
  curl -fs -b "$DIR/jar" -H "X-CSRF-Token: $CSRF" -H 'content-type: application/json' \
    -d "{\"url\":\"https://example.com/$1\",\"alias\":\"$1\"}" "$API/links" >/dev/null
}
for i in $(seq 1 "$N"); do create "before-$i"; done
sleep 1  # the target must fall strictly between the two sets at the second's resolution of the log
TARGET=$(psql -X -At "$URL" -c "SELECT now()")
sleep 1
for i in $(seq 1 "$N"); do create "after-$i"; done
psql -X -At "$URL" -c "SELECT pg_switch_wal()" >/dev/null   # ship the last WAL segment now
kill -TERM "$SERVE_PID"; wait "$SERVE_PID" || true; SERVE_PID=""
say "$N links before $TARGET, $N after; restoring to the target"

t0=$(date +%s%N)
as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
as_pg "${BR[@]}" --delta --type=time "--target=$TARGET" --target-action=promote restore
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 120 start >/dev/null
for _ in $(seq 1 200); do [ "$(psql -X -At "$URL" -c 'SELECT pg_is_in_recovery()')" = f ] && break; sleep 0.1; done
say "restored and promoted in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

before=$(psql -X -At "$URL" -c "SELECT count(*) FROM links WHERE code LIKE 'before-%'")
after=$(psql -X -At "$URL" -c "SELECT count(*) FROM links WHERE code LIKE 'after-%'")
say "links found: $before of the $N before the target, $after of the $N after it"
if [ "$before" = "$N" ] && [ "$after" = 0 ]; then say "PASS"; else say "FAIL"; exit 1; fi
