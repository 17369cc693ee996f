# The app tier of the zoned stages: two `serve` instances and one `worker` per app zone, all with
# deploy/stages/stage$STAGE.toml. Instance names: a1 a2 b1 b2 (zone, then number); ports 8081/8082 and
# admin ports 9081/9082 on the zone's address; workers' admin port 9181. Sourced.
APP_INSTANCES="a1 a2 b1 b2"
WORKER_ZONES="a b"

app_port() { echo $((8080 + ${1:1})); }
app_admin_port() { echo $((9080 + ${1:1})); }
app_zone() { echo "${1:0:1}"; }

app_env() { # app_env ZONE
  echo SHORTSTACK_SERVER_ZONE="$1"
  echo SHORTSTACK_POSTGRES_URL="$(pg_app_url)"
  if [ "$STAGE" -ge 5 ]; then echo SHORTSTACK_POSTGRES_REPLICAS="$(pg_replica_urls)"; fi
  echo SHORTSTACK_REDIS_SENTINELS="$(redis_sentinels)"
  echo SHORTSTACK_REDIS_PASSWORD="$(secret "$W/secrets/redis")"
  echo SHORTSTACK_NATS_URL="nats://$(zone_addr c):$NATS_PORT"
  echo SHORTSTACK_CLICKS_VISITOR_SECRET="$(secret "$W/secrets/visitor")"
  echo SHORTSTACK_SERVER_PUBLIC_URL="https://$(zone_addr vip)"
}

# start_app NAME serve|worker [BINARY]
start_app() {
  local name=$1 cmd=$2 bin=${3:-$BIN} d="$W/app-$1" z
  z=$(app_zone "$name")
  mkdir -p "$d"
  alive "$d/pid" && return 0
  local a admin args
  a=$(zone_addr "$z")
  if [ "$cmd" = serve ]; then
    admin=$(app_admin_port "$name")
    args=(--listen "$a:$(app_port "$name")")
  else
    admin=9181
  fi
  args+=(--config "$ROOT/deploy/stages/stage$STAGE.toml" --admin-listen "$a:$admin" --data-dir "$d/data")
  mapfile -t envs < <(app_env "$z")
  nohup ip netns exec "ss-$z" env "${envs[@]}" "$bin" "$cmd" "${args[@]}" >>"$d/log" 2>&1 &
  echo $! >"$d/pid"
  echo "$a:$admin" >"$d/admin"
  for _ in $(seq 1 300); do
    in_zone "$z" curl -fs "http://$a:$admin/readyz" >/dev/null 2>&1 && return 0
    alive "$d/pid" || { echo "$name failed to start:" >&2; tail -5 "$d/log" >&2; return 1; }
    sleep 0.1
  done
  echo "$name did not become ready" >&2; return 1
}

stop_app() { stop_pidfile "$W/app-$1/pid" 60; }

start_apps() {
  local n z
  for n in $APP_INSTANCES; do start_app "$n" serve; done
  for z in $WORKER_ZONES; do start_app "${z}w" worker; done
}

stop_apps() {
  local n z
  # Serves first: their drain publishes the last click batches for the workers.
  for n in $APP_INSTANCES; do stop_app "$n" & done
  wait
  for z in $WORKER_ZONES; do stop_app "${z}w"; done
}
