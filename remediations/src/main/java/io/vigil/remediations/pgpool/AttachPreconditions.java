package io.vigil.remediations.pgpool;

import io.vigil.remediations.Precondition;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.postgres.PostgresBackend;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When a pgpool node may be attached, judged on facts read just now, in this order (the first that
 * fails is the reason given):
 * <ol>
 * <li>its backend accepts connections;
 * <li>it is in recovery (a standby); a primary only under {@code primary_policy: fenced_failover},
 *     and then only if every other backend answers and is a standby (one primary, never two);
 * <li>its WAL replay is not paused;
 * <li>its WAL receiver is {@code streaming};
 * <li>exactly one configured backend is the primary, and its {@code pg_stat_replication} lists the
 *     standby (by application_name) as {@code streaming};
 * <li>replay lag (primary's current WAL position minus the standby's replay position) is within
 *     {@code max_lag_bytes};
 * <li>pgpool reports the node neither {@code up} nor {@code waiting} (nothing to do otherwise).
 * </ol>
 */
final class AttachPreconditions {

  @FunctionalInterface
  interface StatusReader {
    String status(PgpoolAttach.Backend backend) throws TransientActionException, InterruptedException;
  }

  private final Map<String, PgpoolAttach.Backend> backends;
  private final long maxLagBytes;
  private final boolean fencedFailover;
  private final StatusReader pgpool;

  AttachPreconditions(Map<String, PgpoolAttach.Backend> backends, long maxLagBytes, boolean fencedFailover,
      StatusReader pgpool) {
    this.backends = backends;
    this.maxLagBytes = maxLagBytes;
    this.fencedFailover = fencedFailover;
    this.pgpool = pgpool;
  }

  Precondition check(PgpoolAttach.Backend b) throws TransientActionException, InterruptedException {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("node_id", Integer.toString(b.nodeId()));
    facts.put("backend", b.db().address());
    String node = "node " + b.nodeId() + " (" + b.target() + ", " + b.db().address() + ")";
    PostgresBackend.Standby self;
    try {
      self = b.db().self();
    } catch (SQLException e) {
      facts.put("reachable", "false");
      return Precondition.refused(node + ": backend does not accept connections: " + PostgresBackend.reason(e), facts);
    }
    facts.put("reachable", "true");
    facts.put("in_recovery", Boolean.toString(self.inRecovery()));
    if (!self.inRecovery()) {
      return primary(b, node, facts);
    }
    facts.put("replay_paused", Boolean.toString(self.replayPaused()));
    if (self.replayPaused()) {
      return Precondition.refused(node + ": WAL replay is paused, so the standby falls further behind; "
          + "resume it first (pg_wal_replay_resume(), remediation wal_replay_resume)", facts);
    }
    facts.put("wal_receiver", String.valueOf(self.receiverStatus()));
    if (self.senderHost() != null) {
      facts.put("streams_from", self.senderHost() + ":" + self.senderPort());
    }
    if (!"streaming".equals(self.receiverStatus())) {
      return Precondition.refused(node + ": WAL receiver is " + (self.receiverStatus() == null ? "not running"
          : "'" + self.receiverStatus() + "'") + ", not streaming", facts);
    }
    PgpoolAttach.Backend primary = null;
    List<String> unreadable = new ArrayList<>();
    for (PgpoolAttach.Backend other : backends.values()) {
      if (other == b) {
        continue;
      }
      try {
        if (!other.db().self().inRecovery()) {
          if (primary != null) {
            facts.put("primaries", primary.target() + "," + other.target());
            return Precondition.refused(node + ": two backends are primaries (" + primary.target() + " and "
                + other.target() + "); not attaching anything until that is resolved", facts);
          }
          primary = other;
        }
      } catch (SQLException e) {
        unreadable.add(other.target() + " (" + PostgresBackend.reason(e) + ")");
      }
    }
    if (primary == null) {
      return Precondition.refused(node + ": no configured backend is a reachable primary"
          + (unreadable.isEmpty() ? "" : "; unreachable: " + String.join(", ", unreadable)), facts);
    }
    facts.put("primary", primary.target());
    String app = b.applicationName().orElse(self.applicationName());
    if (app == null) {
      return Precondition.refused(node + ": its application_name is unknown (set targets." + b.target()
          + ".application_name), so the primary's pg_stat_replication cannot confirm it streams", facts);
    }
    facts.put("application_name", app);
    PostgresBackend.Replication row = null;
    try {
      for (PostgresBackend.Replication r : primary.db().replication()) {
        if (app.equals(r.applicationName())) {
          row = r;
        }
      }
    } catch (SQLException e) {
      return Precondition.refused(node + ": primary " + primary.target() + " could not be asked: "
          + PostgresBackend.reason(e), facts);
    }
    if (row == null || !"streaming".equals(row.state())) {
      return Precondition.refused(node + ": primary " + primary.target() + " does not list '" + app
          + "' as streaming in pg_stat_replication" + (row == null ? "" : " (state " + row.state() + ")"), facts);
    }
    facts.put("lag_bytes", Double.isNaN(row.lagBytes()) ? "unknown" : Long.toString((long) row.lagBytes()));
    if (Double.isNaN(row.lagBytes()) || row.lagBytes() > maxLagBytes) {
      return Precondition.refused(node + ": replay lag " + facts.get("lag_bytes") + " bytes is over max_lag_bytes "
          + maxLagBytes, facts);
    }
    return notYetAttached(b, node, facts, "standby streaming from " + primary.target() + ", "
        + facts.get("lag_bytes") + " bytes behind");
  }

  private Precondition primary(PgpoolAttach.Backend b, String node, Map<String, String> facts)
      throws TransientActionException, InterruptedException {
    if (!fencedFailover) {
      return Precondition.refused(node + " is a primary (its backend is not in recovery): attaching a primary "
          + "needs primary_policy: fenced_failover", facts);
    }
    for (PgpoolAttach.Backend other : backends.values()) {
      if (other == b) {
        continue;
      }
      try {
        if (!other.db().self().inRecovery()) {
          facts.put("primaries", b.target() + "," + other.target());
          return Precondition.refused(node + " is a primary and so is " + other.target()
              + ": refusing to attach either (split brain)", facts);
        }
      } catch (SQLException e) {
        return Precondition.refused(node + " is a primary and " + other.target() + " cannot be asked ("
            + PostgresBackend.reason(e) + "): fenced_failover needs every other backend confirmed a standby", facts);
      }
    }
    facts.put("fenced", "true");
    return notYetAttached(b, node, facts, "the only primary; every other backend is a standby (fenced_failover)");
  }

  private Precondition notYetAttached(PgpoolAttach.Backend b, String node, Map<String, String> facts, String why)
      throws TransientActionException, InterruptedException {
    String status;
    try {
      status = pgpool.status(b);
    } catch (IllegalStateException e) {
      return Precondition.refused(node + ": pgpool's view could not be read: " + e.getMessage(), facts);
    }
    facts.put("pgpool_status", status);
    if (status.equals("up") || status.equals("waiting")) {
      return Precondition.refused(node + " is already " + status + " in pgpool: nothing to attach", facts);
    }
    return Precondition.holds(node + ": " + why + "; pgpool has it " + status, facts);
  }
}
