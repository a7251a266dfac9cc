# GlusterFS 10: glusterd, a 1-brick volume `labvol` on brick host $(hostname), and a FUSE mount at
# $LAB/gluster/mnt. Faults: gluster-brick-kill, gluster-mount-kill.
#
# glusterd keeps its working dir and CLI socket in $LAB/gluster, but its management port must stay
# 24007 (bound to 127.0.0.1): bricks always connect back to 24007, and a custom port breaks brick
# start. The CLI refuses 127.0.0.1/localhost as a brick host, so the brick host is the machine's
# hostname, which must resolve to a loopback address. Brick pid files and sockets still go to
# /var/run/gluster/vols/labvol and brick logs to /var/log/glusterfs/bricks/: gluster_down removes
# them. The FUSE client is started directly (not through mount.glusterfs) so we own its PID.
#
# Every call that touches the mount goes through `timeout`: a dead FUSE client or brick must not
# hang status, a fault or a heal.

GLUSTER_VOLUME=labvol
GLUSTER_MGMT_PORT=$GLUSTERD_PORT

gluster_cli() {
  local d=$LAB/gluster
  timeout -k 5 "${GLUSTER_CLI_DEADLINE:-30}" gluster --glusterd-sock="$d/run/glusterd.socket" \
    --log-file="$d/log/cli.log" --mode=script "$@"
}

gluster_brick_path() { echo "$LAB/gluster/bricks/b1"; }
gluster_mnt() { echo "$LAB/gluster/mnt"; }

# The line of /proc/self/mountinfo for our mount point: read from the kernel's table, never from
# the (possibly hung) mount itself.
gluster_mount_fstype() {
  awk -v m="$(gluster_mnt)" '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($5 == m) { fs = $(i + 1) } }
    END { if (fs == "") exit 1; print fs }' /proc/self/mountinfo
}
gluster_mounted() { [ "$(gluster_mount_fstype 2>/dev/null)" = fuse.glusterfs ]; }
gluster_in_mountinfo() { gluster_mount_fstype >/dev/null 2>&1; }

# gluster_brick_state: "ONLINE PID" of the volume's brick from `volume status --xml` (PID -1 when
# offline).
gluster_brick_state() {
  local xml
  xml=$(GLUSTER_CLI_DEADLINE=10 gluster_cli volume status "$GLUSTER_VOLUME" --xml 2>/dev/null) || return 1
  lab_python -c '
import sys, xml.etree.ElementTree as ET
node = ET.fromstring(sys.stdin.read()).find(".//volume/node")
if node is None:
    sys.exit(1)
print(node.findtext("status"), node.findtext("pid"))
' <<<"$xml"
}

# A small file is written, read back and deleted on the mount within 5 s.
gluster_rw_ok() {
  local f
  f="$(gluster_mnt)/.lab-probe.$$"
  timeout -k 2 5 "$BASH" -c 'printf "%s" "$2" >"$1" && [ "$(cat "$1")" = "$2" ] && rm -f "$1"' _ "$f" "probe-$$" 2>/dev/null
}

gluster_hostname_addr() { getent hosts "$(hostname)" | awk '{print $1; exit}'; }

# The brick host is $(hostname); it must resolve to 127.x. If it does not, add it to /etc/hosts
# (files come before DNS); an earlier /etc/hosts line with another address would still win.
gluster_ensure_hostname() {
  local h addr
  h=$(hostname)
  addr=$(gluster_hostname_addr)
  [[ $addr == 127.* ]] && return 0
  echo "127.0.0.1 $h" >>/etc/hosts
  echo "added '127.0.0.1 $h' to /etc/hosts: gluster needs a brick host name that is not 127.0.0.1" >&2
  addr=$(gluster_hostname_addr)
  [[ $addr == 127.* ]] && return 0
  echo "hostname $h still resolves to $addr, not loopback (an earlier line in /etc/hosts?)" >&2
  return 1
}

gluster_mount() {
  local d=$LAB/gluster
  mkdir -p "$(gluster_mnt)"
  rm -f "$d/mount.pid"
  # daemonizes, mounts and writes its pid file
  glusterfs --volfile-server="$(hostname)" --volfile-id="$GLUSTER_VOLUME" --pid-file="$d/mount.pid" \
    --log-file="$d/log/mount.log" "$(gluster_mnt)" </dev/null >/dev/null 2>&1 || return 1
  wait_until 10 gluster_mounted || { echo "FUSE mount of $GLUSTER_VOLUME did not appear" >&2; return 1; }
  wait_until 15 gluster_rw_ok || { echo "mount $(gluster_mnt) is not writable" >&2; return 1; }
}

# Unmount, lazily if the client is dead (ENOTCONN), and stop the client by its PID.
gluster_unmount() {
  local d=$LAB/gluster
  if gluster_in_mountinfo; then
    timeout -k 2 10 umount "$(gluster_mnt)" 2>/dev/null || timeout -k 2 10 umount -l "$(gluster_mnt)" || return 1
    wait_until 10 eval '! gluster_in_mountinfo' || { echo "$(gluster_mnt) is still mounted" >&2; return 1; }
  fi
  stop_pidfile "$d/mount.pid" TERM 10 || return 1
  rm -f "$d/mount.pid"
}

gluster_up() {
  local d=$LAB/gluster
  gluster_ensure_hostname || return 1
  require_port_free "$GLUSTER_MGMT_PORT" gluster
  [ -e /var/run/gluster/vols/$GLUSTER_VOLUME ] && rm -rf "/var/run/gluster/vols/$GLUSTER_VOLUME"
  mkdir -p "$d/work" "$d/run" "$d/log" "$(gluster_brick_path)" "$(gluster_mnt)"
  cat >"$d/glusterd.vol" <<CONF
volume management
    type mgmt/glusterd
    option working-directory $d/work
    option transport-type socket
    option transport.socket.listen-port $GLUSTER_MGMT_PORT
    option transport.socket.bind-address 127.0.0.1
    option glusterd-sockfile $d/run/glusterd.socket
    option ping-timeout 0
    option event-threads 1
    option base-port 54152
    option max-port 54200
end-volume
CONF
  # daemonizes and writes its pid file
  glusterd -f "$d/glusterd.vol" -p "$d/glusterd.pid" -l "$d/log/glusterd.log" </dev/null >/dev/null 2>&1 || return 1
  wait_until 20 gluster_cli pool list || { echo "glusterd did not answer on $d/run/glusterd.socket" >&2; return 1; }
  gluster_cli volume create "$GLUSTER_VOLUME" "$(hostname):$(gluster_brick_path)" force >/dev/null || return 1
  gluster_cli volume start "$GLUSTER_VOLUME" >/dev/null || return 1
  gluster_remember_socket
  gluster_mount
}

# The unix socket a brick process was given with -S (under /var/run/gluster; left behind on exit).
gluster_brick_socket() {
  tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | awk 'prev == "-S" { print; exit } { prev = $0 }'
}

# Note the running brick's socket in $LAB/gluster/brick-sockets, for gluster_down: a killed brick
# leaves no process to read it from.
gluster_remember_socket() {
  local f=$LAB/gluster/brick-sockets pidfile sock
  for pidfile in /var/run/gluster/vols/"$GLUSTER_VOLUME"/*.pid; do
    [ -f "$pidfile" ] && sock=$(gluster_brick_socket "$(pid_of_file "$pidfile")") && [ -n "$sock" ] &&
      { grep -qxF "$sock" "$f" 2>/dev/null || echo "$sock" >>"$f"; }
  done
  return 0
}

gluster_down() {
  local d=$LAB/gluster rc=0 pidfile brick_log sock
  gluster_unmount || rc=1
  gluster_remember_socket
  if pid_alive "$(pid_of_file "$d/glusterd.pid")"; then
    GLUSTER_CLI_DEADLINE=20 gluster_cli volume stop "$GLUSTER_VOLUME" >/dev/null 2>&1
    GLUSTER_CLI_DEADLINE=20 gluster_cli volume delete "$GLUSTER_VOLUME" >/dev/null 2>&1
  fi
  # a brick that outlived `volume stop` (or a glusterd that was gone): by its pid file
  for pidfile in /var/run/gluster/vols/"$GLUSTER_VOLUME"/*.pid; do
    [ -f "$pidfile" ] && { stop_pidfile "$pidfile" TERM 10 || rc=1; }
  done
  stop_pidfile "$d/glusterd.pid" TERM 15 || rc=1
  rm -rf "/var/run/gluster/vols/$GLUSTER_VOLUME"
  [ -f "$d/brick-sockets" ] && while IFS= read -r sock; do
    case $sock in /var/run/gluster/*.socket | /run/gluster/*.socket) rm -f "$sock" ;; esac
  done <"$d/brick-sockets"
  brick_log=$(gluster_brick_path); brick_log=${brick_log#/}; brick_log=${brick_log//\//-}
  rm -f "/var/log/glusterfs/bricks/$brick_log.log"*
  [ $rc = 0 ] && wait_port_free "$GLUSTER_MGMT_PORT" 10
}

gluster_status() {
  local pid state online brick_pid mount_pid
  pid=$(pid_of_file "$LAB/gluster/glusterd.pid")
  pid_alive "$pid" || { echo "glusterd pid ${pid:-none} not running"; return 1; }
  gluster_mounted || { echo "glusterd pid $pid, $(gluster_mnt) not mounted"; return 1; }
  mount_pid=$(pid_of_file "$LAB/gluster/mount.pid")
  pid_alive "$mount_pid" || { echo "glusterd pid $pid, FUSE client pid ${mount_pid:-none} dead (mount answers ENOTCONN)"; return 1; }
  state=$(gluster_brick_state) || { echo "glusterd pid $pid, volume status $GLUSTER_VOLUME fails"; return 1; }
  read -r online brick_pid <<<"$state"
  [ "$online" = 1 ] || { echo "glusterd pid $pid, brick of $GLUSTER_VOLUME offline"; return 1; }
  gluster_rw_ok || { echo "glusterd pid $pid brick pid $brick_pid, write-read-delete on $(gluster_mnt) fails"; return 1; }
  echo "glusterd pid $pid brick pid $brick_pid mount pid $mount_pid $(gluster_mnt) rw"
}

fault_gluster_brick_kill() {
  local state online brick_pid
  component_started gluster || { echo "lab/fault: gluster is not started" >&2; return 1; }
  state=$(gluster_brick_state) || { echo "lab/fault: volume status $GLUSTER_VOLUME fails" >&2; return 1; }
  read -r online brick_pid <<<"$state"
  [ "$online" = 1 ] && pid_alive "$brick_pid" || { echo "brick of $GLUSTER_VOLUME already offline"; return 0; }
  echo "$brick_pid" >"$LAB/gluster/killed-brick.pid"
  kill -KILL "$brick_pid"
  wait_until 10 eval '! pid_alive "$brick_pid"' || { echo "brick pid $brick_pid survived SIGKILL" >&2; return 1; }
  echo "brick pid $brick_pid of $GLUSTER_VOLUME killed"
}

heal_gluster_brick_kill() {
  local d=$LAB/gluster killed online brick_pid
  killed=$(pid_of_file "$d/killed-brick.pid")
  if [ -n "$killed" ]; then
    # `volume start force` takes a zombie brick for a running one ("discovered already-running
    # brick") and does nothing: wait until PID 1 has reaped it, not just until it is a zombie.
    wait_until 30 eval '! ps -p "$killed" >/dev/null' || { echo "killed brick pid $killed is still in the process table" >&2; return 1; }
    rm -f "$d/killed-brick.pid"
  fi
  read -r online brick_pid <<<"$(gluster_brick_state)"
  if [ "$online" != 1 ]; then
    gluster_cli volume start "$GLUSTER_VOLUME" force >/dev/null || return 1
    wait_until 20 eval '[ "$(gluster_brick_state | cut -d" " -f1)" = 1 ]' || { echo "brick did not come online" >&2; return 1; }
    gluster_remember_socket
  fi
  # the FUSE client reconnects to the brick on its own, within ~3 s
  wait_until 20 gluster_rw_ok || { echo "writes on $(gluster_mnt) do not work again" >&2; return 1; }
  gluster_status
}

fault_gluster_mount_kill() {
  local pid
  component_started gluster || { echo "lab/fault: gluster is not started" >&2; return 1; }
  pid=$(pid_of_file "$LAB/gluster/mount.pid")
  pid_alive "$pid" || { echo "FUSE client already dead"; return 0; }
  kill -KILL "$pid"
  wait_until 10 eval '! pid_alive "$pid"' || { echo "FUSE client pid $pid survived SIGKILL" >&2; return 1; }
  echo "FUSE client pid $pid killed; $(gluster_mnt) stays in mountinfo and answers ENOTCONN"
}

heal_gluster_mount_kill() {
  if gluster_mounted && pid_alive "$(pid_of_file "$LAB/gluster/mount.pid")" && gluster_rw_ok; then
    echo "mount $(gluster_mnt) healthy"; return 0
  fi
  gluster_unmount || return 1
  gluster_mount || return 1
  gluster_status
}
