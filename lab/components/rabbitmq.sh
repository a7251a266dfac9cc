# RabbitMQ 3.10 on 127.0.0.1: AMQP :55672, management API :55673, as root on a private node.
# Fault: broker-stop-app.
#
# The node is private to the lab: its own node name, its own epmd (:54369, started in the
# foreground so we own its PID), dist port :55674 bound to loopback, and HOME (the Erlang cookie)
# in $LAB/rabbitmq/home. rabbitmqctl only reaches the node with the same HOME, node name and epmd
# port, so every CLI call goes through rabbitmqctl_lab, which sets the same env as the server.
# /usr/sbin/rabbitmq-server is never used: it su's to the rabbitmq user and logs to /var/log.

RABBIT_BIN=/usr/lib/rabbitmq/bin

# rabbitmq_env: export the server's and the CLI's shared env. Call it in a subshell only: it
# changes HOME.
rabbitmq_env() {
  local d=$LAB/rabbitmq
  export HOME=$d/home
  export RABBITMQ_CONF_ENV_FILE=$d/rabbitmq-env.conf   # empty: ignore /etc/rabbitmq/rabbitmq-env.conf
  export RABBITMQ_NODENAME=rabbit_lab@localhost
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$RABBIT_PORT
  export RABBITMQ_DIST_PORT=$RABBIT_DIST_PORT           # default NODE_PORT+20000 = 75672 is invalid
  export ERL_EPMD_PORT=$RABBIT_EPMD_PORT
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_CONFIG_FILE=$d/rabbitmq.conf
  export RABBITMQ_ENABLED_PLUGINS_FILE=$d/enabled_plugins
  export RABBITMQ_MNESIA_BASE=$d/mnesia
  export RABBITMQ_LOG_BASE=$d/log
  export RABBITMQ_PID_FILE=$d/rabbit.pid
  # without it the dist port listens on 0.0.0.0
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

# rabbitmqctl_lab ARGS...: rabbitmqctl against the lab's node, killed after $RABBITMQCTL_DEADLINE
# seconds (default 60) so that a wedged node cannot hang a lab command.
rabbitmqctl_lab() {
  ( rabbitmq_env; cd "$LAB/rabbitmq" &&
    exec timeout -k 5 "${RABBITMQCTL_DEADLINE:-60}" "$RABBIT_BIN/rabbitmqctl" "$@" )
}

# rabbitmq_queue_stats QUEUE: "messages consumers" of a queue from rabbitmqctl, which is exact
# (the management API lags it by 1.5-5 s). Fails when the node does not answer or there is no such
# queue.
rabbitmq_queue_stats() {
  local out
  out=$(rabbitmqctl_lab -q --timeout 10 list_queues --no-table-headers name messages consumers 2>/dev/null) || return 1
  awk -v q="$1" -F'\t' '$1==q {print $2, $3; found=1} END {exit !found}' <<<"$out"
}

rabbitmq_mgmt_code() {
  curl -s -o /dev/null -m 3 -w '%{http_code}' -u guest:guest "http://127.0.0.1:$RABBIT_MGMT_PORT/api/overview"
}

rabbitmq_up() {
  local d=$LAB/rabbitmq p
  for p in "$RABBIT_PORT" "$RABBIT_MGMT_PORT" "$RABBIT_DIST_PORT" "$RABBIT_EPMD_PORT"; do
    require_port_free "$p" rabbitmq
  done
  mkdir -p "$d/home" "$d/mnesia" "$d/log"
  : >"$d/rabbitmq-env.conf"
  cat >"$d/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$RABBIT_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBIT_MGMT_PORT
log.file.level = info
log.console = false
collect_statistics_interval = 1000
CONF
  echo '[rabbitmq_management].' >"$d/enabled_plugins"

  setsid epmd -port "$RABBIT_EPMD_PORT" -address 127.0.0.1 >"$d/log/epmd.out" 2>&1 </dev/null &
  echo $! >"$d/epmd.pid"
  wait_port_open "$RABBIT_EPMD_PORT" 5 || { echo "epmd did not listen on $RABBIT_EPMD_PORT" >&2; return 1; }

  # The launcher is a sh script that runs the beam as its child and forwards SIGTERM to it; the beam
  # writes its own PID to rabbit.pid.
  ( rabbitmq_env; cd "$d" && exec setsid "$RABBIT_BIN/rabbitmq-server" ) >"$d/log/server.out" 2>&1 </dev/null &
  echo $! >"$d/launcher.pid"

  # `rabbitmqctl wait PIDFILE` blocks until the node has booted (apps and plugins), but it would
  # wait out its whole timeout if the server died before writing the pid file; so wait in the
  # background and give up as soon as the launcher is gone.
  rabbitmqctl_lab -q --timeout 60 wait "$d/rabbit.pid" >"$d/log/wait.out" 2>&1 &
  local waiter=$!
  while pid_alive "$waiter"; do
    if ! pid_alive "$(pid_of_file "$d/launcher.pid")"; then
      kill "$waiter" 2>/dev/null; wait "$waiter" 2>/dev/null
      echo "rabbitmq-server exited during boot" >&2; log_tail "$d/log/server.out"; return 1
    fi
    sleep 0.2
  done
  wait "$waiter" || { cat "$d/log/wait.out" >&2; return 1; }
  wait_port_open "$RABBIT_MGMT_PORT" 10
}

rabbitmq_down() {
  local d=$LAB/rabbitmq beam launcher child rc=0
  beam=$(pid_of_file "$d/rabbit.pid")
  launcher=$(pid_of_file "$d/launcher.pid")
  if pid_alive "$beam"; then
    # waits for the beam to exit (~7.6 s)
    RABBITMQCTL_DEADLINE=30 rabbitmqctl_lab -q stop "$d/rabbit.pid" >/dev/null 2>&1 || true
    stop_pid "$beam" KILL 5 || rc=1
  elif pid_alive "$launcher"; then
    # half-started: no pid file yet; the launcher forwards SIGTERM to the beam, its child
    for child in $(ps -o pid= --ppid "$launcher" 2>/dev/null); do stop_pid "$child" TERM 10 || rc=1; done
  fi
  stop_pid "$launcher" TERM 5 || rc=1
  stop_pidfile "$d/epmd.pid" TERM 5 || rc=1
  [ $rc = 0 ] || return 1
  wait_port_free "$RABBIT_PORT" 10 && wait_port_free "$RABBIT_EPMD_PORT" 10
}

rabbitmq_status() {
  local pid code
  pid=$(pid_of_file "$LAB/rabbitmq/rabbit.pid")
  pid_alive "$pid" || { echo "beam pid ${pid:-none} not running"; return 1; }
  rabbitmqctl_lab -q --timeout 5 ping >/dev/null 2>&1 || { echo "pid $pid, rabbitmqctl ping fails"; return 1; }
  code=$(rabbitmq_mgmt_code)
  [ "$code" = 200 ] || { echo "pid $pid, ping ok, management API answers ${code:-nothing} (app stopped?)"; return 1; }
  echo "pid $pid amqp $RABBIT_PORT mgmt $RABBIT_MGMT_PORT"
}

fault_broker_stop_app() {
  local pid
  pid=$(pid_of_file "$LAB/rabbitmq/rabbit.pid")
  pid_alive "$pid" || { echo "lab/fault: rabbitmq is not running" >&2; return 1; }
  rabbitmqctl_lab -q --timeout 30 stop_app || return 1
  echo "rabbitmq app stopped (node pid $pid still up, AMQP port $RABBIT_PORT closed)"
}

heal_broker_stop_app() {
  if ! rabbitmq_status >/dev/null 2>&1; then
    rabbitmqctl_lab -q --timeout 30 start_app || return 1
    wait_port_open "$RABBIT_PORT" 20 || { echo "AMQP port $RABBIT_PORT did not open" >&2; return 1; }
    wait_until 20 rabbitmq_status || { rabbitmq_status; return 1; }
  fi
  if component_started celery && pid_alive "$(celery_pid)"; then
    # The worker reconnects on its own, backing off 2, 4, 6 ... s between attempts.
    celery_wait_consumer 45 || { echo "celery worker did not consume again" >&2; return 1; }
  fi
  rabbitmq_status
}
