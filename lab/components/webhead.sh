# The lab's web head (lab/webhead/webhead.py, Debian's python3) on 127.0.0.1:58080: the seed
# runbook's GET /services/heartbeat (databases through pgpool + a Celery task round trip through
# RabbitMQ) and DELETE /services/flush/{all,session,data} (memcached). Fault: webhead-kill.
#
# Its health is "it answers": status passes on any heartbeat code, 200 or 503, and shows it, because
# a 503 is the web head correctly reporting a broken dependency.

WEBHEAD_URL="http://127.0.0.1:$WEBHEAD_PORT"

webhead_heartbeat_code() {
  curl -s -o /dev/null -m 8 -w '%{http_code}' "$WEBHEAD_URL/services/heartbeat"
}

webhead_up() {
  local d=$LAB/webhead
  require_port_free "$WEBHEAD_PORT" webhead
  cat >"$d/webhead.ini" <<CONF
[webhead]
listen = 127.0.0.1:$WEBHEAD_PORT

[databases]
postgres = host=127.0.0.1 port=$PGPOOL_PORT dbname=postgres user=postgres
vigil = host=127.0.0.1 port=$PGPOOL_PORT dbname=vigil user=postgres

[queue]
broker_url = amqp://guest:guest@127.0.0.1:$RABBIT_PORT//
queue = celery
task = tasks.heartbeat

[memcached]
address = 127.0.0.1:$MEMCACHED_PORT

[timeouts]
db = 2.0
queue = 3.0
memcached = 2.0
CONF
  # a simple command, not the lab_python function, so that $! is python's own PID
  PYTHONDONTWRITEBYTECODE=1 setsid "$SYS_PYTHON" "$LAB_ROOT/webhead/webhead.py" --config "$d/webhead.ini" \
    >>"$d/webhead.log" 2>&1 </dev/null &
  echo $! >"$d/webhead.pid"
  wait_until 15 eval 'port_open "$WEBHEAD_PORT" || ! pid_alive "$(pid_of_file "$d/webhead.pid")"'
  pid_alive "$(pid_of_file "$d/webhead.pid")" || { echo "webhead exited" >&2; log_tail "$d/webhead.log"; return 1; }
  port_open "$WEBHEAD_PORT" || { echo "webhead does not listen on $WEBHEAD_PORT" >&2; return 1; }
}

webhead_down() {
  stop_pidfile "$LAB/webhead/webhead.pid" TERM 10 || return 1
  rm -f "$LAB/webhead/webhead.pid"
  wait_port_free "$WEBHEAD_PORT" 10
}

webhead_status() {
  local pid code
  pid=$(pid_of_file "$LAB/webhead/webhead.pid")
  pid_alive "$pid" || { echo "pid ${pid:-none} not running"; return 1; }
  code=$(webhead_heartbeat_code)
  case $code in
    000 | "") echo "pid $pid, $WEBHEAD_URL/services/heartbeat does not answer"; return 1 ;;
    200) echo "pid $pid port $WEBHEAD_PORT heartbeat 200" ;;
    *) echo "pid $pid port $WEBHEAD_PORT heartbeat $code (a dependency is down)" ;;
  esac
}

fault_webhead_kill() {
  local pid
  component_started webhead || { echo "lab/fault: webhead is not started" >&2; return 1; }
  pid=$(pid_of_file "$LAB/webhead/webhead.pid")
  pid_alive "$pid" || { echo "webhead already dead"; return 0; }
  kill -KILL "$pid"
  wait_until 10 eval '! pid_alive "$pid"' || { echo "webhead pid $pid survived SIGKILL" >&2; return 1; }
  echo "webhead pid $pid killed; port $WEBHEAD_PORT closed"
}

heal_webhead_kill() {
  webhead_status >/dev/null 2>&1 && { webhead_status; return 0; }
  webhead_down && webhead_up || return 1
  webhead_status
}
