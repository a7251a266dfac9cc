# OpenSSH sshd on 127.0.0.1:52222: root may log in with a key only. Files in $LAB/sshd:
#   client_ed25519, client_rsa (PEM)  client keys in authorized_keys
#   known_hosts                       "[127.0.0.1]:52222 <type> <key>" for both host keys
# A client that checks the host strictly:
#   ssh -p 52222 -i $LAB/sshd/client_ed25519 -o StrictHostKeyChecking=yes \
#       -o UserKnownHostsFile=$LAB/sshd/known_hosts -o BatchMode=yes root@127.0.0.1 true

# sshd_ssh ARGS...: the lab's strict ssh client, logged in as root with the ed25519 key.
sshd_ssh() {
  local d=$LAB/sshd
  timeout 15 ssh -F /dev/null -p "$SSHD_PORT" -i "$d/client_ed25519" -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$d/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o BatchMode=yes -o ConnectTimeout=5 root@127.0.0.1 "$@" </dev/null
}

sshd_up() {
  local d=$LAB/sshd pids=() p rc=0 k
  require_port_free "$SSHD_PORT" sshd
  chmod 700 "$d"
  install -d -m 755 /run/sshd   # sshd's compiled-in privilege separation directory; missing here
  # RSA key generation dominates the start-up time: make the four keys in parallel.
  ssh-keygen -q -t ed25519 -N '' -C vigil-lab-host -f "$d/ssh_host_ed25519_key" </dev/null & pids+=($!)
  ssh-keygen -q -t rsa -b 3072 -N '' -C vigil-lab-host -f "$d/ssh_host_rsa_key" </dev/null & pids+=($!)
  ssh-keygen -q -t ed25519 -N '' -C vigil-lab-client -f "$d/client_ed25519" </dev/null & pids+=($!)
  # PEM, for SSH libraries that cannot read the OpenSSH private key format
  ssh-keygen -q -t rsa -b 3072 -m PEM -N '' -C vigil-lab-client-rsa -f "$d/client_rsa" </dev/null & pids+=($!)
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  [ $rc = 0 ] || { echo "ssh-keygen failed" >&2; return 1; }
  cat "$d/client_ed25519.pub" "$d/client_rsa.pub" >"$d/authorized_keys"
  chmod 600 "$d/authorized_keys"
  for k in ed25519 rsa; do
    printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d ' ' -f 1,2 "$d/ssh_host_${k}_key.pub")"
  done >"$d/known_hosts"

  cat >"$d/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $d/ssh_host_ed25519_key
HostKey $d/ssh_host_rsa_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# the lab dir is under /tmp (mode 1777), which StrictModes refuses
StrictModes no
UseDNS no
PrintMotd no
MaxStartups 50:30:100
MaxSessions 20
LogLevel VERBOSE
Subsystem sftp internal-sftp
CONF
  /usr/sbin/sshd -t -f "$d/sshd_config" || return 1
  /usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" </dev/null >/dev/null 2>&1 || return 1   # daemonizes
  wait_until 10 test -s "$d/sshd.pid" && wait_port_open "$SSHD_PORT" 10
}

sshd_down() {
  stop_pidfile "$LAB/sshd/sshd.pid" TERM 10 || return 1
  wait_port_free "$SSHD_PORT" 10
}

sshd_status() {
  local pid out
  pid=$(pid_of_file "$LAB/sshd/sshd.pid")
  pid_alive "$pid" || { echo "pid ${pid:-none} not running"; return 1; }
  out=$(sshd_ssh true 2>&1) || { echo "pid $pid, key login as root failed: ${out##*$'\n'}"; return 1; }
  echo "pid $pid port $SSHD_PORT, key login as root ok"
}
