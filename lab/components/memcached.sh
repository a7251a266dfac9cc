# memcached 1.6 on 127.0.0.1:51211, 16 MiB. Fault: memcached-stop.

memcached_up() {
  local d=$LAB/memcached
  require_port_free "$MEMCACHED_PORT" memcached
  # -u drops to memcache *before* writing the -P pid file, so the dir must be memcache's.
  chown memcache:memcache "$d"
  memcached -d -u memcache -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 16 -c 256 -P "$d/memcached.pid" \
    >>"$d/memcached.log" 2>&1 || return 1
  wait_until 10 test -s "$d/memcached.pid" && wait_port_open "$MEMCACHED_PORT" 10
}

memcached_down() {
  local pid
  pid=$(pid_of_file "$LAB/memcached/memcached.pid") || return 0   # never started, or already gone
  stop_pid "$pid" TERM 10 || return 1
  wait_port_free "$MEMCACHED_PORT" 10   # memcached frees its port ~1 s after SIGTERM
}

# memcached_stats: "name value" lines of `stats`.
memcached_stats() {
  exec 3<>"/dev/tcp/127.0.0.1/$MEMCACHED_PORT" || return 1
  printf 'stats\r\n' >&3
  local line
  while IFS= read -r -t 2 line <&3; do
    line=${line%$'\r'}
    [ "$line" = END ] && break
    echo "${line#STAT }"
  done
  printf 'quit\r\n' >&3; exec 3<&-
}

memcached_status() {
  local pid items
  pid=$(pid_of_file "$LAB/memcached/memcached.pid")
  pid_alive "$pid" || { echo "pid ${pid:-none} not running"; return 1; }
  items=$(memcached_stats | awk '$1=="curr_items"{print $2}') || true
  [ -n "$items" ] || { echo "pid $pid, port $MEMCACHED_PORT not answering stats"; return 1; }
  echo "pid $pid port $MEMCACHED_PORT items $items"
}

fault_memcached_stop() { memcached_down && echo "memcached stopped"; }
heal_memcached_stop() {
  memcached_status >/dev/null 2>&1 && { echo "memcached already up"; return 0; }
  memcached_down; memcached_up && memcached_status
}
