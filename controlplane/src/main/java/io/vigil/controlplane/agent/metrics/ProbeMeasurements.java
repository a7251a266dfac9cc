package io.vigil.controlplane.agent.metrics;

import io.vigil.controlplane.agent.ProbeSpec;
import io.vigil.controlplane.agent.metrics.Families.Family;
import io.vigil.probes.CheckState;
import io.vigil.probes.Perfdata;
import io.vigil.probes.ProbeResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one probe's latest perfdata into the named gauges of docs/metrics.md. Pure: the probe's
 * type and options (from the configuration) say what the perfdata labels mean; the labels themselves
 * are the ones each probe writes (see {@code probes/src/main/java}, e.g. {@code LagVerdict},
 * {@code NodeVerdict}, {@code QueueStats}).
 */
final class ProbeMeasurements {

  static final Family LAG_BYTES = new Family("vigil_pg_replication_lag_bytes",
      "Bytes of WAL not yet replayed on the replica", false, "check", "replica");
  static final Family LAG_SECONDS = new Family("vigil_pg_replication_lag_seconds",
      "Replay delay of the replica in seconds", false, "check", "replica");
  static final Family REPLAY_PAUSED = new Family("vigil_pg_replay_paused",
      "1 when WAL replay is paused on the replica", false, "check", "replica");
  static final Family PGPOOL_NODE_UP = new Family("vigil_pgpool_node_up",
      "1 when pgpool reports the backend node up or waiting, 0 when down", false, "check", "node");
  static final Family QUEUE_MESSAGES = new Family("vigil_queue_messages", "Messages waiting in the queue", false,
      "check", "queue");
  static final Family QUEUE_CONSUMERS = new Family("vigil_queue_consumers", "Consumers attached to the queue", false,
      "check", "queue");
  static final Family DISK_USED = new Family("vigil_disk_used_ratio", "Used space of the filesystem, 0..1", false,
      "check", "mount");
  static final Family MOUNT_HEALTHY = new Family("vigil_mount_healthy",
      "1 when the mount is present and answers within its deadline", false, "check", "mount");
  static final Family MEMCACHED_ITEMS = new Family("vigil_memcached_items", "Items stored in memcached (curr_items)",
      false, "check");
  static final Family MEMCACHED_HIT_RATIO = new Family("vigil_memcached_hit_ratio",
      "memcached get_hits / (get_hits + get_misses), 0..1", false, "check");
  static final Family HEARTBEAT_UP = new Family("vigil_heartbeat_up", "1 when the web heartbeat answered 200", false,
      "check");

  static final List<Family> ALL = List.of(LAG_BYTES, LAG_SECONDS, REPLAY_PAUSED, PGPOOL_NODE_UP, QUEUE_MESSAGES,
      QUEUE_CONSUMERS, DISK_USED, MOUNT_HEALTHY, MEMCACHED_ITEMS, MEMCACHED_HIT_RATIO, HEARTBEAT_UP);

  private static final Pattern PGPOOL_NODE = Pattern.compile("node(\\d+)_up");
  private static final String LAG_BYTES_SUFFIX = "_lag_bytes";
  private static final String REPLAY_SECONDS = "_replay_lag_seconds";

  private ProbeMeasurements() {
  }

  /**
   * @param host this agent's host, the {@code replica} label of a probe run on the replica itself
   *             (its perfdata does not name the standby)
   */
  static void add(ProbeSpec spec, ProbeResult result, String host, Families out) {
    String check = spec.name();
    switch (spec.type()) {
      case "pg_replication_lag" -> replicationLag(spec, result, host, out);
      case "pgpool_nodes", "pgpool_pcp_nodes" -> {
        for (Perfdata p : result.perfdata()) {
          Matcher m = PGPOOL_NODE.matcher(p.label());
          if (m.matches()) {
            out.add(PGPOOL_NODE_UP, p.value(), check, m.group(1));
          }
        }
      }
      case "rabbitmq_queue", "amqp_queue" -> rabbitQueues(spec, result, out);
      case "redis_queue" -> out.add(QUEUE_MESSAGES, result.value("messages"), check,
          spec.options().getOrDefault("queue", "celery"));
      case "disk" -> out.add(DISK_USED, result.value("used") / 100, check, spec.options().getOrDefault("path", ""));
      // WARNING is a slow answer within the deadline; CRITICAL is missing, wrong, failed or hung
      case "mount" -> out.add(MOUNT_HEALTHY, healthy(result.state()) ? 1 : 0, check,
          spec.options().getOrDefault("path", ""));
      case "memcached" -> {
        out.add(MEMCACHED_ITEMS, result.value("curr_items"), check);
        out.add(MEMCACHED_HIT_RATIO, result.value("hit_ratio"), check);
      }
      case "http_heartbeat" -> out.add(HEARTBEAT_UP, result.value("status") == 200 ? 1 : 0, check);
      default -> { } // the probe's state, duration and runs say all there is
    }
  }

  private static boolean healthy(CheckState state) {
    return state == CheckState.OK || state == CheckState.WARNING;
  }

  private static void replicationLag(ProbeSpec spec, ProbeResult result, String host, Families out) {
    String check = spec.name();
    if ("replica".equalsIgnoreCase(spec.options().getOrDefault("role", "primary"))) {
      out.add(LAG_BYTES, result.value("apply_lag_bytes"), check, host);
      out.add(LAG_SECONDS, result.value("lag_seconds"), check, host);
      out.add(REPLAY_PAUSED, result.value("replay_paused"), check, host);
      return;
    }
    // on the primary: <replica>_lag_bytes is the replay lag of each standby, next to its
    // <replica>_replication_lag_bytes and <replica>_apply_lag_bytes (LagVerdict.ofPrimary)
    for (String replica : replicasOnPrimary(result)) {
      out.add(LAG_BYTES, result.value(replica + LAG_BYTES_SUFFIX), check, replica);
      out.add(LAG_SECONDS, result.value(replica + REPLAY_SECONDS), check, replica);
    }
  }

  /**
   * The standbys a primary-side result names. A streaming standby R has {@code R_lag_bytes},
   * {@code R_replication_lag_bytes}, {@code R_apply_lag_bytes} and {@code R_replay_lag_seconds}; an
   * expected but missing one only {@code R_lag_bytes} (NaN). So {@code R_replication} and
   * {@code R_apply} are R's, unless they have a replay lag of their own.
   */
  static List<String> replicasOnPrimary(ProbeResult result) {
    Set<String> labels = new LinkedHashSet<>();
    result.perfdata().forEach(p -> labels.add(p.label()));
    List<String> replicas = new ArrayList<>();
    for (String label : labels) {
      if (!label.endsWith(LAG_BYTES_SUFFIX)) {
        continue;
      }
      String prefix = label.substring(0, label.length() - LAG_BYTES_SUFFIX.length());
      if (labels.contains(prefix + REPLAY_SECONDS) || !(isPartOf(labels, prefix, "_replication")
          || isPartOf(labels, prefix, "_apply"))) {
        replicas.add(prefix);
      }
    }
    return replicas;
  }

  private static boolean isPartOf(Set<String> labels, String prefix, String suffix) {
    return prefix.endsWith(suffix)
        && labels.contains(prefix.substring(0, prefix.length() - suffix.length()) + REPLAY_SECONDS);
  }

  private static void rabbitQueues(ProbeSpec spec, ProbeResult result, Families out) {
    String check = spec.name();
    String queue = spec.options().get("queue");
    if (queue != null) {
      out.add(QUEUE_MESSAGES, result.value("messages"), check, queue);
      out.add(QUEUE_CONSUMERS, result.value("consumers"), check, queue);
      return;
    }
    // every queue of the vhost: <queue>_messages, _ready, _unacknowledged, _consumers (QueueStats)
    for (Perfdata p : result.perfdata()) {
      if (p.label().endsWith("_consumers")) {
        String q = p.label().substring(0, p.label().length() - "_consumers".length());
        out.add(QUEUE_MESSAGES, result.value(q + "_messages"), check, q);
        out.add(QUEUE_CONSUMERS, p.value(), check, q);
      }
    }
  }
}
