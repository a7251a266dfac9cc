# PgBouncer 1.18 on 127.0.0.1:56432 in front of the postgres component's primary (databases
# `vigil` and `postgres`), with the admin console (database `pgbouncer`, admin user postgres).
# Transaction pooling with 2 server connections per pool and no reserve pool, so a test that holds
# two transactions open makes the next client wait (cl_waiting in SHOW POOLS). Trust auth on
# loopback; config, auth file, log and pid file in $LAB/pgbouncer.
#   psql -h 127.0.0.1 -p 56432 -U postgres pgbouncer -c 'SHOW POOLS'
# No faults of its own: a test makes clients wait by holding connections.

PGBOUNCER_POOL_SIZE=2

# pgbouncer_admin SQL: one admin-console command, unaligned and tuples-only (columns separated by |).
pgbouncer_admin() {
  PGCONNECT_TIMEOUT=3 timeout 10 "$PGBIN/psql" -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U postgres -d pgbouncer \
    -X -q -A -t -c "$1"
}

pgbouncer_up() {
  local d=$LAB/pgbouncer
  require_port_free "$PGBOUNCER_PORT" pgbouncer
  cat >"$d/pgbouncer.ini" <<CONF
[databases]
vigil = host=127.0.0.1 port=$PG_PRIMARY_PORT dbname=vigil
postgres = host=127.0.0.1 port=$PG_PRIMARY_PORT dbname=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
pidfile = $d/pgbouncer.pid
auth_type = trust
auth_file = $d/userlist.txt
admin_users = postgres
stats_users = postgres
pool_mode = transaction
default_pool_size = $PGBOUNCER_POOL_SIZE
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 64
server_login_retry = 1
# JDBC drivers may send extra_float_digits at login, and PgBouncer refuses startup parameters it
# does not know: the usual setting for JDBC clients
ignore_startup_parameters = extra_float_digits
CONF
  # trust still requires the user to be listed in auth_file
  printf '"postgres" ""\n' >"$d/userlist.txt"
  # PgBouncer refuses to run as root: setpriv execs it as postgres in place (unlike runuser, which
  # forks), so $! is PgBouncer itself. No -d: it stays in the foreground, logging to stderr, and is
  # stopped by that PID.
  chown -R postgres:postgres "$d"
  setsid setpriv --reuid=postgres --regid=postgres --init-groups -- \
    pgbouncer "$d/pgbouncer.ini" </dev/null >>"$d/pgbouncer.log" 2>&1 &
  echo $! >"$d/launcher.pid"
  wait_port_open "$PGBOUNCER_PORT" 10 || { echo "pgbouncer did not listen on $PGBOUNCER_PORT within 10s" >&2; return 1; }
}

pgbouncer_down() {
  local d=$LAB/pgbouncer pid
  pid=$(pid_of_file "$d/pgbouncer.pid") || pid=$(pid_of_file "$d/launcher.pid") || return 0
  # SIGINT is PgBouncer's safe shutdown: it waits for every client; SIGTERM closes them at once.
  stop_pid "$pid" TERM 10 || return 1
  wait_port_free "$PGBOUNCER_PORT" 10
}

pgbouncer_status() {
  local pid pools
  pid=$(pid_of_file "$LAB/pgbouncer/pgbouncer.pid") || pid=$(pid_of_file "$LAB/pgbouncer/launcher.pid")
  pid_alive "$pid" || { echo "pid ${pid:-none} not running"; return 1; }
  pools=$(pgbouncer_admin "SHOW POOLS" 2>&1) \
    || { echo "pid $pid, port $PGBOUNCER_PORT not answering SHOW POOLS: $(tail -n 1 <<<"$pools")"; return 1; }
  # a server login through PgBouncer proves the path to the primary
  PGCONNECT_TIMEOUT=3 timeout 10 "$PGBIN/psql" -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U postgres -d vigil \
    -X -q -A -t -c "select 1" >/dev/null 2>&1 \
    || { echo "pid $pid port $PGBOUNCER_PORT: no server connection to the primary"; return 1; }
  echo "pid $pid port $PGBOUNCER_PORT pools $(grep -c . <<<"$pools") pool_mode transaction size $PGBOUNCER_POOL_SIZE"
}
