package io.vigil.probes.postgres;

/**
 * What a standby reports about itself.
 *
 * @param applicationName the {@code application_name} it streams under (from its WAL receiver's
 *                        conninfo), or null when it has no WAL receiver or does not say
 * @param receiverStatus  {@code pg_stat_wal_receiver.status}, or null without a WAL receiver
 * @param applyLagBytes   WAL received and not yet replayed, NaN when unknown
 * @param lagSeconds      seconds replay is behind; 0 when all received WAL is replayed; NaN when
 *                        nothing has been replayed yet
 */
record ReplicaStatus(boolean inRecovery, boolean replayPaused, String applicationName, String receiverStatus,
    double applyLagBytes, double lagSeconds) {
}
