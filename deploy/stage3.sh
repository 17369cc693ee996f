#!/usr/bin/env bash
# Stage 3 on one machine: PostgreSQL, Redis, NATS JetStream and an S3 store (Swift with s3api) on
# loopback (throwaway, under DIR),
# two `shortstack serve` instances and one `shortstack worker`, all with deploy/stages/stage3.toml.
# `up` prints and writes DIR/endpoints.env (PUBLIC_URLS, ADMIN_URLS, WORKER_ADMIN_URL); `down` stops
# every process it started, servers included. Idempotent: `up` twice or `down` twice is harmless.
#
# Usage: deploy/stage3.sh DIR {up|down}
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=$(realpath -m "${1:?"usage: $0 DIR up|down"}")
CMD=${2:-up}
BIN=${BIN:-$PWD/build/shortstack}

. deploy/lib/common.sh  # alive, stop_pidfile (zombie-aware), as the zoned stages use them
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_app() { # start_app NAME serve|worker
  local name=$1 cmd=$2 d="$DIR/$1"
  mkdir -p "$d"
  alive "$d/pid" && return 0
  local admin; admin=$(free_port); echo "$admin" >"$d/admin_port"
  local args=(--config deploy/stages/stage3.toml --admin-listen "127.0.0.1:$admin" --data-dir "$d/data")
  if [ "$cmd" = serve ]; then
    local port; port=$(free_port); echo "$port" >"$d/port"
    args+=(--listen "127.0.0.1:$port")
  fi
  SHORTSTACK_POSTGRES_URL=$(scripts/test-postgres.sh "$DIR/postgres" url) \
  SHORTSTACK_REDIS_ADDRESS=$(scripts/test-redis.sh "$DIR/redis" address) \
  SHORTSTACK_NATS_URL=$(scripts/test-nats.sh "$DIR/nats" url) \
  SHORTSTACK_CLICKS_VISITOR_SECRET=$(cat "$DIR/visitor.secret") \
  SHORTSTACK_S3_ENDPOINT=$(scripts/test-s3.sh "$DIR/s3" endpoint) SHORTSTACK_S3_REGION=us-east-1 \
  SHORTSTACK_S3_BUCKET=shortstack SHORTSTACK_S3_ACCESS_KEY=test:tester SHORTSTACK_S3_SECRET_KEY=testing \
    nohup "$BIN" "$cmd" "${args[@]}" >"$d/log" 2>&1 &
  echo $! >"$d/pid"
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && return 0
    alive "$d/pid" || { echo "$name failed to start:"; tail -5 "$d/log"; return 1; }
    sleep 0.05
  done
  echo "$name did not become ready"; return 1
}

stop_app() { stop_pidfile "$DIR/$1/pid" 30; }

up() {
  mkdir -p "$DIR"; chmod 755 "$DIR"
  [ -f "$DIR/visitor.secret" ] || head -c 24 /dev/urandom | base64 >"$DIR/visitor.secret"
  scripts/test-postgres.sh "$DIR/postgres" start >/dev/null
  scripts/test-redis.sh "$DIR/redis" start >/dev/null
  scripts/test-nats.sh "$DIR/nats" start >/dev/null
  local s3; s3=$(scripts/test-s3.sh "$DIR/s3" start)
  curl -fs -o /dev/null -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    "http://test%3Atester:testing@${s3#http://}/shortstack" || true  # the bucket; it may exist already
  start_app serve-a serve
  start_app serve-b serve
  start_app worker-1 worker
  {
    echo "PUBLIC_URLS=http://127.0.0.1:$(cat "$DIR/serve-a/port"),http://127.0.0.1:$(cat "$DIR/serve-b/port")"
    echo "ADMIN_URLS=http://127.0.0.1:$(cat "$DIR/serve-a/admin_port"),http://127.0.0.1:$(cat "$DIR/serve-b/admin_port")"
    echo "WORKER_ADMIN_URL=http://127.0.0.1:$(cat "$DIR/worker-1/admin_port")"
  } >"$DIR/endpoints.env"
  cat "$DIR/endpoints.env"
}

down() {
  # Serves first (their drain publishes the last click batches), then the worker, then the servers.
  stop_app serve-a; stop_app serve-b; stop_app worker-1
  scripts/test-nats.sh "$DIR/nats" stop 2>/dev/null || true
  scripts/test-s3.sh "$DIR/s3" stop 2>/dev/null || true
  scripts/test-redis.sh "$DIR/redis" stop 2>/dev/null || true
  scripts/test-postgres.sh "$DIR/postgres" stop 2>/dev/null || true
}

case "$CMD" in
  up) up ;;
  down) down ;;
  *) echo "unknown command $CMD (up, down)" >&2; exit 2 ;;
esac
