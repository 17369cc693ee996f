# Redis and NATS JetStream for the zoned stages. Sourced.
#   Redis: primary in zone a, replica in zone b, a sentinel in each of a, b and c (quorum 2), so
#   either app zone can be lost and the other keeps a writable Redis within about 2 s.
#   NATS: one JetStream server in zone c (a clustered NATS is future work: docs/OPERATIONS.md).
REDIS_PORT=6379
SENTINEL_PORT=26379
NATS_PORT=4222

redis_cli() { # redis_cli ZONE PORT ARGS...
  local z=$1 p=$2; shift 2
  in_zone "$z" redis-cli -h "$(zone_addr "$z")" -p "$p" --no-auth-warning -a "$(secret "$W/secrets/redis")" "$@"
}

start_redis_node() { # start_redis_node ZONE [PRIMARY_ADDR]
  local z=$1 primary=${2:-} d="$W/redis-$1"
  alive "$d/redis.pid" && return 0
  mkdir -p "$d"
  local pw; pw=$(secret "$W/secrets/redis")
  {
    echo "bind $(zone_addr "$z")"
    echo "port $REDIS_PORT"
    echo "dir $d"
    echo "pidfile $d/redis.pid"
    echo "logfile $d/redis.log"
    echo "daemonize yes"
    echo 'save ""'
    echo "appendonly no"
    echo "requirepass $pw"
    echo "masterauth $pw"
    [ -n "$primary" ] && echo "replicaof $primary $REDIS_PORT"
  } >"$d/redis.conf"
  chmod 600 "$d/redis.conf"
  in_zone "$z" redis-server "$d/redis.conf"
  wait_until 10 redis_cli "$z" $REDIS_PORT PING
}

start_sentinel() { # start_sentinel ZONE
  local z=$1 d="$W/sentinel-$1"
  alive "$d/sentinel.pid" && return 0
  mkdir -p "$d"
  # Sentinel rewrites its own file as it learns the topology: written once, kept afterwards.
  [ -f "$d/sentinel.conf" ] || cat >"$d/sentinel.conf" <<CONF
bind $(zone_addr "$z")
port $SENTINEL_PORT
dir $d
pidfile $d/sentinel.pid
logfile $d/sentinel.log
daemonize yes
sentinel monitor shortstack $(zone_addr a) $REDIS_PORT 2
sentinel auth-pass shortstack $(secret "$W/secrets/redis")
sentinel down-after-milliseconds shortstack 1000
sentinel failover-timeout shortstack 5000
CONF
  chmod 600 "$d/sentinel.conf"
  in_zone "$z" redis-sentinel "$d/sentinel.conf"
}

# Sentinels must know each other and the replica before a failover can happen.
sentinels_ready() {
  local info; info=$(in_zone c redis-cli -h "$(zone_addr c)" -p $SENTINEL_PORT SENTINEL master shortstack 2>/dev/null | tr '\n' ' ')
  grep -q "num-other-sentinels 2" <<<"$info" && grep -q "num-slaves 1" <<<"$info"
}

# The zone of the current Redis primary, as the sentinels see it.
redis_primary_zone() {
  local addr; addr=$(in_zone c redis-cli -h "$(zone_addr c)" -p $SENTINEL_PORT SENTINEL get-master-addr-by-name shortstack | head -1)
  case $addr in "$(zone_addr a)") echo a;; "$(zone_addr b)") echo b;; *) return 1;; esac
}

start_redis() {
  start_redis_node a
  start_redis_node b "$(zone_addr a)"
  local z
  for z in a b c; do start_sentinel "$z"; done
  wait_until 30 sentinels_ready || { echo "Redis sentinels did not converge" >&2; return 1; }
}

redis_sentinels() { echo "$(zone_addr a):$SENTINEL_PORT,$(zone_addr b):$SENTINEL_PORT,$(zone_addr c):$SENTINEL_PORT"; }

start_nats() {
  alive "$W/nats.pid" && return 0
  mkdir -p "$W/nats"
  nohup ip netns exec ss-c nats-server -a "$(zone_addr c)" -p $NATS_PORT -js -sd "$W/nats" \
    -m 8222 >"$W/nats/nats.log" 2>&1 &
  echo $! >"$W/nats.pid"
  wait_until 10 in_zone c curl -fs "http://$(zone_addr c):8222/healthz?js-enabled-only=true"
}

stop_shared_tier() {
  local z
  for z in a b c; do stop_pidfile "$W/sentinel-$z/sentinel.pid" 10; done
  for z in a b; do stop_pidfile "$W/redis-$z/redis.pid" 10; done
  stop_pidfile "$W/nats.pid" 10
}
