# A real Celery 5.2 worker (Debian's python3-celery, solo pool) consuming queue `celery` from the
# lab's RabbitMQ; tasks in lab/celery/tasks.py. Faults: worker-kill, queue-fill <n>.
#
# Queue depth and consumers come from rabbitmqctl (rabbitmq_queue_stats): the management API lags
# by seconds.

CELERY_QUEUE=celery
CELERY_FILL_MAX=100000

# The worker's PID: celery's own pid file, or the PID we started while it has not written it yet.
celery_pid() { pid_of_file "$LAB/celery/worker.pid" || pid_of_file "$LAB/celery/launcher.pid"; }

celery_consumers() {
  local stats
  stats=$(rabbitmq_queue_stats "$CELERY_QUEUE") || return 1
  echo "${stats#* }"
}

celery_has_consumer() { local n; n=$(celery_consumers) && [ "$n" -ge 1 ]; }

# celery_wait_consumer SECONDS: until the queue has a consumer; fails at once if the worker dies.
celery_wait_consumer() {
  local end=$((SECONDS + $1))
  while ((SECONDS < end)); do
    celery_has_consumer && return 0
    pid_alive "$(celery_pid)" || { echo "celery worker is not running" >&2; return 1; }
    sleep 0.25
  done
  return 1
}

celery_up() {
  local d=$LAB/celery
  # Celery refuses to start over a pid file whose PID still exists, and a SIGKILLed worker stays a
  # zombie for a second or two.
  pid_alive "$(celery_pid)" && { echo "a celery worker already runs (pid $(celery_pid))" >&2; return 1; }
  rm -f "$d/worker.pid" "$d/launcher.pid"
  (
    cd "$LAB_ROOT/celery" &&
      LAB_BROKER_URL="amqp://guest:guest@127.0.0.1:$RABBIT_PORT//" PYTHONDONTWRITEBYTECODE=1 \
        exec setsid "$SYS_PYTHON" -m celery -A tasks worker --pool=solo --concurrency=1 -Q "$CELERY_QUEUE" \
        -n "lab-worker@%h" --without-mingle --without-gossip --loglevel=INFO --pidfile="$d/worker.pid"
  ) >>"$d/worker.log" 2>&1 </dev/null &
  echo $! >"$d/launcher.pid"
  celery_wait_consumer 30 || { echo "celery worker did not start consuming $CELERY_QUEUE" >&2; log_tail "$d/worker.log"; return 1; }
}

celery_down() {
  local pid
  pid=$(celery_pid)
  if pid_alive "$pid"; then stop_pid "$pid" TERM 15 || return 1; fi
  rm -f "$LAB/celery/worker.pid" "$LAB/celery/launcher.pid"
}

celery_status() {
  local pid stats messages consumers
  pid=$(celery_pid)
  pid_alive "$pid" || { echo "worker pid ${pid:-none} not running"; return 1; }
  stats=$(rabbitmq_queue_stats "$CELERY_QUEUE") || { echo "pid $pid, queue $CELERY_QUEUE not readable (broker down?)"; return 1; }
  read -r messages consumers <<<"$stats"
  [ "$consumers" -ge 1 ] || { echo "pid $pid, queue $CELERY_QUEUE has $messages messages and no consumer"; return 1; }
  echo "pid $pid queue $CELERY_QUEUE messages $messages consumers $consumers"
}

fault_worker_kill() {
  local pid
  component_started celery || { echo "lab/fault: celery is not started" >&2; return 1; }
  pid=$(celery_pid)
  pid_alive "$pid" || { echo "celery worker already dead"; return 0; }
  kill -KILL "$pid"
  wait_until 10 eval '! pid_alive "$pid"' || { echo "worker pid $pid survived SIGKILL" >&2; return 1; }
  rm -f "$LAB/celery/worker.pid" "$LAB/celery/launcher.pid"
  # the broker sees the socket close at once; wait so the caller observes 0 consumers
  wait_until 10 eval '[ "$(celery_consumers)" = 0 ]'
  echo "celery worker pid $pid killed; queue $CELERY_QUEUE: $(rabbitmq_queue_stats "$CELERY_QUEUE" | awk '{print $1 " messages, " $2 " consumers"}')"
}

heal_worker_kill() {
  if pid_alive "$(celery_pid)"; then
    celery_wait_consumer 45 || { celery_status; return 1; }
  else
    celery_down && celery_up || return 1
  fi
  celery_status
}

# queue-fill N: publish N real tasks.add messages (1..100000).
fault_queue_fill() {
  local n=${1:-}
  if [ $# -ne 1 ] || ! [[ $n =~ ^[1-9][0-9]{0,5}$ ]] || ((n > CELERY_FILL_MAX)); then
    echo "lab/fault queue-fill: expected one message count 1..$CELERY_FILL_MAX, got '${*}'" >&2
    exit 2
  fi
  rabbitmq_status >/dev/null 2>&1 || { echo "lab/fault queue-fill: rabbitmq is not healthy" >&2; return 1; }
  ( cd "$LAB_ROOT/celery" &&
    LAB_BROKER_URL="amqp://guest:guest@127.0.0.1:$RABBIT_PORT//" lab_python fill.py "$n" ) || return 1
  echo "queue $CELERY_QUEUE: $(rabbitmq_queue_stats "$CELERY_QUEUE" | awk '{print $1 " messages, " $2 " consumers"}')"
}

heal_queue_fill() {
  local stats
  stats=$(rabbitmq_queue_stats "$CELERY_QUEUE") || {
    rabbitmq_status >/dev/null 2>&1 && { echo "no queue $CELERY_QUEUE, nothing to purge"; return 0; }
    echo "lab/heal queue-fill: rabbitmq is not healthy" >&2; return 1
  }
  if [ "${stats%% *}" != 0 ]; then
    rabbitmqctl_lab -q --timeout 30 purge_queue "$CELERY_QUEUE" >/dev/null || return 1
  fi
  # messages a worker holds unacknowledged are not purged; it acks them within moments
  wait_until 20 eval '[ "$(rabbitmq_queue_stats "$CELERY_QUEUE" | cut -d" " -f1)" = 0 ]' ||
    { echo "queue $CELERY_QUEUE still holds $(rabbitmq_queue_stats "$CELERY_QUEUE" | cut -d' ' -f1) messages" >&2; return 1; }
  echo "queue $CELERY_QUEUE purged: $(rabbitmq_queue_stats "$CELERY_QUEUE" | awk '{print $1 " messages, " $2 " consumers"}')"
}
