#!/usr/bin/env bash
# Availability zones on one machine: network namespaces joined by one bridge (which lives in its own
# namespace, so the host gets no address on it and nothing here is reachable from outside).
#
#   ss-a   10.78.1.1   zone a: app instances, a database node, a worker
#   ss-b   10.78.2.1   zone b: the same
#   ss-c   10.78.3.1   zone c: the small quorum zone (etcd, a Redis sentinel)
#   ss-lb1 10.78.8.1   a load balancer (HAProxy + keepalived)
#   ss-lb2 10.78.8.2   the other one; the virtual IP 10.78.8.100 (`addr vip`) lives on one of them
#   ss-cl  10.78.9.1   clients: the load generator and the drills' checks
#
# Usage: deploy/zones.sh {up|down|cut ZONE|heal ZONE|addr ZONE|run ZONE CMD...}
#   cut/heal ZONE   take a zone's link off the bridge / put it back (its processes keep running)
set -euo pipefail
PREFIX=${SS_NET_PREFIX:-10.78}
BRIDGE_NS=ss-br
ZONES="a b c lb1 lb2 cl"

addr() {
  case $1 in a) echo "$PREFIX.1.1";; b) echo "$PREFIX.2.1";; c) echo "$PREFIX.3.1";;
    lb1) echo "$PREFIX.8.1";; lb2) echo "$PREFIX.8.2";; vip) echo "$PREFIX.8.100";;
    cl) echo "$PREFIX.9.1";; *) echo "unknown zone $1" >&2; return 1;; esac
}
exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

up() {
  exists $BRIDGE_NS || ip netns add $BRIDGE_NS
  ip -n $BRIDGE_NS link set lo up
  ip -n $BRIDGE_NS link show br0 >/dev/null 2>&1 || ip -n $BRIDGE_NS link add br0 type bridge
  ip -n $BRIDGE_NS link set br0 up
  for z in $ZONES; do
    local ns=ss-$z
    exists "$ns" || ip netns add "$ns"
    ip -n "$ns" link set lo up
    if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then
      ip -n $BRIDGE_NS link add "v-$z" type veth peer name eth0 netns "$ns"
      ip -n $BRIDGE_NS link set "v-$z" master br0
      ip -n "$ns" addr add "$(addr "$z")/16" dev eth0
    fi
    ip -n $BRIDGE_NS link set "v-$z" up
    ip -n "$ns" link set eth0 up
  done
}

down() {
  local left=0
  for z in $ZONES; do
    local ns=ss-$z
    exists "$ns" || continue
    # Deleting a namespace with processes inside leaves them running without a network: refuse.
    if [ -n "$(ip netns pids "$ns")" ]; then
      echo "zones: $ns still has processes: $(ip netns pids "$ns" | tr '\n' ' ')" >&2
      left=1
      continue
    fi
    ip netns del "$ns"
  done
  [ $left = 0 ] && { exists $BRIDGE_NS && ip netns del $BRIDGE_NS || true; }
  return $left
}

case ${1:-} in
  up) up;;
  down) down;;
  cut) ip -n $BRIDGE_NS link set "v-${2:?zone}" down;;
  heal) ip -n $BRIDGE_NS link set "v-${2:?zone}" up;;
  addr) addr "${2:?zone}";;
  run) z=${2:?zone}; shift 2; exec ip netns exec "ss-$z" "$@";;
  *) echo "usage: $0 {up|down|cut ZONE|heal ZONE|addr ZONE|run ZONE CMD...}" >&2; exit 2;;
esac
