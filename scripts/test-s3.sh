#!/usr/bin/env bash
# A throwaway S3-compatible object store for the tests: OpenStack Swift (account, container, object
# and proxy servers, one worker each) with s3api and tempauth, on 127.0.0.1 at free ports, its files
# under DIR. Takes about 7 s to start, so `make test` starts it once. `start` prints the endpoint;
# the credentials are fixed: access key "test:tester", secret "testing", region us-east-1.
# After ../shared/recipes/08-swift-s3.sh.
#
# Usage: scripts/test-s3.sh DIR {start|stop|endpoint}
set -euo pipefail
DIR=${1:?"usage: $0 DIR start|stop|endpoint"}
CMD=${2:-endpoint}
ETC="$DIR/etc"; SRV="$DIR/srv"
SERVERS="account container object proxy"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_of() { cat "$DIR/$1.port"; }
endpoint() { echo "http://127.0.0.1:$(port_of proxy)"; }

write_config() {
  [ -f "$ETC/proxy-server.conf" ] && return 0
  mkdir -p "$ETC" "$SRV/d1" "$DIR/log"
  local s
  for s in $SERVERS; do free_port >"$DIR/$s.port"; done
  cat >"$ETC/swift.conf" <<CONF
[swift-hash]
swift_hash_path_suffix = shortstacktest
swift_hash_path_prefix = shortstacktest
[storage-policy:0]
name = Policy-0
default = yes
CONF
  for s in account container object; do
    cat >"$ETC/$s-server.conf" <<CONF
[DEFAULT]
devices = $SRV
mount_check = false
bind_ip = 127.0.0.1
bind_port = $(port_of "$s")
workers = 0
user = swift
swift_dir = $ETC
log_level = WARNING
[pipeline:main]
pipeline = $s-server
[app:$s-server]
use = egg:swift#$s
[$s-replicator]
[$s-auditor]
CONF
  done
  cat >"$ETC/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $(port_of proxy)
workers = 0
user = swift
swift_dir = $ETC
log_level = WARNING
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin http://127.0.0.1:$(port_of proxy)/v1/AUTH_test
# s3api needs the cache middleware in the pipeline; with no memcached running it logs connection
# errors and works.
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:11211
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF
  (cd "$ETC"
   for s in account container object; do
     swift-ring-builder "$s.builder" create 8 1 1 >/dev/null
     swift-ring-builder "$s.builder" add "r1z1-127.0.0.1:$(port_of "$s")/d1" 100 >/dev/null
     swift-ring-builder "$s.builder" rebalance >/dev/null
   done)
  [ "$(id -u)" -eq 0 ] && chown -R swift:swift "$SRV" "$DIR/log"
  return 0
}

start() {
  write_config
  local s
  for s in $SERVERS; do
    alive "$DIR/$s.pid" && continue
    nohup "swift-$s-server" "$ETC/$s-server.conf" -v >>"$DIR/log/$s.log" 2>&1 &
    echo $! >"$DIR/$s.pid"
  done
  for s in $SERVERS; do
    for _ in $(seq 1 300); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$(port_of "$s")/healthcheck" && break; sleep 0.05; done
  done
  [ "$(curl -s -m 2 "$(endpoint)/healthcheck")" = OK ] || { echo "swift proxy not healthy" >&2; return 1; }
  endpoint
}

stop() {
  local s p
  for s in proxy object container account; do
    alive "$DIR/$s.pid" || { rm -f "$DIR/$s.pid"; continue; }
    p=$(cat "$DIR/$s.pid"); kill -TERM "$p"
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p"
    rm -f "$DIR/$s.pid"
  done
}

case "$CMD" in
  start) start ;;
  stop) stop ;;
  endpoint) endpoint ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
