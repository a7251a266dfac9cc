# Redis 7 on 127.0.0.1:56379, a Celery-on-Redis broker stand-in (the Failmap seed, 004): no
# persistence, no password. Fault: redis-stop. Backlogs are made by pushing to a list
# (redis_cli LPUSH celery ...), as Celery's Redis transport keeps a queue as a list of that name.
#
# Debian's /usr/bin/redis-server with a config of our own in $LAB/redis: never the packaged
# service or /etc/redis. `daemonize yes` writes the pid file once the server is set up.

redis_conf() { echo "$LAB/redis/redis.conf"; }

# redis_cli ARGS...: redis-cli against the lab's server, killed after 10 s.
redis_cli() { timeout -k 2 10 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

redis_up() {
  local d=$LAB/redis
  require_port_free "$REDIS_PORT" redis
  cat >"$(redis_conf)" <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $d/redis.pid
logfile $d/redis.log
dir $d
# no persistence: no RDB snapshots, no AOF, so stopping it never waits on a save
save ""
appendonly no
databases 16
CONF
  redis-server "$(redis_conf)" >>"$d/redis.out" 2>&1 </dev/null || { log_tail "$d/redis.log"; return 1; }
  wait_until 10 test -s "$d/redis.pid" || { echo "redis wrote no pid file" >&2; log_tail "$d/redis.log"; return 1; }
  wait_until 10 eval '[ "$(redis_cli ping 2>/dev/null)" = PONG ]' ||
    { echo "redis does not answer PING on $REDIS_PORT" >&2; log_tail "$d/redis.log"; return 1; }
}

redis_down() {
  local pid
  pid=$(pid_of_file "$LAB/redis/redis.pid") || return 0   # never started, or already gone
  # SIGTERM: redis closes its listener and exits (nothing to save with `save ""`)
  stop_pid "$pid" TERM 10 || return 1
  rm -f "$LAB/redis/redis.pid"
  wait_port_free "$REDIS_PORT" 10
}

redis_status() {
  local pid keys
  pid=$(pid_of_file "$LAB/redis/redis.pid")
  pid_alive "$pid" || { echo "pid ${pid:-none} not running"; return 1; }
  [ "$(redis_cli ping 2>/dev/null)" = PONG ] || { echo "pid $pid, port $REDIS_PORT does not answer PING"; return 1; }
  keys=$(redis_cli dbsize 2>/dev/null)
  echo "pid $pid port $REDIS_PORT keys ${keys:-?}"
}

fault_redis_stop() { redis_down && echo "redis stopped"; }
heal_redis_stop() {
  redis_status >/dev/null 2>&1 && { echo "redis already up"; return 0; }
  redis_down && redis_up && redis_status
}
