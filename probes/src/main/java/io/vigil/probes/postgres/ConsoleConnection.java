package io.vigil.probes.postgres;

import io.vigil.probes.Observation;
import io.vigil.probes.postgres.internal.PgPass;
import io.vigil.probes.postgres.internal.SimpleQueryClient;
import java.io.IOException;
import java.net.ProtocolException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One kept-open connection to a pooler's admin console that speaks the PostgreSQL protocol but is
 * not PostgreSQL, such as PgBouncer's {@code pgbouncer} database, where JDBC cannot log in (see
 * {@link SimpleQueryClient}). Simple queries only, rows as text. Like {@link PgConnection}, it
 * reconnects after a failure, retries once on a kept connection that died between runs, bounds
 * every wait by the probe's timeout, and takes a password only from {@code PGPASSFILE} or
 * {@code ~/.pgpass}.
 *
 * <pre>{@code
 * ConsoleConnection console = new ConsoleConnection("127.0.0.1", 6432, "pgbouncer", "stats", "pools", Duration.ofSeconds(5));
 * List<Map<String, String>> pools = console.query("SHOW POOLS");
 * }</pre>
 */
public final class ConsoleConnection implements AutoCloseable {

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String applicationName;
  private final Duration timeout;
  // volatile: close() runs on another thread than a query that may be blocked in a socket read
  private volatile SimpleQueryClient client;

  public ConsoleConnection(String host, int port, String database, String user, String probeName, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: more than zero)");
    }
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.applicationName = "vigil-" + probeName;
    this.timeout = timeout;
  }

  /** {@code 127.0.0.1:6432/pgbouncer}, for summaries. */
  public String target() {
    return host + ":" + port + "/" + database;
  }

  /**
   * Runs one simple query on the kept connection, opening it first if needed.
   *
   * @throws SQLException the server's error with its SQLSTATE; SQLSTATE 08001 (cannot connect)
   *                      or 08006 (connection lost) for network failures; no SQLSTATE when the
   *                      peer does not speak the PostgreSQL protocol
   */
  public synchronized List<Map<String, String>> query(String sql) throws SQLException {
    boolean reused = client != null;
    try {
      return open().query(sql);
    } catch (IOException e) {
      discard();
      if (!reused) {
        throw lost(e);
      }
    } catch (SQLException e) {
      if (SqlStates.isConnectionLoss(e)) {
        discard();
      }
      throw e;
    }
    // the kept connection died since the last run (pooler restarted, idle timeout): one retry
    try {
      return open().query(sql);
    } catch (IOException e) {
      discard();
      throw lost(e);
    }
  }

  private SimpleQueryClient open() throws SQLException {
    SimpleQueryClient c = client;
    if (c != null) {
      return c;
    }
    try {
      c = SimpleQueryClient.connect(host, port, database, user, applicationName,
          () -> PgPass.lookup(host, port, database, user).orElse(null), timeout);
    } catch (ProtocolException e) {
      throw lost(e);
    } catch (IOException e) {
      throw new SQLException(SqlStates.describe(e), "08001", e);
    }
    client = c;
    return c;
  }

  private static SQLException lost(IOException e) {
    // a peer that does not speak the protocol is not an outage: no SQLSTATE, so UNKNOWN
    return new SQLException(SqlStates.describe(e), e instanceof ProtocolException ? null : "08006", e);
  }

  /** The result for a failed query, as {@link PgConnection#failure(String, String, SQLException)} words it. */
  public Observation failure(String what, SQLException e) {
    return PgConnection.failure(what, target() + " as " + user, e);
  }

  private void discard() {
    SimpleQueryClient c = client;
    client = null;
    if (c != null) {
      c.close();
    }
  }

  /** Closes the connection; not synchronized, so it can unblock a query stuck in a read. */
  @Override
  public void close() {
    discard();
  }
}
