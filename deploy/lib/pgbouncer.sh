# PgBouncer (transaction pooling) beside every PostgreSQL node, on the node's address at its port
# + 1000 (6432 for n1/n2, 6433 for the read replicas). The app reaches the database only through
# them: its URL names the bouncers of n1 and n2 with target_session_attrs=read-write, and libpq's
# check (SHOW transaction_read_only) passes through to the node behind, so a failover is followed
# as without PgBouncer. A bouncer fronts one node only and never moves: when its node dies, it
# has no server to hand out and libpq moves on to the next host.
#
# Only the app zones may log in (auth_hba_file, as pg_hba on the nodes). Clients log in with SCRAM against the role's own verifier (copied from pg_authid into the
# bouncer's auth_file), and the bouncer logs in to PostgreSQL with the same SCRAM exchange: no
# password is stored in clear. PgBouncer drops startup options, so statement_timeout is set on the
# role (pg_create_app_db). Sourced.
BOUNCER_PORT_OFFSET=1000

bouncer_port() { echo $(( $1 + BOUNCER_PORT_OFFSET )); }  # bouncer_port PG_PORT

# The nodes of this stage, one "NODE ZONE PG_PORT" per line.
pg_nodes() {
  printf 'n1 a %s\nn2 b %s\n' "$PG_PORT" "$PG_PORT"
  if [ "${STAGE:-4}" -ge 5 ]; then
    while read -r n z; do echo "$n $z $PG_REPLICA_PORT"; done <<<"$PG_REPLICA_NODES"
  fi
}

pg_app_scram_verifier() {
  local n z; read -r n z < <(pg_leader)
  ip netns exec "ss-$z" setpriv --reuid=postgres --regid=postgres --init-groups "$PGBIN/psql" -X -qAt -h "$W/pg-$n" \
    -U postgres -c "SELECT rolpassword FROM pg_authid WHERE rolname = 'shortstack'"
}

start_pgbouncer() { # start_pgbouncer NODE ZONE PG_PORT VERIFIER
  local n=$1 z=$2 port=$3 verifier=$4 d="$W/bouncer-$1" a; a=$(zone_addr "$2")
  alive "$d/pgbouncer.pid" && return 0
  mkdir -p "$d"; chown postgres "$d"; chmod 700 "$d"
  echo "\"shortstack\" \"$verifier\"" >"$d/userlist.txt"
  # As PostgreSQL's pg_hba: the app zones only; the client zone is refused.
  printf 'host shortstack shortstack %s.0/24 scram-sha-256\n' "$(zone_addr a | cut -d. -f1-3)" "$(zone_addr b | cut -d. -f1-3)" >"$d/hba.conf"
  cat >"$d/pgbouncer.ini" <<INI
[databases]
shortstack = host=$a port=$port dbname=shortstack
[pgbouncer]
listen_addr = $a
listen_port = $(bouncer_port "$port")
unix_socket_dir = $d
auth_type = hba
auth_hba_file = $d/hba.conf
auth_file = $d/userlist.txt
pool_mode = transaction
default_pool_size = 40
max_client_conn = 1000
server_connect_timeout = 2
server_login_retry = 1
query_wait_timeout = 5
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
logfile = $d/pgbouncer.log
pidfile = $d/pgbouncer.pid
INI
  chown postgres "$d"/*; chmod 600 "$d/userlist.txt" "$d/hba.conf"
  ip netns exec "ss-$z" setpriv --reuid=postgres --regid=postgres --init-groups pgbouncer -d "$d/pgbouncer.ini"
  wait_until 10 alive "$d/pgbouncer.pid" || { echo "PgBouncer for $n did not start" >&2; return 1; }
}

start_pgbouncers() {
  local verifier n z port
  verifier=$(pg_app_scram_verifier)
  [[ $verifier == SCRAM-SHA-256* ]] || { echo "no SCRAM verifier for the app role" >&2; return 1; }
  while read -r n z port; do start_pgbouncer "$n" "$z" "$port" "$verifier"; done < <(pg_nodes)
}

stop_pgbouncers() {
  local n
  for n in n1 n2 n3 n4; do stop_pidfile "$W/bouncer-$n/pgbouncer.pid" 10; done
}
