# Two load balancers, one virtual IP: keepalived (VRRP v3, adverts every 200 ms) in ss-lb1 and ss-lb2
# keeps 10.78.8.100 on the one whose HAProxy is alive. Both start as BACKUP without preemption, so a
# recovered load balancer does not take the address back and break connections a second time.
# Sourced.

keepalived_config() { # keepalived_config LB_ZONE PRIORITY
  local z=$1 prio=$2
  # keepalived runs check scripts only if no one but root can change them.
  cat >"$W/check-haproxy-$z.sh" <<CHECK
#!/bin/sh
kill -0 "\$(cat $W/haproxy-$z.pid)" 2>/dev/null
CHECK
  chmod 700 "$W/check-haproxy-$z.sh"
  cat >"$W/keepalived-$z.conf" <<CONF
global_defs {
  router_id $z
  vrrp_version 3
  enable_script_security
  script_user root
}
vrrp_script haproxy_alive {
  script "$W/check-haproxy-$z.sh"
  interval 1
  fall 1
  rise 2
}
vrrp_instance shortstack_lb {
  state BACKUP
  nopreempt
  interface eth0
  virtual_router_id 78
  priority $prio
  advert_int 0.2
  virtual_ipaddress {
    $(zone_addr vip)/16 dev eth0
  }
  track_script {
    haproxy_alive
  }
}
CONF
}

start_keepalived() {
  local z prio=110
  for z in $LB_ZONES; do
    alive "$W/keepalived-$z.pid" || {
      keepalived_config "$z" $prio
      nohup ip netns exec "ss-$z" keepalived -n -l -f "$W/keepalived-$z.conf" -p "$W/keepalived-$z.own.pid" \
        -r "$W/keepalived-$z-vrrp.pid" -c "$W/keepalived-$z-checkers.pid" >"$W/keepalived-$z.log" 2>&1 &
      echo $! >"$W/keepalived-$z.pid"
    }
    prio=$((prio - 10))
  done
  wait_until 15 vip_holder || { echo "no load balancer took the virtual IP" >&2; return 1; }
}

stop_keepalived() {
  local z
  for z in $LB_ZONES; do stop_pidfile "$W/keepalived-$z.pid" 10; done
}

# The load balancer zone holding the virtual IP now.
vip_holder() {
  local z
  for z in $LB_ZONES; do
    ip -n "ss-$z" -4 addr show dev eth0 2>/dev/null | grep -q "inet $(zone_addr vip)/" && { echo "$z"; return 0; }
  done
  return 1
}
