# PostgreSQL under Patroni with etcd: etcd in zone c, one node in zone a and one in zone b, with
# synchronous replication (an acknowledged commit is on both nodes). At stage 5, one more node per
# zone is an asynchronous read replica (Patroni tags nofailover and nosync: it never becomes the
# primary or the synchronous standby, and Patroni re-points it at whichever node leads). Connections
# over TCP need a password, and only the app zones' addresses are let in; the client zone is
# refused. Sourced.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PG_PORT=5432
PATRONI_REST_PORT=8008
# The read replicas share their zone's address with the zone's first node, on the next ports.
PG_REPLICA_PORT=5433
PATRONI_REPLICA_REST_PORT=8009
PG_REPLICA_NODES="n3 a
n4 b"
ETCD_PORT=2379

start_etcd() {
  alive "$W/etcd.pid" && return 0
  mkdir -p "$W/etcd"
  local u="http://$(zone_addr c)"
  ETCDCTL_API=3 nohup ip netns exec ss-c etcd --name e1 --data-dir "$W/etcd" \
    --listen-client-urls "$u:$ETCD_PORT" --advertise-client-urls "$u:$ETCD_PORT" \
    --listen-peer-urls "$u:2380" --initial-advertise-peer-urls "$u:2380" \
    --initial-cluster "e1=$u:2380" >"$W/etcd.log" 2>&1 &
  echo $! >"$W/etcd.pid"
  wait_until 15 in_zone c env ETCDCTL_API=3 etcdctl --endpoints "$u:$ETCD_PORT" endpoint health \
    || { echo "etcd did not become healthy" >&2; return 1; }
}

patroni_config() { # patroni_config NODE ZONE [PG_PORT REST_PORT replica]
  local n=$1 z=$2 a; a=$(zone_addr "$2")
  local port=${3:-$PG_PORT} rest=${4:-$PATRONI_REST_PORT} tags="{}"
  [ "${5:-}" = replica ] && tags="{nofailover: true, nosync: true}"
  local d="$W/pg-$n"
  mkdir -p "$d"; chown postgres "$d"; chmod 700 "$d"
  local su_pw repl_pw; su_pw=$(secret "$W/secrets/pg-superuser"); repl_pw=$(secret "$W/secrets/pg-replication")
  cat >"$d/patroni.yml" <<YML
scope: shortstack
namespace: /service/
name: $n
log: {level: WARNING}
tags: $tags
restapi:
  listen: $a:$rest
  connect_address: $a:$rest
etcd3:
  hosts: $(zone_addr c):$ETCD_PORT
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_log_hints: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        password_encryption: scram-sha-256
  initdb:
  - encoding: UTF8
  - locale: C.UTF-8
  pg_hba:
  - local all all trust
  - host replication replicator $(zone_addr a)/32 scram-sha-256
  - host replication replicator $(zone_addr b)/32 scram-sha-256
  - host all postgres $(zone_addr a)/32 scram-sha-256
  - host all postgres $(zone_addr b)/32 scram-sha-256
  - host shortstack shortstack $(zone_addr a)/24 scram-sha-256
  - host shortstack shortstack $(zone_addr b)/24 scram-sha-256
postgresql:
  listen: $a:$port
  connect_address: $a:$port
  data_dir: $d/data
  bin_dir: $PGBIN
  pgpass: $d/pgpass
  authentication:
    superuser: {username: postgres, password: "$su_pw"}
    replication: {username: replicator, password: "$repl_pw"}
    rewind: {username: postgres, password: "$su_pw"}
  parameters:
    unix_socket_directories: $d
    shared_buffers: 32MB
watchdog:
  mode: "off"
YML
  chown postgres "$d/patroni.yml"; chmod 600 "$d/patroni.yml"
}

start_patroni() { # start_patroni NODE ZONE [PG_PORT REST_PORT replica]
  local n=$1 z=$2 d="$W/pg-$1"
  alive "$d/patroni.pid" && return 0
  patroni_config "$@"
  HOME="$d" nohup ip netns exec "ss-$z" setpriv --reuid=postgres --regid=postgres --init-groups \
    patroni "$d/patroni.yml" >>"$d/patroni.log" 2>&1 &
  echo $! >"$d/patroni.pid"
}

# The node Patroni's REST API calls primary: "n1 a" or "n2 b".
pg_leader() {
  local spec n z
  for spec in "n1 a" "n2 b"; do
    read -r n z <<<"$spec"
    [ "$(in_zone "$z" curl -s -o /dev/null -w '%{http_code}' -m 1 "http://$(zone_addr "$z"):$PATRONI_REST_PORT/primary")" = 200 ] \
      && { echo "$spec"; return 0; }
  done
  return 1
}

pg_has_sync_standby() {
  in_zone c env HOME="$W" patronictl -c "$W/pg-n1/patroni.yml" list -f json 2>/dev/null | grep -q '"Sync Standby"'
}

# Creates the application's role and database once, on the leader (through its socket, as postgres).
pg_create_app_db() {
  local n z; read -r n z < <(pg_leader)
  local pw; pw=$(secret "$W/secrets/pg-shortstack")
  local psql=(ip netns exec "ss-$z" setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/psql" -X -q -h "$W/pg-$n" -U postgres)
  "${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'shortstack'" | grep -q 1 ||
    "${psql[@]}" -c "CREATE ROLE shortstack LOGIN PASSWORD '$pw'"
  "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = 'shortstack'" | grep -q 1 ||
    "${psql[@]}" -c "CREATE DATABASE shortstack OWNER shortstack"
  # PgBouncer drops the app's startup options: the server-side timeout lives on the role instead
  # (postgres.statement_timeout_ms).
  "${psql[@]}" -c "ALTER ROLE shortstack SET statement_timeout = '2s'" >/dev/null
}

# libpq tries both nodes' bouncers and keeps the one whose node accepts writes: this is how the app
# follows a failover.
pg_app_url() {
  echo "postgresql://shortstack:$(secret "$W/secrets/pg-shortstack")@$(zone_addr a):$(bouncer_port $PG_PORT),$(zone_addr b):$(bouncer_port $PG_PORT)/shortstack?target_session_attrs=read-write&connect_timeout=2"
}

start_postgres_ha() {
  start_etcd
  start_patroni n1 a
  start_patroni n2 b
  wait_until 90 pg_leader || { echo "no PostgreSQL leader elected" >&2; return 1; }
  # With synchronous_mode only the node marked Sync Standby may be promoted: a failover drill
  # started before the mark would (rightly) not fail over.
  wait_until 90 pg_has_sync_standby || { echo "no synchronous standby" >&2; return 1; }
  pg_create_app_db
}

# The read replicas' URLs for postgres.replicas ("ZONE=URL,ZONE=URL"): each one node, no failover.
pg_replica_urls() {
  local n z out=()
  while read -r n z; do
    out+=("$z=postgresql://shortstack:$(secret "$W/secrets/pg-shortstack")@$(zone_addr "$z"):$(bouncer_port $PG_REPLICA_PORT)/shortstack?connect_timeout=2")
  done <<<"$PG_REPLICA_NODES"
  (IFS=,; echo "${out[*]}")
}

pg_replica_streaming() { # pg_replica_streaming NODE: Patroni lists it as a streaming replica
  in_zone c env HOME="$W" patronictl -c "$W/pg-n1/patroni.yml" list -f json 2>/dev/null |
    python3 -c 'import json,sys; sys.exit(0 if any(m["Member"]==sys.argv[1] and m["State"] in ("streaming","running") and m["Role"]=="Replica" for m in json.load(sys.stdin)) else 1)' "$1"
}

start_pg_replicas() {
  local n z
  while read -r n z; do start_patroni "$n" "$z" "$PG_REPLICA_PORT" "$PATRONI_REPLICA_REST_PORT" replica; done <<<"$PG_REPLICA_NODES"
  while read -r n z; do
    wait_until 120 pg_replica_streaming "$n" || { echo "read replica $n is not streaming" >&2; return 1; }
  done <<<"$PG_REPLICA_NODES"
}

stop_postgres_ha() {
  local n
  for n in n1 n2 n3 n4; do
    stop_pidfile "$W/pg-$n/patroni.pid" 60
    local pm="$W/pg-$n/data/postmaster.pid"  # a postgres left behind by a killed patroni
    [ -f "$pm" ] && pid_alive "$(head -1 "$pm")" && \
      as_postgres "$PGBIN/pg_ctl" -D "$W/pg-$n/data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  stop_pidfile "$W/etcd.pid" 10
}
