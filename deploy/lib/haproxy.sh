# The load balancer, in its own namespace (ss-lb): TLS ends here with a certificate generated at
# start; :80 serves the same backends in plain HTTP for the load generator inside the deployment.
# Health checks on /readyz (so a draining instance leaves the rotation before it stops), leastconn,
# retries of requests that never reached an instance, and the Runtime API on a unix socket. Sourced.

haproxy_cert() {
  [ -f "$W/tls/lb.pem" ] && return 0
  mkdir -p "$W/tls"; chmod 700 "$W/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=shortstack-lb" \
    -addext "subjectAltName=IP:$(zone_addr lb)" -keyout "$W/tls/lb.key" -out "$W/tls/lb.crt" 2>/dev/null
  cat "$W/tls/lb.crt" "$W/tls/lb.key" >"$W/tls/lb.pem"
  chmod 600 "$W/tls/lb.pem" "$W/tls/lb.key"
}

haproxy_config() {
  local lb n; lb=$(zone_addr lb)
  {
    cat <<CFG
global
  stats socket $W/haproxy.sock mode 600 level admin
  pidfile $W/haproxy.pid
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
  bind $lb:443 ssl crt $W/tls/lb.pem alpn http/1.1
  http-request set-header X-Forwarded-Proto https
  default_backend app

frontend http
  bind $lb:80
  default_backend app

frontend stats
  bind $lb:8404
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
  } >"$W/haproxy.cfg"
}

start_haproxy() {
  alive "$W/haproxy.pid" && return 0
  haproxy_cert
  haproxy_config
  in_zone lb haproxy -f "$W/haproxy.cfg" -D
  wait_until 10 test -S "$W/haproxy.sock"
}

stop_haproxy() { stop_pidfile "$W/haproxy.pid" 10; }

# Runtime API: haproxy_api "set server app/a1 state drain"
haproxy_api() { echo "$*" | socat stdio "unix-connect:$W/haproxy.sock"; }

# Current sessions on one server (drain is done when this reaches 0).
haproxy_sessions() {
  haproxy_api "show stat" | awk -F, -v s="$1" '$1 == "app" && $2 == s {print $5}'
}
