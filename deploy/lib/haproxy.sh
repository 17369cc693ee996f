# The load balancers: one HAProxy in each of the namespaces ss-lb1 and ss-lb2, configured alike.
# keepalived (deploy/lib/keepalived.sh) keeps the virtual IP on one of them; both listen on every
# address, so the one holding the VIP answers. TLS ends here with a certificate generated at start;
# :80 serves the same backends in plain HTTP for the load generator inside the deployment. Health
# checks on /readyz (so a draining instance leaves the rotation before it stops), leastconn, retries
# of requests that never reached an instance, and the Runtime API on a unix socket each. Sourced.
LB_ZONES="lb1 lb2"

haproxy_cert() {
  [ -f "$W/tls/lb.pem" ] && return 0
  mkdir -p "$W/tls"; chmod 700 "$W/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=shortstack-lb" \
    -addext "subjectAltName=IP:$(zone_addr vip),IP:$(zone_addr lb1),IP:$(zone_addr lb2)" \
    -keyout "$W/tls/lb.key" -out "$W/tls/lb.crt" 2>/dev/null
  cat "$W/tls/lb.crt" "$W/tls/lb.key" >"$W/tls/lb.pem"
  chmod 600 "$W/tls/lb.pem" "$W/tls/lb.key"
}

haproxy_config() { # haproxy_config LB_ZONE
  local z=$1 n
  {
    cat <<CFG
global
  stats socket $W/haproxy-$z.sock mode 600 level admin
  pidfile $W/haproxy-$z.pid
  maxconn 8000

defaults
  mode http
  # Short enough that an instance in a zone that just vanished costs a request half a second (a
  # connect that is not answered), not the client's patience; an answer takes at most
  # postgres.timeout_ms (3 s) plus margin, so 5 s of server silence means it is gone.
  timeout connect 500ms
  timeout check 500ms
  timeout client 30s
  timeout server 5s
  timeout http-keep-alive 10s
  option http-keep-alive
  # A request that never reached an instance (refused, reset before any answer) is sent to another:
  # this is what hides an instance's sudden death from clients, for every method.
  retries 2
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend https
  bind :443 ssl crt $W/tls/lb.pem alpn http/1.1
  http-request set-header X-Forwarded-Proto https
  default_backend app

frontend http
  bind :80
  default_backend app

frontend stats
  bind $(zone_addr "$z"):8404
  http-request use-service prometheus-exporter if { path /metrics }

backend app
  balance leastconn
  # A redirect is answered in microseconds, or within the store's deadline on a cache miss: after
  # 2 s of silence its instance is gone (a zone cut leaves no RST), so ask another. Requests that
  # change something are never replayed once sent (a creation could be made twice); they are only
  # retried when the connection itself failed, which the connection-level retries above do.
  http-request set-timeout server 2s if { method GET HEAD } !{ path_beg /api/ }
  http-request disable-l7-retry unless { method GET HEAD }
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fastinter 250ms fall 2 rise 2
CFG
    for n in $APP_INSTANCES; do
      echo "  server $n $(zone_addr "$(app_zone "$n")"):$(app_port "$n") check port $(app_admin_port "$n")"
    done
  } >"$W/haproxy-$z.cfg"
}

start_haproxy() {
  haproxy_cert
  local z
  for z in $LB_ZONES; do
    alive "$W/haproxy-$z.pid" && continue
    haproxy_config "$z"
    in_zone "$z" haproxy -f "$W/haproxy-$z.cfg" -D
    wait_until 10 test -S "$W/haproxy-$z.sock"
  done
}

stop_haproxy() {
  local z
  for z in $LB_ZONES; do stop_pidfile "$W/haproxy-$z.pid" 10; done
  rm -rf "$W/tls"  # a certificate lives as long as the stage: the next `up` makes a new one
}

# Runtime API, on every load balancer: haproxy_api "set server app/a1 state drain"
haproxy_api() {
  local z
  for z in $LB_ZONES; do
    [ -S "$W/haproxy-$z.sock" ] && alive "$W/haproxy-$z.pid" && echo "$*" | socat stdio "unix-connect:$W/haproxy-$z.sock"
  done
}

# Current sessions on one server, summed over the load balancers (drain is done at 0).
haproxy_sessions() {
  haproxy_api "show stat" | awk -F, -v s="$1" '$1 == "app" && $2 == s {n += $5} END {print n + 0}'
}

haproxy_drained() { [ "$(haproxy_sessions "$1")" = 0 ]; }

# True when every running load balancer has the server UP.
haproxy_server_up() {
  local z
  for z in $LB_ZONES; do
    alive "$W/haproxy-$z.pid" || continue
    echo "show stat" | socat stdio "unix-connect:$W/haproxy-$z.sock" | grep -q "^app,$1,.*,UP," || return 1
  done
}
