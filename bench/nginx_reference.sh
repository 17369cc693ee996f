# The reference every redirect benchmark is a ratio against: nginx `return 302` (bench/nginx-302.conf.in).
# Sourced by bench/run.sh and bench/syscalls.sh, which define free_port and keep the PIDS array
# their exit trap ends.

# Starts it under `dir` on a free port. Sets NG_PORT, NG_MASTER and NG_PIDS (the master and its
# workers: their CPU is nginx's), and adds NG_PIDS to PIDS, since workers outlive a master killed -9.
start_nginx_reference() {
  local dir=$1
  NG_PORT=$(free_port)
  mkdir -p "$dir"
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$NG_PORT|g" bench/nginx-302.conf.in > "$dir/nginx.conf"
  nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/nginx-error.log"
  for _ in $(seq 1 400); do curl -s -o /dev/null "http://127.0.0.1:$NG_PORT/" && break; sleep 0.025; done
  NG_MASTER=$(cat "$dir/nginx.pid")
  NG_PIDS=($NG_MASTER $(pgrep -P "$NG_MASTER"))
  PIDS+=("${NG_PIDS[@]}")
}
