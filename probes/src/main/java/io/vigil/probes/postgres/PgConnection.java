package io.vigil.probes.postgres;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One JDBC connection to PostgreSQL, or to pgpool-II or PgBouncer (which speak its protocol), opened
 * on first use and kept open across probe runs: on loopback a new PostgreSQL connection costs about
 * 140 times a query on an open one (issue 3; measured again by {@code bin/bench pg-lag-probe}).
 *
 * <pre>{@code
 * PgConnection db = PgConnection.toPostgres("127.0.0.1", 5432, "postgres", "postgres", "pg_lag", Duration.ofSeconds(5));
 * long replicas = db.query("select count(*) from pg_stat_replication", rs -> { rs.next(); return rs.getLong(1); });
 * }</pre>
 *
 * <p>Each statement is prepared once per connection and reused, so after the first run the server
 * neither parses nor plans it again. Every wait is bounded by the probe's timeout: connect and
 * login, socket reads, and (for PostgreSQL itself) a server-side {@code statement_timeout} a little
 * shorter than the probe's deadline, so a slow query is cancelled by the server and reported as such
 * before the {@link io.vigil.probes.ProbeRunner} gives up. Passwords are never options: the driver
 * reads them from {@code PGPASSFILE} or {@code ~/.pgpass}, as libpq does.
 */
public final class PgConnection implements AutoCloseable {

  /** Reads the result of one query. */
  @FunctionalInterface
  public interface Rows<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final Properties properties;
  // volatile: close() runs on another thread than a query that may be blocked in a socket read
  private volatile Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  private PgConnection(String host, int port, String database, String user, String applicationName,
      Duration timeout, boolean console) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: more than zero)");
    }
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    // pgjdbc takes whole seconds here, and 0 would mean "wait forever"
    String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
    properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("connectTimeout", seconds);
    properties.setProperty("loginTimeout", seconds);
    properties.setProperty("socketTimeout", seconds);
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "vigil-" + applicationName);
    // application_name travels in the startup packet only when pgjdbc may assume 9.0+; otherwise
    // it costs a "SET application_name" round trip after every login (ConnectionFactoryImpl)
    properties.setProperty("assumeMinServerVersion", "9.0");
    if (console) {
      // pgpool answers its own SHOW commands, in the simple query protocol
      properties.setProperty("preferQueryMode", "simple");
    } else {
      // named server-side statements from the first execution (pgjdbc's default waits for five)
      properties.setProperty("prepareThreshold", "1");
      // the server cancels a slow query at 80% of the deadline: a named cause, not a timeout
      long statementMillis = Math.max(1, timeout.toMillis() * 4 / 5);
      properties.setProperty("options", "-c statement_timeout=" + statementMillis);
    }
  }

  /** A connection to a PostgreSQL server, with a server-side statement timeout. */
  public static PgConnection toPostgres(String host, int port, String database, String user, String probeName,
      Duration timeout) {
    return new PgConnection(host, port, database, user, probeName, timeout, false);
  }

  /**
   * A connection through pgpool-II to ask pgpool itself ({@code SHOW POOL_NODES}): simple query
   * protocol and no {@code statement_timeout}, which pgpool does not apply to its own commands.
   * PgBouncer's admin console needs {@link ConsoleConnection} instead.
   */
  public static PgConnection toConsole(String host, int port, String database, String user, String probeName,
      Duration timeout) {
    return new PgConnection(host, port, database, user, probeName, timeout, true);
  }

  /** {@code 127.0.0.1:5432/postgres}, for summaries. */
  public String target() {
    return host + ":" + port + "/" + database;
  }

  /**
   * Runs {@code sql} on the kept connection, opening it first if needed. A kept connection that
   * turns out to be dead (the server restarted, or a pooler dropped it since the last run) is
   * replaced and the query run once more, so one stale socket never reads as an outage.
   */
  public synchronized <T> T query(String sql, Rows<T> rows) throws SQLException {
    boolean reused = connection != null;
    try {
      return execute(sql, rows);
    } catch (SQLException e) {
      boolean lost = SqlStates.isConnectionLoss(e);
      if (lost || connection == null || connection.isClosed()) {
        discard();
      }
      if (!reused || !lost) {
        throw e;
      }
      return execute(sql, rows);
    }
  }

  private <T> T execute(String sql, Rows<T> rows) throws SQLException {
    Connection c = connection;
    if (c == null) {
      statements.clear();   // prepared on a connection that close() took away
      c = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
      connection = c;
    }
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = c.prepareStatement(sql);
      statements.put(sql, statement);
    }
    try (ResultSet rs = statement.executeQuery()) {
      return rows.read(rs);
    }
  }

  /** The result for a failed query on this connection: see {@link #failure(String, String, SQLException)}. */
  public Observation failure(String what, SQLException e) {
    return failure(what, target() + " as " + user, e);
  }

  /**
   * The result for a failed query: CRITICAL for what the monitored service or the network caused
   * (no connection, refused login, server-side timeout), UNKNOWN for anything else, such as SQL
   * the server does not understand. The summary names the target and the server's own words.
   */
  public static Observation failure(String what, String target, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    CheckState checkState = switch (state.length() >= 2 ? state.substring(0, 2) : "") {
      // 08 connection exception, 28 invalid authorization, 3D unknown database, 53 out of
      // resources (too many connections), 57 operator intervention (statement timeout, shutdown)
      case "08", "28", "3D", "53", "57" -> CheckState.CRITICAL;
      default -> CheckState.UNKNOWN;
    };
    return Observation.of(checkState, what + " " + target + ": " + message(e));
  }

  /** The server's message without pgjdbc's advice sentences and with the SQLSTATE for odd cases. */
  static String message(SQLException e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    // "Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct and ..."
    int advice = text.indexOf(". Check that");
    if (advice > 0) {
      text = text.substring(0, advice);
    }
    if ("57014".equals(e.getSQLState())) {
      text += " (statement_timeout)";
    }
    return text;
  }

  /** Closes the kept connection; the next {@link #query} opens a new one. */
  private void discard() {
    statements.clear();
    Connection c = connection;
    connection = null;
    closeQuietly(c);
  }

  /**
   * Closes the connection. Deliberately not synchronized: a query blocked in a socket read holds
   * the lock, and closing the socket underneath it is what releases that thread.
   */
  @Override
  public void close() {
    Connection c = connection;
    connection = null;
    closeQuietly(c);
  }

  private static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // the connection was already broken; closing it is all we wanted
    }
  }
}
