package io.vigil.probes.postgres;

import io.vigil.probes.Observation;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeOptions;
import io.vigil.probes.ProbeType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * PostgreSQL streaming-replication lag, asked either of the primary (every standby in
 * {@code pg_stat_replication}, with the expected ones required) or of a standby about itself
 * ({@code pg_is_in_recovery}, received and replayed WAL, paused replay). One query, one round trip,
 * on a kept-open connection ({@link PgConnection}).
 *
 * <pre>{@code
 * vigil check pg_replication_lag -p 55432 --expect replica1 --apply-lag-critical 100
 * CRITICAL: replica1 replay 3120000 B behind, replay lag 4.6s (streaming async): apply lag 3120000 B
 *   outside critical range 100 | replica1_lag_bytes=3120000B;;;0 ... standbys=1;;;0
 * }</pre>
 *
 * <p>Options: {@code host} (127.0.0.1), {@code port} (5432), {@code user} (postgres),
 * {@code database} (postgres), {@code role} ({@code primary} or {@code replica}), {@code expect}
 * (comma-separated application_names that must be connected; primary only), {@code timeout} (5s),
 * and the thresholds of {@link LagTolerances}, which map to the seed's Migrator settings
 * {@code replication_lag_tolerance} (bytes not received; primary only), {@code apply_lag_tolerance}
 * (bytes not replayed) and {@code time_lag_tolerance} (seconds).
 */
public final class ReplicationLagProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("pg_replication_lag",
      "PostgreSQL streaming replication lag, from the primary or a replica (options: host, port, user, database, "
          + "role=primary|replica, expect=app1,app2, replication_lag_/apply_lag_ (bytes) and time_lag_ (seconds) "
          + "warning/critical, timeout)",
      ReplicationLagProbe::fromOptions);

  /** Which side of replication the probe asks. */
  public enum Role { PRIMARY, REPLICA }

  // One row per standby, or a single row of NULLs when none is connected: the left join keeps the
  // recovery flag, so asking a standby by mistake is reported instead of failing on
  // pg_current_wal_lsn() ("recovery is in progress"). pg_stat_replication is the join of
  // pg_stat_get_wal_senders() with pg_stat_get_activity(NULL), a row for every backend
  // (system_views.sql); asking pg_stat_get_activity only for each walsender's pid builds one row
  // instead. The lag intervals go NULL once the primary is idle (lab recipe, section 1), hence
  // the coalesce; the byte lags come from LSNs. Columns are read by position, in this order.
  static final String PRIMARY_SQL = """
      select s.in_recovery, a.application_name, w.state, w.sync_state,
             coalesce(extract(epoch from w.write_lag), 0)::float8,
             coalesce(extract(epoch from w.flush_lag), 0)::float8,
             coalesce(extract(epoch from w.replay_lag), 0)::float8,
             pg_wal_lsn_diff(s.lsn, w.flush_lsn)::float8,
             pg_wal_lsn_diff(w.flush_lsn, w.replay_lsn)::float8,
             pg_wal_lsn_diff(s.lsn, w.replay_lsn)::float8
      from (select pg_is_in_recovery() as in_recovery,
                   case when not pg_is_in_recovery() then pg_current_wal_lsn() end as lsn) s
      left join (pg_stat_get_wal_senders() w cross join lateral pg_stat_get_activity(w.pid) a) on true""";

  // Seconds behind is 0 while everything received is replayed: now() - last replayed commit would
  // otherwise grow forever on an idle primary (lab recipe, section 1). "Received <= replayed", not
  // "=": after a restart the WAL receiver starts from the beginning of the segment replay stopped
  // in, so received stays behind replayed until new WAL arrives (920408 B behind for as long as the
  // lab's primary stayed idle). The replay functions raise an error outside recovery, so they only
  // run inside the CASE. Columns are read by position, in this order.
  static final String REPLICA_SQL = """
      select pg_is_in_recovery(),
             case when pg_is_in_recovery() then pg_is_wal_replay_paused() end,
             case when pg_last_wal_receive_lsn() is null then null
                  when pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() then 0
                  else pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) end::float8,
             case when pg_last_wal_receive_lsn() is null then null
                  when pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() then 0
                  else extract(epoch from now() - pg_last_xact_replay_timestamp()) end::float8,
             w.status,
             substring(w.conninfo from 'application_name=([^ ]+)')
      from (select 1) one left join pg_stat_wal_receiver w on true""";

  private final String name;
  private final Role role;
  private final List<String> expected;
  private final LagTolerances tolerances;
  private final Duration timeout;
  private final PgConnection db;

  public ReplicationLagProbe(String name, String host, int port, String user, String database, Role role,
      List<String> expected, LagTolerances tolerances, Duration timeout) {
    if (role == Role.REPLICA && !expected.isEmpty()) {
      throw new IllegalArgumentException("option 'expect' applies to role=primary only (a replica cannot see its peers)");
    }
    this.name = name;
    this.role = role;
    this.expected = List.copyOf(expected);
    this.tolerances = tolerances;
    this.timeout = timeout;
    this.db = PgConnection.toPostgres(host, port, database, user, name, timeout);
  }

  private static ReplicationLagProbe fromOptions(String name, ProbeOptions o) {
    String roleText = o.string("role", "primary").toLowerCase(Locale.ROOT);
    Role role = switch (roleText) {
      case "primary" -> Role.PRIMARY;
      case "replica", "standby" -> Role.REPLICA;
      default -> throw new IllegalArgumentException("option 'role': '" + roleText + "' (expected: primary or replica)");
    };
    if (role == Role.REPLICA && (o.string("replication_lag_warning", null) != null
        || o.string("replication_lag_critical", null) != null)) {
      throw new IllegalArgumentException("replication_lag_warning/critical apply to role=primary only: "
          + "a replica cannot see how much WAL the primary has not sent yet (use apply_lag_ and time_lag_)");
    }
    List<String> expected = Arrays.stream(o.string("expect", "").split(","))
        .map(String::strip).filter(s -> !s.isEmpty()).toList();
    return new ReplicationLagProbe(name, o.string("host", "127.0.0.1"), o.port("port", 5432),
        o.string("user", "postgres"), o.string("database", "postgres"), role, expected, LagTolerances.from(o),
        o.duration("timeout", Duration.ofSeconds(5)));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public synchronized Observation check() {
    try {
      return role == Role.PRIMARY ? checkPrimary() : checkReplica();
    } catch (SQLException e) {
      return db.failure(role == Role.PRIMARY ? "primary" : "replica", e);
    }
  }

  private Observation checkPrimary() throws SQLException {
    boolean[] inRecovery = new boolean[1];
    List<StandbyLag> standbys = db.query(PRIMARY_SQL, rs -> {
      List<StandbyLag> rows = new ArrayList<>(2);
      while (rs.next()) {
        inRecovery[0] = rs.getBoolean(1);
        if (rs.getString(3) != null) {
          rows.add(new StandbyLag(rs.getString(2), rs.getString(3), rs.getString(4), number(rs, 5), number(rs, 6),
              number(rs, 7), number(rs, 8), number(rs, 9), number(rs, 10)));
        }
      }
      return rows;
    });
    return LagVerdict.ofPrimary(db.target(), inRecovery[0], standbys, expected, tolerances);
  }

  private Observation checkReplica() throws SQLException {
    ReplicaStatus status = db.query(REPLICA_SQL, rs -> {
      if (!rs.next()) {
        throw new SQLException("the replica query returned no row");
      }
      return new ReplicaStatus(rs.getBoolean(1), rs.getBoolean(2), rs.getString(6), rs.getString(5),
          number(rs, 3), number(rs, 4));
    });
    return LagVerdict.ofReplica(db.target(), status, tolerances);
  }

  /** A float8 column, NaN for NULL. */
  private static double number(ResultSet rs, int column) throws SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? Double.NaN : value;
  }

  @Override
  public void close() {
    db.close();
  }
}
