package io.vigil.probes.postgres;

/**
 * One row of {@code pg_stat_replication} as the primary reports a standby. Values the server
 * reported as NULL are NaN: the lag intervals go NULL on an idle primary (read as 0 by the query)
 * and the LSNs are NULL while a walsender starts up.
 *
 * @param replicationLagBytes WAL written by the primary and not yet flushed by the standby
 * @param applyLagBytes       WAL flushed by the standby and not yet replayed
 * @param lagBytes            WAL written by the primary and not yet replayed: the sum of both
 */
record StandbyLag(String applicationName, String state, String syncState, double writeLagSeconds,
    double flushLagSeconds, double replayLagSeconds, double replicationLagBytes, double applyLagBytes,
    double lagBytes) {

  StandbyLag {
    applicationName = applicationName == null ? "" : applicationName;
    state = state == null ? "unknown" : state;
    syncState = syncState == null ? "unknown" : syncState;
    // a standby that just restarted reports a flush position behind its replay position until new
    // WAL arrives; nothing is unreplayed then (Math.max keeps NaN)
    applyLagBytes = Math.max(0, applyLagBytes);
  }
}
