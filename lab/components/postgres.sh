# PostgreSQL 15: a primary on 127.0.0.1:55432 and a streaming replica on :55433, made with
# pg_basebackup -R (application_name and replication slot `replica1`). Both run as the postgres OS
# user with fsync off; unix sockets in $LAB/postgres/run. The primary has a database `vigil` with a
# table `lab_churn`, replicated like everything else.
# $LAB/postgres is a tmpfs: on this machine's ext4 /tmp, initdb and pg_basebackup spend most of
# their time creating files (initdb 1.3 s on ext4, 0.5 s on tmpfs), and fsync is off anyway.
# Faults: replica-stop, replica-pause-replay, replica-delay-replay.

# Commands run as postgres from /, a directory it can read (runuser keeps the caller's cwd).
postgres_as() { (cd / && runuser -u postgres -- "$@"); }

# postgres_sql PORT DB SQL: one unaligned, tuples-only result (columns separated by |).
postgres_sql() {
  PGCONNECT_TIMEOUT=3 "$PGBIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d "$2" -X -q -A -t \
    -v ON_ERROR_STOP=1 -c "$3"
}

postgres_require_started() {
  [ -d "$LAB/postgres/replica" ] && return 0
  echo "lab: postgres is not up; run lab/up postgres" >&2
  return 1
}

# postgres_node_pid DATADIR: the postmaster's PID while it runs.
postgres_node_pid() {
  local pid
  [ -f "$1/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$1/postmaster.pid") || return 1
  pid_alive "$pid" && echo "$pid"
}

# postgres_start_node NAME (primary | replica)
postgres_start_node() {
  local d=$LAB/postgres
  postgres_as "$PGBIN/pg_ctl" -D "$d/$1" -l "$d/log/$1.log" -w -t 30 start </dev/null >/dev/null
}

# postgres_stop_node NAME MODE: pg_ctl stop (it signals the PID in postmaster.pid and waits for it).
postgres_stop_node() {
  local dir=$LAB/postgres/$1 mode=$2 pid
  pid=$(postgres_node_pid "$dir") || return 0
  postgres_as "$PGBIN/pg_ctl" -D "$dir" -m "$mode" -w -t 30 stop </dev/null >/dev/null 2>&1 && return 0
  stop_pid "$pid" QUIT 5   # pg_ctl gave up: SIGQUIT is PostgreSQL's immediate shutdown
}

postgres_replica_state() {
  postgres_sql "$PG_PRIMARY_PORT" postgres \
    "select state from pg_stat_replication where application_name = 'replica1'" 2>/dev/null
}
postgres_replica_streaming() { [ "$(postgres_replica_state)" = streaming ]; }

# Replay byte lag of replica1 as the primary sees it: WAL written on the primary and not yet
# replayed on the replica. Empty when replica1 is not connected.
postgres_replay_lag_bytes() {
  postgres_sql "$PG_PRIMARY_PORT" postgres \
    "select pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint from pg_stat_replication
     where application_name = 'replica1' and replay_lsn is not null" 2>/dev/null
}
postgres_replay_lagging() { local b; b=$(postgres_replay_lag_bytes) && [ -n "$b" ] && [ "$b" -gt 0 ]; }
postgres_replay_caught_up() { postgres_replica_streaming && [ "$(postgres_replay_lag_bytes)" = 0 ]; }
# recovery_min_apply_delay on the replica, in ms
postgres_replay_delay_ms() { postgres_sql "$PG_REPLICA_PORT" postgres "select setting from pg_settings where name = 'recovery_min_apply_delay'" 2>/dev/null; }
postgres_replay_delay_is() { [ "$(postgres_replay_delay_ms)" = "$1" ]; }

postgres_up() {
  local d=$LAB/postgres
  require_port_free "$PG_PRIMARY_PORT" postgres
  require_port_free "$PG_REPLICA_PORT" postgres
  mountpoint -q "$d" || mount -t tmpfs -o size=1g,mode=0755,uid=postgres,gid=postgres vigil-lab-postgres "$d" \
    || return 1
  install -d -o postgres -g postgres -m 755 "$d/run" "$d/log"

  # 1 MiB WAL segments instead of 16: less for initdb to write and pg_basebackup to copy.
  postgres_as "$PGBIN/initdb" -D "$d/primary" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    --wal-segsize=1 --no-sync </dev/null >"$d/log/initdb.log" 2>&1 || { cat "$d/log/initdb.log" >&2; return 1; }
  cat >>"$d/primary/postgresql.conf" <<CONF
# --- vigil lab (the last setting in the file wins)
listen_addresses = '127.0.0.1'
port = $PG_PRIMARY_PORT
unix_socket_directories = '$d/run'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
wal_keep_size = '64MB'
# The replica reports its replay position every second (default 10 s), so the primary's view of
# replay lag goes back to 0 right after a catch-up instead of up to 10 s later.
wal_receiver_status_interval = 1s
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = '32MB'
logging_collector = off
CONF
  cat >>"$d/primary/pg_hba.conf" <<CONF
host all         all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
CONF
  postgres_start_node primary || return 1
  postgres_sql "$PG_PRIMARY_PORT" postgres "create database vigil" >/dev/null || return 1
  postgres_sql "$PG_PRIMARY_PORT" vigil \
    "create table lab_churn (id bigserial primary key, v text not null)" >/dev/null || return 1

  # -R writes standby.signal and primary_conninfo (with application_name=replica1); -C -S creates
  # the slot so the primary keeps WAL for the replica while it is stopped.
  postgres_as "$PGBIN/pg_basebackup" -D "$d/replica" -R -X stream -C -S replica1 -c fast --no-sync --no-manifest \
    -d "host=127.0.0.1 port=$PG_PRIMARY_PORT user=postgres application_name=replica1" \
    </dev/null >"$d/log/basebackup.log" 2>&1 || { cat "$d/log/basebackup.log" >&2; return 1; }
  echo "port = $PG_REPLICA_PORT" >>"$d/replica/postgresql.conf"
  postgres_start_node replica || return 1
  wait_until 15 postgres_replica_streaming || { echo "replica1 is not streaming after 15s" >&2; return 1; }
}

postgres_down() {
  local rc=0
  postgres_stop_node replica fast || rc=1
  postgres_stop_node primary fast || rc=1
  wait_port_free "$PG_REPLICA_PORT" 10 && wait_port_free "$PG_PRIMARY_PORT" 10 || rc=1
  # Unmount only once nothing runs from it; lab/down then removes the empty directory.
  if [ $rc = 0 ] && mountpoint -q "$LAB/postgres"; then
    # lazily if a shell still has its cwd in there: nothing of ours runs from it any more
    umount "$LAB/postgres" 2>/dev/null || umount -l "$LAB/postgres" || rc=1
  fi
  return $rc
}

postgres_status() {
  local d=$LAB/postgres ppid rpid recovery lag delay paused=""
  ppid=$(postgres_node_pid "$d/primary") || { echo "primary not running"; return 1; }
  postgres_sql "$PG_PRIMARY_PORT" postgres "select 1" >/dev/null 2>&1 \
    || { echo "primary pid $ppid, port $PG_PRIMARY_PORT not answering"; return 1; }
  rpid=$(postgres_node_pid "$d/replica") || { echo "primary pid $ppid ok, replica not running"; return 1; }
  recovery=$(postgres_sql "$PG_REPLICA_PORT" postgres \
    "select pg_is_in_recovery() || '|' || pg_get_wal_replay_pause_state()" 2>/dev/null) \
    || { echo "replica pid $rpid, port $PG_REPLICA_PORT not answering"; return 1; }
  [ "${recovery%%|*}" = true ] || { echo "replica pid $rpid is not in recovery"; return 1; }
  [ "${recovery#*|}" = "not paused" ] || paused=", replay ${recovery#*|}"
  postgres_replica_streaming || { echo "replica pid $rpid: replica1 is not streaming ($(postgres_replica_state))"; return 1; }
  delay=$(postgres_replay_delay_ms)
  [ "${delay:-0}" = 0 ] || paused="$paused, replay delayed $((delay / 1000))s"
  lag=$(postgres_replay_lag_bytes)
  echo "primary pid $ppid :$PG_PRIMARY_PORT, replica pid $rpid :$PG_REPLICA_PORT streaming, replay lag ${lag:-?} B$paused"
}

# --- faults ----------------------------------------------------------------------------------

fault_replica_stop() {
  [ $# -eq 0 ] || { echo "usage: lab/fault replica-stop" >&2; exit 2; }
  postgres_require_started || return 1
  postgres_stop_node replica immediate || return 1
  wait_port_free "$PG_REPLICA_PORT" 10 || return 1
  # pgpool health-checks every second: wait until it has noticed, so the fault is complete when
  # this returns and the heal never races pgpool's detach.
  if component_started pgpool && pgpool_running; then
    wait_until 10 pgpool_node_is_down 1 || echo "lab: warning: pgpool has not marked node 1 down" >&2
  fi
  echo "replica stopped (immediate)"
}

heal_replica_stop() {
  [ $# -eq 0 ] || { echo "usage: lab/heal replica-stop" >&2; exit 2; }
  postgres_require_started || return 1
  if ! postgres_node_pid "$LAB/postgres/replica" >/dev/null; then
    wait_port_free "$PG_REPLICA_PORT" 10 || { echo "lab: port $PG_REPLICA_PORT is still taken" >&2; return 1; }
    postgres_start_node replica || { log_tail "$LAB/postgres/log/replica.log" 15; return 1; }
  fi
  wait_until 30 postgres_replica_streaming \
    || { echo "lab: replica1 is not streaming after 30s" >&2; log_tail "$LAB/postgres/log/replica.log" 15; return 1; }
  # pgpool detached the node while the replica was down (auto_failback is off): attach it again.
  if component_started pgpool && pgpool_running; then
    pgpool_attach_down_nodes || return 1
  fi
  echo "replica streaming again"
}

fault_replica_pause_replay() {
  [ $# -eq 0 ] || { echo "usage: lab/fault replica-pause-replay" >&2; exit 2; }
  postgres_require_started || return 1
  postgres_sql "$PG_REPLICA_PORT" postgres "select pg_wal_replay_pause()" >/dev/null || return 1
  # ~3 MB of WAL that the replica receives but does not replay.
  postgres_sql "$PG_PRIMARY_PORT" vigil "truncate lab_churn;
    insert into lab_churn (v) select repeat('x', 100) from generate_series(1, 20000)" >/dev/null || return 1
  wait_until 10 postgres_replay_lagging \
    || { echo "lab: no replay lag visible in pg_stat_replication after 10s" >&2; return 1; }
  echo "replay paused on the replica, replay lag $(postgres_replay_lag_bytes) bytes"
}

heal_replica_pause_replay() {
  [ $# -eq 0 ] || { echo "usage: lab/heal replica-pause-replay" >&2; exit 2; }
  postgres_require_started || return 1
  postgres_sql "$PG_REPLICA_PORT" postgres "select pg_wal_replay_resume()" >/dev/null \
    || { echo "lab: the replica is not answering (heal replica-stop first?)" >&2; return 1; }
  wait_until 30 postgres_replay_caught_up \
    || { echo "lab: replay lag is still $(postgres_replay_lag_bytes) bytes after 30s" >&2; return 1; }
  echo "replay resumed, replay lag 0 bytes"
}

# A standby that streams but replays late (recovery_min_apply_delay, as for a deliberately delayed
# standby or one too slow to keep up): not paused, WAL receiver streaming, replay byte lag growing.
# Replay waits at the first commit record; the ~3 MB written after it stays unreplayed.
fault_replica_delay_replay() {
  local secs=${1:-300}
  [ $# -le 1 ] && [[ $secs =~ ^[1-9][0-9]{0,4}$ ]] \
    || { echo "usage: lab/fault replica-delay-replay [seconds, 1..99999; default 300]" >&2; exit 2; }
  postgres_require_started || return 1
  postgres_sql "$PG_REPLICA_PORT" postgres "alter system set recovery_min_apply_delay = '${secs}s'" >/dev/null \
    && postgres_sql "$PG_REPLICA_PORT" postgres "select pg_reload_conf()" >/dev/null || return 1
  wait_until 5 postgres_replay_delay_is "$((secs * 1000))" \
    || { echo "lab: the replica did not take recovery_min_apply_delay" >&2; return 1; }
  postgres_sql "$PG_PRIMARY_PORT" vigil "insert into lab_churn (v) values ('delay starts here')" >/dev/null \
    && postgres_sql "$PG_PRIMARY_PORT" vigil "truncate lab_churn;
      insert into lab_churn (v) select repeat('x', 100) from generate_series(1, 20000)" >/dev/null || return 1
  wait_until 10 postgres_replay_lagging \
    || { echo "lab: no replay lag visible in pg_stat_replication after 10s" >&2; return 1; }
  echo "replay delayed ${secs}s on the replica (not paused), replay lag $(postgres_replay_lag_bytes) bytes"
}

heal_replica_delay_replay() {
  [ $# -eq 0 ] || { echo "usage: lab/heal replica-delay-replay" >&2; exit 2; }
  postgres_require_started || return 1
  postgres_sql "$PG_REPLICA_PORT" postgres "alter system reset recovery_min_apply_delay" >/dev/null \
    && postgres_sql "$PG_REPLICA_PORT" postgres "select pg_reload_conf()" >/dev/null \
    || { echo "lab: the replica is not answering (heal replica-stop first?)" >&2; return 1; }
  wait_until 30 postgres_replay_caught_up \
    || { echo "lab: replay lag is still $(postgres_replay_lag_bytes) bytes after 30s" >&2; return 1; }
  echo "replay delay removed, replay lag 0 bytes"
}
