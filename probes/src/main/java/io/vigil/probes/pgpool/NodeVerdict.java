package io.vigil.probes.pgpool;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.ProbeOptions;
import io.vigil.probes.Thresholds;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges pgpool-II's backend nodes, whichever way they were read (SQL or PCP). Pure: no I/O.
 *
 * <p>Rules: a node {@code down} or in {@code quarantine} is {@link Policy#whenDown} (CRITICAL by
 * default); {@code waiting} is OK with a note, since pgpool shows an attached node as waiting until
 * the next client session (lab recipe, section 2); {@code unused} is WARNING. A serving standby
 * whose replication state is known but not {@code streaming}, or whose backend health check says
 * {@code down}, is WARNING, and its replication delay goes against {@link Policy#delay}. In
 * streaming-replication mode, no serving primary is CRITICAL: pgpool then refuses writes.
 */
final class NodeVerdict {

  /**
   * @param whenDown the state for a node that is down or quarantined
   * @param delay    thresholds on a standby's replication delay in bytes
   */
  record Policy(CheckState whenDown, Thresholds delay) {

    /** Reads {@code down} (critical, warning or ok) and {@code delay_warning}/{@code delay_critical}. */
    static Policy from(ProbeOptions o) {
      String down = o.string("down", "critical").toUpperCase(Locale.ROOT);
      CheckState whenDown = switch (down) {
        case "CRITICAL", "WARNING", "OK" -> CheckState.valueOf(down);
        default -> throw new IllegalArgumentException("option 'down': '" + down.toLowerCase(Locale.ROOT)
            + "' (expected: critical, warning or ok)");
      };
      return new Policy(whenDown, o.thresholds("delay_", null, null));
    }
  }

  private NodeVerdict() {
  }

  /** Judges every node pgpool has. */
  static Observation judge(List<PgpoolNode> nodes, Policy policy) {
    return judge(nodes, policy, true);
  }

  /**
   * @param allNodes whether {@code nodes} are all of pgpool's nodes, so that a missing primary
   *                 means pgpool has none (false when one node was asked for)
   */
  static Observation judge(List<PgpoolNode> nodes, Policy policy, boolean allNodes) {
    if (nodes.isEmpty()) {
      return Observation.of(CheckState.UNKNOWN, "pgpool reported no backend nodes");
    }
    CheckState state = CheckState.OK;
    List<String> problems = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    List<Perfdata> perfdata = new ArrayList<>();
    for (PgpoolNode node : nodes) {
      CheckState nodeState = CheckState.OK;
      List<String> notes = new ArrayList<>();
      switch (node.status()) {
        case "up" -> { }
        case "waiting" -> notes.add("attached, up at the next client session");
        case "down", "quarantine" -> {
          nodeState = policy.whenDown();
          if (!node.lastStatusChange().isEmpty()) {
            notes.add("since " + node.lastStatusChange());
          }
        }
        case "unused" -> nodeState = CheckState.WARNING;
        default -> {
          nodeState = CheckState.UNKNOWN;
          notes.add("status '" + node.status() + "' is not one pgpool documents");
        }
      }
      if (node.serving() && node.backendStatus().equals("down")) {
        nodeState = nodeState.worse(CheckState.WARNING);
        notes.add("its health check says the backend is down");
      }
      String replication = "";
      if (node.serving() && node.isStandby()) {
        String rs = node.replicationState();
        if (!rs.isEmpty() && !rs.equals("none") && !rs.equals("streaming")) {
          nodeState = nodeState.worse(CheckState.WARNING);
          notes.add("replication " + rs);
        }
        if (!Double.isNaN(node.replicationDelay())) {
          CheckState delayState = policy.delay().evaluate(node.replicationDelay());
          if (delayState != CheckState.OK) {
            nodeState = nodeState.worse(delayState);
            notes.add("delay outside " + delayState.name().toLowerCase(Locale.ROOT) + " range "
                + (delayState == CheckState.CRITICAL ? policy.delay().critical() : policy.delay().warning()));
          }
        }
        replication = " (" + (rs.isEmpty() ? "replication state not reported" : rs + " " + node.syncState())
            + ", " + bytes(node.replicationDelay()) + " B behind)";
      }
      String phrase = "node " + node.id() + " " + node.host() + ":" + node.port() + " " + node.role() + " "
          + node.status() + replication + (notes.isEmpty() ? "" : ": " + String.join(", ", notes));
      (nodeState == CheckState.OK ? fine : problems).add(phrase);
      state = state.worse(nodeState);
      perfdata.add(Perfdata.of("node" + node.id() + "_up", node.serving() ? 1 : 0, "").withMin(0).withMax(1));
      if (node.isStandby()) {
        perfdata.add(Perfdata.of("node" + node.id() + "_replication_delay_bytes", node.replicationDelay(), "B")
            .withThresholds(policy.delay()).withMin(0));
      }
    }
    boolean streamingReplication = nodes.stream().anyMatch(n -> n.role().equals("primary") || n.role().equals("standby"));
    if (allNodes && streamingReplication && nodes.stream().noneMatch(n -> n.serving() && n.role().equals("primary"))) {
      state = CheckState.CRITICAL;
      problems.add(0, "no primary node is up (pgpool refuses writes)");
    }
    long serving = nodes.stream().filter(PgpoolNode::serving).count();
    perfdata.add(0, Perfdata.of("nodes_up", serving, "").withMin(0).withMax(nodes.size()));
    List<String> phrases = new ArrayList<>(problems);
    phrases.addAll(fine);
    return new Observation(state, serving + " of " + nodes.size() + " nodes up: " + String.join("; ", phrases), perfdata);
  }

  private static String bytes(double value) {
    return Double.isNaN(value) ? "?" : Long.toString((long) value);
  }
}
