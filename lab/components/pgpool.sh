# pgpool-II 4.3 on 127.0.0.1:59999 (PCP on :59898) in front of the postgres component's primary
# (node 0) and replica (node 1): streaming-replication mode, load balancing, a health check every
# second, and nothing that could promote or rewrite a node (no failover/failback commands, no
# auto_failback, no watchdog). PCP user pcpadmin; its password is in $LAB/pgpool/pcppass (0600):
#   PCPPASSFILE=$LAB/pgpool/pcppass pcp_node_info -h 127.0.0.1 -p 59898 -U pcpadmin -w -n 1
# Fault: pgpool-detach <node>; its heal attaches that node, or every detached node.

PGPOOL_PCP_USER=pcpadmin
PGPOOL_PCP_PASSWORD=pcpsecret   # a lab-only secret, also in pcppass
PGPOOL_DETACHED=.faults/pgpool-detach   # under $LAB: node ids detached by the fault, one a line

# pgpool_pcp COMMAND ARGS...: a pcp_* command against the lab's PCP port, never prompting.
pgpool_pcp() {
  local cmd=$1; shift
  PCPPASSFILE=$LAB/pgpool/pcppass timeout 10 "/usr/sbin/$cmd" -h 127.0.0.1 -p "$PCP_PORT" \
    -U "$PGPOOL_PCP_USER" -w "$@"
}

# SHOW POOL_NODES through pgpool: node_id|hostname|port|status|pg_status|lb_weight|role|...
pgpool_show_nodes() {
  PGCONNECT_TIMEOUT=3 timeout 10 "$PGBIN/psql" -h 127.0.0.1 -p "$PGPOOL_PORT" -U postgres -d postgres \
    -X -q -A -t -c "SHOW POOL_NODES"
}

# pgpool_node_code N: pgpool's status code for node N (1 waiting, 2 up, 3 down). pcp_node_info
# reports an invalid node id with ERROR on stderr and exit 0, so anything but a code is a failure.
pgpool_node_code() {
  local out code
  out=$(pgpool_pcp pcp_node_info -n "$1" 2>&1) || { echo "$out" >&2; return 1; }
  code=$(awk 'NR == 1 { print $3 }' <<<"$out")
  [[ $code =~ ^[0-9]$ ]] || { echo "$out" >&2; return 1; }
  echo "$code"
}
pgpool_node_is_down() { [ "$(pgpool_node_code "$1")" = 3 ]; }
pgpool_node_is_up() { [ "$(pgpool_node_code "$1")" = 2 ]; }
pgpool_node_is_up_or_waiting() { local c; c=$(pgpool_node_code "$1") && { [ "$c" = 1 ] || [ "$c" = 2 ]; }; }
pgpool_node_count() { pgpool_pcp pcp_node_count 2>/dev/null; }

# pgpool_pool_nodes_show N STATUS: SHOW POOL_NODES through pgpool reports node N with STATUS.
pgpool_pool_nodes_show() {
  pgpool_show_nodes 2>/dev/null | awk -F'|' -v n="$1" -v s="$2" '$1 == n && $4 == s { f = 1 } END { exit !f }'
}

# A node in state "waiting" turns "up" when the next client session starts.
pgpool_connect_until_up() {
  pgpool_show_nodes >/dev/null 2>&1
  pgpool_node_is_up "$1"
}

# pgpool runs and PCP answers (its nodes may be down).
pgpool_running() { pid_alive "$(pid_of_file "$LAB/pgpool/pgpool.pid")" && port_open "$PCP_PORT"; }

pgpool_require_running() {
  pgpool_running && return 0
  echo "lab: pgpool is not running; run lab/up pgpool" >&2
  return 1
}

pgpool_up() {
  local d=$LAB/pgpool
  require_port_free "$PGPOOL_PORT" pgpool
  require_port_free "$PCP_PORT" pgpool
  mkdir -p "$d/run" "$d/log"
  cat >"$d/pgpool.conf" <<CONF
backend_clustering_mode = 'streaming_replication'
listen_addresses = '127.0.0.1'
port = $PGPOOL_PORT
socket_dir = '$d/run'
pcp_listen_addresses = '127.0.0.1'
pcp_port = $PCP_PORT
pcp_socket_dir = '$d/run'
wd_ipc_socket_dir = '$d/run'
pid_file_name = '$d/pgpool.pid'
logdir = '$d/log'
log_destination = 'stderr'
log_min_messages = 'warning'
num_init_children = 8
max_pool = 2
reserved_connections = 0
enable_pool_hba = off
pool_passwd = '$d/pool_passwd'

backend_hostname0 = '127.0.0.1'
backend_port0 = $PG_PRIMARY_PORT
backend_weight0 = 1
backend_data_directory0 = '$LAB/postgres/primary'
backend_flag0 = 'ALLOW_TO_FAILOVER'
backend_application_name0 = 'primary'
backend_hostname1 = '127.0.0.1'
backend_port1 = $PG_REPLICA_PORT
backend_weight1 = 1
backend_data_directory1 = '$LAB/postgres/replica'
backend_flag1 = 'ALLOW_TO_FAILOVER'
# must equal the application_name in the replica's primary_conninfo, or replication_state is empty
backend_application_name1 = 'replica1'

load_balance_mode = on
sr_check_period = 1
sr_check_user = 'postgres'
sr_check_password = ''
sr_check_database = 'postgres'
delay_threshold = 0
health_check_period = 1
health_check_timeout = 2
health_check_user = 'postgres'
health_check_password = ''
health_check_database = 'postgres'
health_check_max_retries = 0
health_check_retry_delay = 1
connect_timeout = 2000

# Never promote, fence or rewrite a node: status changes only by health check and pcp.
failover_command = ''
failback_command = ''
follow_primary_command = ''
failover_on_backend_error = off
failover_on_backend_shutdown = off
detach_false_primary = off
auto_failback = off
search_primary_node_timeout = 10
use_watchdog = off
memory_cache_enabled = off
CONF
  printf '%s:%s\n' "$PGPOOL_PCP_USER" "$(pg_md5 "$PGPOOL_PCP_PASSWORD")" >"$d/pcp.conf" || return 1
  # libpq-style pcppass; pcp silently ignores it unless it is 0600.
  (umask 077 && printf '127.0.0.1:%s:%s:%s\n' "$PCP_PORT" "$PGPOOL_PCP_USER" "$PGPOOL_PCP_PASSWORD" >"$d/pcppass")
  chmod 600 "$d/pcppass"
  : >"$d/pool_hba.conf"
  : >"$d/pool_passwd"   # an empty file silences "unable to get password" warnings
  # -n: stay in the foreground, so $! is pgpool's main process; -D: ignore a stale pgpool_status.
  setsid pgpool -n -D -f "$d/pgpool.conf" -F "$d/pcp.conf" -a "$d/pool_hba.conf" </dev/null >>"$d/log/pgpool.log" 2>&1 &
  echo $! >"$d/launcher.pid"
  wait_until 10 pgpool_status || { echo "pgpool did not come up within 10s" >&2; return 1; }
}

pgpool_down() {
  local d=$LAB/pgpool pid
  # pgpool.pid ends with a NUL byte (pid_of_file strips it); before it exists, the launcher's $!
  # is the same process. SIGINT is pgpool's fast shutdown.
  pid=$(pid_of_file "$d/pgpool.pid") || pid=$(pid_of_file "$d/launcher.pid") || pid=""
  if [ -n "$pid" ]; then stop_pid "$pid" INT 15 || return 1; fi
  rm -f "$LAB/$PGPOOL_DETACHED"   # a new pgpool starts with every node attached (-D)
  wait_port_free "$PGPOOL_PORT" 10 && wait_port_free "$PCP_PORT" 10
}

pgpool_status() {
  local pid rows summary
  pid=$(pid_of_file "$LAB/pgpool/pgpool.pid")
  pid_alive "$pid" || { echo "pid ${pid:-none} not running"; return 1; }
  rows=$(pgpool_show_nodes 2>/dev/null) \
    || { echo "pid $pid, port $PGPOOL_PORT not answering: $(pgpool_show_nodes 2>&1 | tail -n 1)"; return 1; }
  summary=$(awk -F'|' '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $1, $4 }' <<<"$rows")
  [ "$(wc -l <<<"$rows")" = 2 ] || { echo "pid $pid, expected 2 nodes: $summary"; return 1; }
  awk -F'|' '$4 != "up" && $4 != "waiting" { bad = 1 } END { exit bad }' <<<"$rows" \
    || { echo "pid $pid port $PGPOOL_PORT nodes $summary"; return 1; }
  echo "pid $pid port $PGPOOL_PORT nodes $summary"
}

# pgpool_attach_node N: attach node N if pgpool has it down, then wait until it is up.
pgpool_attach_node() {
  local n=$1 code out
  code=$(pgpool_node_code "$n") || { echo "lab: pgpool has no node $n" >&2; return 2; }
  if [ "$code" = 3 ]; then
    if ! out=$(pgpool_pcp pcp_attach_node -n "$n" 2>&1) || grep -q 'ERROR' <<<"$out"; then
      echo "lab: pcp_attach_node -n $n failed: $out" >&2
      return 1
    fi
    # pcp_attach_node returns before the failback: down, then waiting, then up.
    wait_until 15 pgpool_node_is_up_or_waiting "$n" \
      || { echo "lab: pgpool node $n is still down after attach (is its backend running?)" >&2; return 1; }
  fi
  wait_until 15 pgpool_connect_until_up "$n" \
    || { echo "lab: pgpool node $n did not become up (status code $(pgpool_node_code "$n"))" >&2; return 1; }
}

# Attach every node pgpool has down (used by this heal and by postgres' heal replica-stop).
pgpool_attach_down_nodes() {
  local count n rc=0
  count=$(pgpool_node_count) || { echo "lab: pcp is not answering on port $PCP_PORT" >&2; return 1; }
  for ((n = 0; n < count; n++)); do
    pgpool_node_is_down "$n" || continue
    pgpool_attach_node "$n" && echo "pgpool node $n attached" || rc=1
  done
  return $rc
}

# --- faults ----------------------------------------------------------------------------------

fault_pgpool_detach() {
  [ $# -eq 1 ] && [[ $1 =~ ^[0-9]{1,3}$ ]] \
    || { echo "usage: lab/fault pgpool-detach <node-id>   (a number: 0 primary, 1 replica)" >&2; exit 2; }
  local n=$((10#$1)) out
  pgpool_require_running || return 1
  if pgpool_node_is_down "$n" 2>/dev/null; then
    echo "pgpool node $n is already down"
  else
    out=$(pgpool_pcp pcp_detach_node -n "$n" 2>&1) || { echo "lab: pcp_detach_node -n $n failed: $out" >&2; return 1; }
    # pcp reports a bad node id with "ERROR: ... node id : 7 ..." and exit status 0.
    if grep -q 'ERROR' <<<"$out"; then
      echo "lab/fault pgpool-detach: pgpool refused node $n (it has nodes 0..$(( $(pgpool_node_count) - 1 ))): $out" >&2
      exit 2
    fi
    wait_until 15 pgpool_node_is_down "$n" || { echo "lab: pcp says node $n is not down after detach" >&2; return 1; }
  fi
  grep -qx "$n" "$LAB/$PGPOOL_DETACHED" 2>/dev/null || echo "$n" >>"$LAB/$PGPOOL_DETACHED"
  # Detaching the primary makes pgpool search for a new one for up to 10 s; wait until clients see it.
  wait_until 20 pgpool_pool_nodes_show "$n" down \
    || { echo "lab: SHOW POOL_NODES does not show node $n down" >&2; return 1; }
  echo "pgpool node $n detached"
}

heal_pgpool_detach() {
  [ $# -le 1 ] && { [ $# = 0 ] || [[ $1 =~ ^[0-9]{1,3}$ ]]; } \
    || { echo "usage: lab/heal pgpool-detach [node-id]   (default: every detached node)" >&2; exit 2; }
  pgpool_require_running || return 1
  local f=$LAB/$PGPOOL_DETACHED n rc=0 nodes=()
  if [ $# = 1 ]; then
    n=$((10#$1))
    pgpool_attach_node "$n"; rc=$?
    [ $rc = 2 ] && exit 2
    [ $rc = 0 ] && [ -f "$f" ] && { grep -vx "$n" "$f" >"$f.tmp"; mv "$f.tmp" "$f"; }
  else
    [ -f "$f" ] && mapfile -t nodes <"$f"
    for n in "${nodes[@]}"; do pgpool_attach_node "$n" || rc=1; done
    # and any node pgpool took down by itself (health check)
    pgpool_attach_down_nodes >/dev/null || rc=1
    [ $rc = 0 ] && rm -f "$f"
  fi
  [ $rc = 0 ] || return 1
  # pgpool restarts its children after a failback, and a query in that moment gets "server closed
  # the connection unexpectedly" (seen once in CI right after a replay-resume heal): settle first
  wait_until 10 pgpool_status
  pgpool_status
}
