# Helpers shared by deploy/stage and the drills. Sourced, not run.

# A stopped daemon stays a zombie until init reaps it, and kill -0 still succeeds on a zombie.
pid_alive() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) && [ -n "$s" ] && [ "$s" != Z ]; }
alive() { [ -f "$1" ] && pid_alive "$(cat "$1")"; }
in_zone() { local z=$1; shift; ip netns exec "ss-$z" "$@"; }
zone_addr() { deploy/zones.sh addr "$1"; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }  # execs: $! is the daemon

# wait_until SECONDS CMD...: polls CMD every 0.1 s.
wait_until() {
  local t=$1; shift
  for _ in $(seq 1 $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# stop_pidfile FILE [SECONDS]: SIGTERM, wait, then SIGKILL.
stop_pidfile() {
  local f=$1 t=${2:-30} p
  alive "$f" || { rm -f "$f"; return 0; }
  p=$(cat "$f"); kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 $((t * 10))); do pid_alive "$p" || break; sleep 0.1; done
  pid_alive "$p" && kill -KILL "$p" 2>/dev/null || true
  rm -f "$f"
}

secret() { # secret FILE: a random secret kept in FILE (mode 600), created once
  [ -f "$1" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$1")
  cat "$1"
}
