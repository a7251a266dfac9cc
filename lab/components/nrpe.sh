# The reference NRPE 4.1 daemon twice: TLS on 127.0.0.1:55666 (no certificate, so check_nrpe
# negotiates anonymous DH) and plaintext (-n) on :55667. Each has its config, pid file and log in
# $LAB/nrpe/tls or $LAB/nrpe/plain, owned by nagios (the daemon drops to nagios before writing them).
# Commands (no arguments allowed):
#   check_ok    -> "OK: all-good"            rc 0
#   check_crit  -> "CRITICAL: backend-down"  rc 2
#   check_load  -> the real check_load
#   check_long  -> 2000+ characters of output (v2 packets truncate it to 1023)
#   check_slow  -> sleeps 15 s; the daemon gives up after command_timeout=10 s
#                  ("NRPE: Command timed out after 10 seconds", rc 3)

NRPE_PLUGINS=/usr/lib/nagios/plugins

# nrpe_check PORT [check_nrpe options...]: the real check_nrpe client against a lab daemon.
nrpe_check() {
  local port=$1; shift
  timeout 20 "$NRPE_PLUGINS/check_nrpe" -H 127.0.0.1 -p "$port" "$@" </dev/null
}

# nrpe_start NAME PORT [-n]
nrpe_start() {
  local name=$1 port=$2 d=$LAB/nrpe/$1
  shift 2
  install -d -o nagios -g nagios -m 755 "$d"
  cat >"$d/nrpe.cfg" <<CONF
log_file=$d/nrpe.log
debug=1
pid_file=$d/nrpe.pid
server_address=127.0.0.1
server_port=$port
nrpe_user=nagios
nrpe_group=nagios
allowed_hosts=127.0.0.1
dont_blame_nrpe=0
allow_bash_command_substitution=0
command_timeout=10
connection_timeout=30
disable_syslog=1
ssl_logging=0x2f
command[check_ok]=$NRPE_PLUGINS/check_dummy 0 all-good
command[check_crit]=$NRPE_PLUGINS/check_dummy 2 backend-down
command[check_load]=$NRPE_PLUGINS/check_load -w 15,10,5 -c 30,25,20
command[check_long]=/usr/bin/printf 'OK - %02000d|x=1\n' 7
command[check_slow]=/bin/sleep 15
CONF
  install -o nagios -g nagios -m 644 /dev/null "$d/nrpe.log"
  /usr/sbin/nrpe -c "$d/nrpe.cfg" "$@" -d </dev/null >>"$LAB/nrpe/$name.out" 2>&1 || return 1
  wait_until 10 test -s "$d/nrpe.pid" && wait_port_open "$port" 10
}

nrpe_up() {
  require_port_free "$NRPE_SSL_PORT" nrpe
  require_port_free "$NRPE_PLAIN_PORT" nrpe
  nrpe_start tls "$NRPE_SSL_PORT" || return 1
  nrpe_start plain "$NRPE_PLAIN_PORT" -n
}

# nrpe_stop_daemon NAME: the daemon, then what it forked for queries still running (check_slow):
# nrpe is a session leader, and its per-query children stay in its session.
nrpe_stop_daemon() {
  local pid p rest
  pid=$(pid_of_file "$LAB/nrpe/$1/nrpe.pid") || return 0
  pid_alive "$pid" || return 0
  rest=$(ps -o pid= --sid "$pid" 2>/dev/null)
  stop_pid "$pid" TERM 10 || return 1
  for p in $rest; do [ "$p" = "$pid" ] || stop_pid "$p" TERM 5; done
}

nrpe_down() {
  local rc=0
  nrpe_stop_daemon tls || rc=1
  nrpe_stop_daemon plain || rc=1
  wait_port_free "$NRPE_SSL_PORT" 10 && wait_port_free "$NRPE_PLAIN_PORT" 10 || rc=1
  return $rc
}

nrpe_status() {
  local tpid ppid out
  tpid=$(pid_of_file "$LAB/nrpe/tls/nrpe.pid")
  pid_alive "$tpid" || { echo "tls daemon (pid ${tpid:-none}) not running"; return 1; }
  ppid=$(pid_of_file "$LAB/nrpe/plain/nrpe.pid")
  pid_alive "$ppid" || { echo "plain daemon (pid ${ppid:-none}) not running"; return 1; }
  out=$(nrpe_check "$NRPE_SSL_PORT" -c check_ok 2>&1)
  [ "$out" = "OK: all-good" ] || { echo "tls :$NRPE_SSL_PORT check_ok answered: $out"; return 1; }
  out=$(nrpe_check "$NRPE_PLAIN_PORT" -n -c check_ok 2>&1)
  [ "$out" = "OK: all-good" ] || { echo "plain :$NRPE_PLAIN_PORT check_ok answered: $out"; return 1; }
  echo "tls pid $tpid :$NRPE_SSL_PORT, plain pid $ppid :$NRPE_PLAIN_PORT, check_ok OK: all-good"
}
