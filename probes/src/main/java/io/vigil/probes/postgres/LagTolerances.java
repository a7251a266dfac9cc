package io.vigil.probes.postgres;

import io.vigil.probes.ProbeOptions;
import io.vigil.probes.Thresholds;

/**
 * How far a streaming replica may fall behind before {@code pg_replication_lag} alerts: three
 * Nagios ranges that mirror, one to one, the three tolerances of the seed deployment's Migrator
 * (002_bf0c72bf10f7901e.txt, section 7.20, {@code migrate.replication_monitor.*}).
 *
 * <p>The Migrator (edmigrate, {@code edmigrate/utils/replication_monitor.py} in
 * SmarterApp/RDW_DataWarehouse) reads repmgr 2's {@code repl_status} view and puts a replica back
 * into the pool only when all three hold:
 * <ul>
 * <li>{@code replication_lag_tolerance} (seed: 100), <b>bytes</b>: WAL the primary has written
 *     that the standby has not yet received. Here: {@code replication_lag}, measured on the primary
 *     as {@code pg_wal_lsn_diff(pg_current_wal_lsn(), flush_lsn)}; perfdata
 *     {@code <replica>_replication_lag_bytes}. Only a primary can see it.
 * <li>{@code apply_lag_tolerance} (seed: 100), <b>bytes</b>: WAL the standby has received but
 *     not yet replayed. Here: {@code apply_lag}, {@code flush_lsn - replay_lsn} from the primary
 *     or {@code pg_last_wal_receive_lsn() - pg_last_wal_replay_lsn()} on the replica; perfdata
 *     {@code <replica>_apply_lag_bytes} (primary) or {@code apply_lag_bytes} (replica).
 * <li>{@code time_lag_tolerance} (seed: 100; edmigrate's code default 60), <b>seconds</b> the
 *     standby is behind. Here: {@code time_lag}, pg_stat_replication's {@code replay_lag} on the
 *     primary, or on the replica the time since the last replayed commit while WAL is waiting to
 *     be replayed (0 when everything received is replayed, so it does not grow on an idle
 *     primary); perfdata {@code <replica>_replay_lag_seconds} or {@code lag_seconds}. The
 *     replica's figure is an upper bound: a standby cannot know when the WAL it has not replayed
 *     was written, so after an idle spell a fresh backlog counts from the last commit before it.
 * </ul>
 * The sum of the two byte lags is {@code <replica>_lag_bytes}: how far replay is behind the
 * primary's current WAL position ({@code pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)}).
 *
 * <p>The seed's values are a gate for the migration ("in sync enough to serve again"), far too
 * tight for alerting on a busy primary, so the defaults here are looser; to alert exactly where the
 * Migrator would refuse a node, configure
 * {@code replication_lag_critical=100 apply_lag_critical=100 time_lag_critical=100}.
 *
 * @param replicationLag bytes not yet received by the standby
 * @param applyLag       bytes received but not yet replayed
 * @param timeLag        seconds behind
 */
public record LagTolerances(Thresholds replicationLag, Thresholds applyLag, Thresholds timeLag) {

  /** One WAL segment (the default 16 MiB) not yet received or replayed warns; 16 segments are critical. */
  static final String BYTES_WARNING = "16777216";
  static final String BYTES_CRITICAL = "268435456";
  /** edmigrate's own default time_lag_tolerance warns; the seed's configured 100 s is critical. */
  static final String SECONDS_WARNING = "60";
  static final String SECONDS_CRITICAL = "100";

  public LagTolerances {
    if (replicationLag == null || applyLag == null || timeLag == null) {
      throw new IllegalArgumentException("replicationLag, applyLag and timeLag are required (use Thresholds.NONE)");
    }
  }

  /** The defaults above. */
  public static LagTolerances defaults() {
    return new LagTolerances(Thresholds.parse(BYTES_WARNING, BYTES_CRITICAL),
        Thresholds.parse(BYTES_WARNING, BYTES_CRITICAL), Thresholds.parse(SECONDS_WARNING, SECONDS_CRITICAL));
  }

  /**
   * Reads {@code replication_lag_warning}, {@code replication_lag_critical},
   * {@code apply_lag_warning}, {@code apply_lag_critical}, {@code time_lag_warning} and
   * {@code time_lag_critical}.
   */
  static LagTolerances from(ProbeOptions options) {
    return new LagTolerances(
        options.thresholds("replication_lag_", BYTES_WARNING, BYTES_CRITICAL),
        options.thresholds("apply_lag_", BYTES_WARNING, BYTES_CRITICAL),
        options.thresholds("time_lag_", SECONDS_WARNING, SECONDS_CRITICAL));
  }
}
