package io.vigil.remediations.postgres;

import io.vigil.probes.postgres.PgConnection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One PostgreSQL server a remediation asks for fresh facts before acting: whether it is a standby,
 * whether its replay is paused, what its WAL receiver streams from, and (on the primary) which
 * standbys stream from it and how far behind they are. Every call is one query on a kept-open
 * connection ({@link PgConnection}); passwords come from {@code PGPASSFILE} or {@code ~/.pgpass}.
 */
public final class PostgresBackend implements AutoCloseable {

  /** What a server says about itself. {@code receiverStatus} is null without a WAL receiver. */
  public record Standby(boolean inRecovery, boolean replayPaused, String receiverStatus, String senderHost,
      int senderPort, String applicationName) {
  }

  /** One row of the primary's {@code pg_stat_replication}; {@code lagBytes} NaN while unknown. */
  public record Replication(String applicationName, String state, double lagBytes) {
  }

  // pg_is_wal_replay_paused() and the receiver only exist in recovery; the left join keeps the row
  // on a primary. conninfo (superuser or pg_read_all_stats) names the application_name the primary
  // lists the standby under. Columns are read by position.
  static final String SELF_SQL = """
      select pg_is_in_recovery(),
             case when pg_is_in_recovery() then pg_is_wal_replay_paused() end,
             w.status, w.sender_host, w.sender_port,
             substring(w.conninfo from 'application_name=([^ ]+)')
      from (select 1) one left join pg_stat_wal_receiver w on true""";

  // replay_lsn, not flush_lsn: a standby serves reads from what it has replayed. The CASE keeps
  // pg_current_wal_lsn() from raising "recovery is in progress" if the server was demoted since.
  static final String REPLICATION_SQL = """
      select r.application_name, r.state,
             case when not pg_is_in_recovery() then pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn) end::float8
      from pg_stat_replication r""";

  static final String RESUME_SQL = "select pg_wal_replay_resume()";

  private final String address;
  private final PgConnection db;

  public PostgresBackend(String host, int port, String database, String user, String purpose, Duration timeout) {
    this.address = host + ":" + port;
    this.db = PgConnection.toPostgres(host, port, database, user, purpose, timeout);
  }

  /** {@code 127.0.0.1:55433}. */
  public String address() {
    return address;
  }

  public Standby self() throws SQLException {
    return db.query(SELF_SQL, rs -> {
      if (!rs.next()) {
        throw new SQLException("no row from " + address);
      }
      boolean recovery = rs.getBoolean(1);
      boolean paused = rs.getBoolean(2);
      int senderPort = rs.getInt(5);
      return new Standby(recovery, paused, rs.getString(3), rs.getString(4), rs.wasNull() ? 0 : senderPort,
          rs.getString(6));
    });
  }

  public List<Replication> replication() throws SQLException {
    return db.query(REPLICATION_SQL, rs -> {
      List<Replication> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(new Replication(rs.getString(1), rs.getString(2), number(rs, 3)));
      }
      return rows;
    });
  }

  /** Runs {@code pg_wal_replay_resume()}: an error outside recovery. */
  public void resumeReplay() throws SQLException {
    db.query(RESUME_SQL, rs -> rs.next());
  }

  /** The server's words for a failure, without pgjdbc's advice sentence. */
  public static String reason(SQLException e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    int advice = text.indexOf(". Check that");
    return advice > 0 ? text.substring(0, advice) : text;
  }

  private static double number(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? Double.NaN : v;
  }

  @Override
  public void close() {
    db.close();
  }
}
