# Prometheus in zone c, scraping every instance's and worker's admin /metrics, both HAProxies'
# exporters and the Patroni nodes (the read replicas' too at stage 5), every 2 s. Sourced.
PROMETHEUS_PORT=9090

prometheus_config() {
  local targets=() patroni=() n z
  for n in $APP_INSTANCES; do targets+=("\"$(zone_addr "$(app_zone "$n")"):$(app_admin_port "$n")\""); done
  for z in a b; do patroni+=("\"$(zone_addr $z):$PATRONI_REST_PORT\""); done
  if [ "$STAGE" -ge 5 ]; then
    while read -r n z; do patroni+=("\"$(zone_addr "$z"):$PATRONI_REPLICA_REST_PORT\""); done <<<"$PG_REPLICA_NODES"
  fi
  {
    echo "global: {scrape_interval: 2s, evaluation_interval: 2s}"
    echo "scrape_configs:"
    echo "  - job_name: serve"
    echo "    static_configs: [{targets: [$(IFS=,; echo "${targets[*]}")]}]"
    echo "  - job_name: worker"
    echo "    static_configs: [{targets: [\"$(zone_addr a):9181\", \"$(zone_addr b):9181\"]}]"
    echo "  - job_name: haproxy"
    echo "    static_configs: [{targets: [\"$(zone_addr lb1):8404\", \"$(zone_addr lb2):8404\"]}]"
    echo "  - job_name: patroni"
    echo "    static_configs: [{targets: [$(IFS=,; echo "${patroni[*]}")]}]"
  } >"$W/prometheus.yml"
}

start_prometheus() {
  alive "$W/prometheus.pid" && return 0
  mkdir -p "$W/prometheus"
  prometheus_config
  nohup ip netns exec ss-c prometheus --config.file="$W/prometheus.yml" --storage.tsdb.path="$W/prometheus" \
    --storage.tsdb.retention.time=1d --web.listen-address="$(zone_addr c):$PROMETHEUS_PORT" >"$W/prometheus.log" 2>&1 &
  echo $! >"$W/prometheus.pid"
  wait_until 20 in_zone c curl -fs "http://$(zone_addr c):$PROMETHEUS_PORT/-/ready"
}

stop_prometheus() { stop_pidfile "$W/prometheus.pid" 10; }

# How many scrape targets there are: 4 instances, 2 workers, 2 HAProxies, the Patroni nodes.
prometheus_targets() { if [ "$STAGE" -ge 5 ]; then echo 12; else echo 10; fi; }

# How many scrape targets Prometheus sees up (the drills check all are).
prometheus_targets_up() {
  in_zone c curl -s "http://$(zone_addr c):$PROMETHEUS_PORT/api/v1/query?query=sum(up)" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)'
}
