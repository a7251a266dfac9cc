# Sourced by every lab script. Shared conventions for the lab of real components on 127.0.0.1.
#
# One private directory per lab: $VIGIL_LAB_DIR (default /tmp/vigil-lab). Each component keeps its
# files, logs and pid files in $LAB/<component>/; that directory existing means "started by up".
# Every process is stopped by the PID we recorded, never by name.

set -o pipefail
LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$LAB_ROOT/.." && pwd)
LAB=${VIGIL_LAB_DIR:-/tmp/vigil-lab}
PGBIN=/usr/lib/postgresql/15/bin
SYS_PYTHON=/usr/bin/python3   # Debian's python (celery, psycopg2), never a pyenv shim

# Components in start order; a component's dependencies come before it.
COMPONENTS=(postgres pgpool pgbouncer rabbitmq celery redis memcached webhead sshd gluster disk nrpe prometheus)
declare -A DEPENDS=([pgpool]="postgres" [pgbouncer]="postgres" [celery]="rabbitmq" [webhead]="pgpool rabbitmq celery memcached")
# Start waves for `lab/up`: components in one wave start in parallel.
WAVES=("postgres rabbitmq redis memcached sshd gluster disk nrpe prometheus" "pgpool pgbouncer celery" "webhead")

# Ports (also in io.vigil.lab.LabPorts and ../shared/notes/lab-recipe.md).
PG_PRIMARY_PORT=55432
PG_REPLICA_PORT=55433
PGPOOL_PORT=59999
PGBOUNCER_PORT=56432
REDIS_PORT=56379
PCP_PORT=59898
RABBIT_PORT=55672
RABBIT_MGMT_PORT=55673
RABBIT_DIST_PORT=55674
RABBIT_EPMD_PORT=54369
MEMCACHED_PORT=51211
WEBHEAD_PORT=58080
SSHD_PORT=52222
NRPE_SSL_PORT=55666
NRPE_PLAIN_PORT=55667
PROMETHEUS_PORT=59090
NODE_EXPORTER_PORT=59100
GLUSTERD_PORT=24007          # gluster bricks only ever connect to 24007
GLUSTER_BRICK_PORTS=54152-54200

# Linux hands out ephemeral client ports from 32768-60999, a range that holds every lab port: a
# client socket that got local port 58080 (even one in TIME_WAIT, for 60 s) makes a later bind of
# 127.0.0.1:58080 fail with EADDRINUSE. lab/up reserves the lab's listen ports (and gluster's brick
# port range) so that connect() never picks them.
LAB_RESERVED_PORTS="$GLUSTERD_PORT,$MEMCACHED_PORT,$SSHD_PORT,$GLUSTER_BRICK_PORTS,$RABBIT_EPMD_PORT,$PG_PRIMARY_PORT,$PG_REPLICA_PORT"
LAB_RESERVED_PORTS+=",$NRPE_SSL_PORT,$NRPE_PLAIN_PORT,$RABBIT_PORT,$RABBIT_MGMT_PORT,$RABBIT_DIST_PORT,$WEBHEAD_PORT"
LAB_RESERVED_PORTS+=",$PROMETHEUS_PORT,$NODE_EXPORTER_PORT,$PCP_PORT,$PGPOOL_PORT,$PGBOUNCER_PORT,$REDIS_PORT"
reserve_lab_ports() {
  local f=/proc/sys/net/ipv4/ip_local_reserved_ports cur
  cur=$(cat "$f" 2>/dev/null) || return 0
  [[ ",$cur," == *",${LAB_RESERVED_PORTS%%,*},"* ]] && return 0   # already done
  echo "${cur:+$cur,}$LAB_RESERVED_PORTS" >"$f" 2>/dev/null ||
    echo "lab: could not reserve the lab ports in $f; a listen port may collide with a client port" >&2
  return 0
}

die() { echo "lab: $*" >&2; exit 1; }
log() { [ -n "${LAB_QUIET:-}" ] || echo "lab: $*"; }

is_component() { local c; for c in "${COMPONENTS[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }
component_dir() { echo "$LAB/$1"; }
component_started() { [ -d "$LAB/$1" ]; }

# --- processes -------------------------------------------------------------------------------
# A pid file's content, without NULs (pgpool ends its pid file with one) or whitespace.
pid_of_file() { [ -s "$1" ] && tr -d '\0\n\r ' < "$1"; }

# Alive and not a zombie: PID 1 here reaps re-parented daemons late, so state Z counts as gone.
pid_alive() {
  local st
  [ -n "${1:-}" ] || return 1
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  case $st in Z*|"") return 1 ;; esac
  return 0
}

# stop_pid PID [SIGNAL] [SECONDS]: signal, wait until gone, then SIGKILL if still there.
stop_pid() {
  local pid=$1 sig=${2:-TERM} secs=${3:-15} i
  pid_alive "$pid" || return 0
  kill -"$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < secs * 10; i++)); do pid_alive "$pid" || return 0; sleep 0.1; done
  echo "lab: pid $pid ignored SIG$sig for ${secs}s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do pid_alive "$pid" || return 0; sleep 0.1; done
  echo "lab: pid $pid is still alive" >&2
  return 1
}

# stop_pidfile FILE [SIGNAL] [SECONDS]
stop_pidfile() {
  local pid
  pid=$(pid_of_file "$1") || return 0
  stop_pid "$pid" "${2:-TERM}" "${3:-15}"
}

# --- waiting ---------------------------------------------------------------------------------
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS COMMAND...: poll every 0.1 s until COMMAND succeeds.
wait_until() {
  local secs=$1 i; shift
  for ((i = 0; i < secs * 10; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}
wait_port_open() { wait_until "${2:-20}" port_open "$1"; }
port_free() { ! port_open "$1"; }
wait_port_free() { wait_until "${2:-20}" port_free "$1"; }

# Fail early if something that is not ours already holds a port we need.
require_port_free() {
  port_open "$1" && die "port $1 is already in use by another process (not this lab's $2); stop it or free the port"
  return 0
}

# Last lines of a log, for a failed start.
log_tail() { [ -f "$1" ] && { echo "--- last lines of $1:"; tail -n "${2:-25}" "$1"; } >&2; return 0; }

# Run one of the lab's Python helpers with Debian's interpreter.
lab_python() { PYTHONDONTWRITEBYTECODE=1 "$SYS_PYTHON" "$@"; }

# Load every component's functions: <name>_up, <name>_down, <name>_status.
for _f in "$LAB_ROOT"/components/*.sh; do [ -f "$_f" ] && . "$_f"; done
unset _f

# Daemons the lab starts must not inherit its caller's descriptors: a test that holds a flock on a
# shared lock file (or a pipe Maven reads) and runs lab/fault or lab/heal would otherwise hand that
# descriptor to a restarted daemon, which then holds the lock for as long as it lives. Keep only
# stdin, stdout, stderr and bash's own script descriptor (255).
close_inherited_fds() {
  local fd
  for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    case $fd in 0|1|2|255|*[!0-9]*) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
  done
}
close_inherited_fds
