# Redis (zone a) and NATS JetStream (zone c) for the zoned stages. Sourced.
# Not yet redundant: a Redis replica with sentinels is stage 4's next step (docs/OPERATIONS.md).
REDIS_PORT=6379
NATS_PORT=4222

start_redis() {
  alive "$W/redis.pid" && return 0
  mkdir -p "$W/redis"
  cat >"$W/redis/redis.conf" <<CONF
bind $(zone_addr a)
port $REDIS_PORT
dir $W/redis
pidfile $W/redis.pid
logfile $W/redis/redis.log
daemonize yes
save ""
appendonly no
requirepass $(secret "$W/secrets/redis")
CONF
  chmod 600 "$W/redis/redis.conf"
  in_zone a redis-server "$W/redis/redis.conf"
  wait_until 10 in_zone a redis-cli -h "$(zone_addr a)" -p $REDIS_PORT --no-auth-warning -a "$(secret "$W/secrets/redis")" PING
}

start_nats() {
  alive "$W/nats.pid" && return 0
  mkdir -p "$W/nats"
  nohup ip netns exec ss-c nats-server -a "$(zone_addr c)" -p $NATS_PORT -js -sd "$W/nats" \
    -m 8222 >"$W/nats/nats.log" 2>&1 &
  echo $! >"$W/nats.pid"
  wait_until 10 in_zone c curl -fs "http://$(zone_addr c):8222/healthz?js-enabled-only=true"
}

stop_shared_tier() {
  stop_pidfile "$W/redis.pid" 10
  stop_pidfile "$W/nats.pid" 10
}
