# Prometheus 2.42 on 127.0.0.1:59090 (1 s scrape and evaluation interval, lifecycle API on, data
# in $LAB/prometheus/data) and Debian's node_exporter on 127.0.0.1:59100 for benchmarks.
# Scrape jobs:
#   prometheus     itself
#   node           the node_exporter
#   vigil-agent    file_sd from $LAB/prometheus/targets/vigil-agent/*.json   } written by
#   vigil-planner  file_sd from $LAB/prometheus/targets/vigil-planner/*.json } lab/vigil/register
#   vigil          file_sd from $LAB/prometheus/targets/*.json (any other target a test drops there)
# Rules: a lab copy of $REPO_ROOT/alerts/rules/*.yml in $LAB/prometheus/rules/, with every `for:`
# shortened to 2s and `keep_firing_for:` to 1s so that a lab fault fires within seconds; a file that
# `promtool check rules` refuses is left out with a warning (alerts/'s own tests catch it).
# After changing the rules: lab/vigil/reload-rules (copies again and POSTs /-/reload).
# The first samples land ~5 s after /-/ready.

PROMETHEUS_LAB_FOR=2s
PROMETHEUS_LAB_KEEP_FIRING_FOR=1s

# prometheus_sync_rules: the lab copy of the alert rules, durations shortened.
prometheus_sync_rules() {
  local d=$LAB/prometheus src dst
  mkdir -p "$d/rules" "$d/log"
  rm -f "$d/rules"/*.yml
  for src in "$REPO_ROOT"/alerts/rules/*.yml; do
    [ -f "$src" ] || continue
    dst=$d/rules/$(basename "$src")
    sed -E -e "s/^([[:space:]]*)for:[[:space:]]*[0-9][0-9smhdwy]*[[:space:]]*(#.*)?$/\1for: $PROMETHEUS_LAB_FOR/" \
      -e "s/^([[:space:]]*)keep_firing_for:[[:space:]]*[0-9][0-9smhdwy]*[[:space:]]*(#.*)?$/\1keep_firing_for: $PROMETHEUS_LAB_KEEP_FIRING_FOR/" \
      "$src" >"$dst.partial"
    if promtool check rules "$dst.partial" >"$d/log/rules-check.log" 2>&1; then
      mv "$dst.partial" "$dst"
    else
      echo "lab: prometheus: leaving out $src, which promtool check rules refuses:" >&2
      sed 's/^/  /' "$d/log/rules-check.log" >&2
      rm -f "$dst.partial"
    fi
  done
  return 0
}

prometheus_ready() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PROMETHEUS_PORT/-/ready")" = 200 ]; }
prometheus_node_exporter_ready() {
  local body   # not curl | grep -q: grep's early exit fails curl, and pipefail fails the pipe
  body=$(curl -sf -m 2 "http://127.0.0.1:$NODE_EXPORTER_PORT/metrics") && grep -q '^node_load1 ' <<<"$body"
}

prometheus_up() {
  local d=$LAB/prometheus
  require_port_free "$PROMETHEUS_PORT" prometheus
  require_port_free "$NODE_EXPORTER_PORT" "prometheus (node_exporter)"
  mkdir -p "$d/data" "$d/targets/vigil-agent" "$d/targets/vigil-planner" "$d/log"
  prometheus_sync_rules
  cat >"$d/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - '$d/rules/*.yml'   # the lab copy of alerts/rules (see prometheus_sync_rules); may be empty
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$PROMETHEUS_PORT']
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$NODE_EXPORTER_PORT']
  - job_name: vigil-agent
    file_sd_configs:
      - files: ['$d/targets/vigil-agent/*.json']
        refresh_interval: 5s   # changes are picked up at once through inotify; this is the fallback
  - job_name: vigil-planner
    file_sd_configs:
      - files: ['$d/targets/vigil-planner/*.json']
        refresh_interval: 5s
  - job_name: vigil
    file_sd_configs:
      - files: ['$d/targets/*.json']
        refresh_interval: 5s
CONF
  promtool check config "$d/prometheus.yml" >"$d/log/promtool.log" 2>&1 || { cat "$d/log/promtool.log" >&2; return 1; }

  setsid prometheus --config.file="$d/prometheus.yml" --storage.tsdb.path="$d/data" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle \
    --storage.tsdb.retention.time=1h --log.level=warn </dev/null >>"$d/log/prometheus.log" 2>&1 &
  echo $! >"$d/prometheus.pid"
  # The default collector set includes probes of hardware, NFS, ZFS, ... that only add noise here:
  # keep the ones a benchmark reads (CPU, memory, load, disks, network, filesystems, pressure).
  setsid prometheus-node-exporter --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT" \
    --collector.disable-defaults --collector.cpu --collector.meminfo --collector.loadavg \
    --collector.diskstats --collector.filesystem --collector.netdev --collector.stat \
    --collector.vmstat --collector.pressure --collector.time --collector.uname \
    --log.level=warn </dev/null >>"$d/log/node_exporter.log" 2>&1 &
  echo $! >"$d/node_exporter.pid"

  wait_until 20 prometheus_ready || { echo "prometheus is not ready after 20s" >&2; return 1; }
  wait_until 10 prometheus_node_exporter_ready || { echo "node_exporter is not serving after 10s" >&2; return 1; }
}

prometheus_down() {
  local d=$LAB/prometheus rc=0
  stop_pidfile "$d/node_exporter.pid" TERM 10 || rc=1
  stop_pidfile "$d/prometheus.pid" TERM 20 || rc=1
  wait_port_free "$NODE_EXPORTER_PORT" 10 && wait_port_free "$PROMETHEUS_PORT" 10 || rc=1
  return $rc
}

prometheus_status() {
  local d=$LAB/prometheus ppid npid
  ppid=$(pid_of_file "$d/prometheus.pid")
  pid_alive "$ppid" || { echo "prometheus (pid ${ppid:-none}) not running"; return 1; }
  npid=$(pid_of_file "$d/node_exporter.pid")
  pid_alive "$npid" || { echo "node_exporter (pid ${npid:-none}) not running"; return 1; }
  prometheus_ready || { echo "prometheus pid $ppid: /-/ready is not 200"; return 1; }
  prometheus_node_exporter_ready || { echo "node_exporter pid $npid: /metrics not answering"; return 1; }
  echo "prometheus pid $ppid :$PROMETHEUS_PORT ready, node_exporter pid $npid :$NODE_EXPORTER_PORT"
}
