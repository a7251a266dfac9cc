package io.vigil.probes.pgpool;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeOptions;
import io.vigil.probes.ProbeType;
import io.vigil.probes.postgres.PgConnection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * pgpool-II's backend nodes as its clients see them: {@code SHOW POOL_NODES}, answered by pgpool
 * itself, on a kept-open connection through pgpool's own port. Judged by {@link NodeVerdict}.
 *
 * <pre>{@code
 * vigil check pgpool_nodes -p 59999
 * OK: 2 of 2 nodes up: node 0 127.0.0.1:55432 primary up; node 1 127.0.0.1:55433 standby up (streaming async, 0 B behind)
 * }</pre>
 *
 * <p>Options: {@code host} (127.0.0.1), {@code port} (9999), {@code user} (postgres),
 * {@code database} (postgres), {@code down} (critical, warning or ok), {@code delay_warning} and
 * {@code delay_critical} (bytes), {@code timeout} (5s). The password, if any, comes from
 * {@code PGPASSFILE} or {@code ~/.pgpass}.
 *
 * <p>The kept connection occupies one of pgpool's {@code num_init_children} while the probe lives.
 * Columns are read by name, so older pgpool versions without {@code pg_status}/{@code pg_role}
 * (before 4.3) work too.
 */
public final class PgpoolNodesProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("pgpool_nodes",
      "pgpool-II backend nodes via SHOW POOL_NODES (options: host, port, user, database, "
          + "down=critical|warning|ok, delay_warning, delay_critical in bytes, timeout)",
      PgpoolNodesProbe::fromOptions);

  private final String name;
  private final PgConnection db;
  private final NodeVerdict.Policy policy;
  private final Duration timeout;

  PgpoolNodesProbe(String name, PgConnection db, NodeVerdict.Policy policy, Duration timeout) {
    this.name = name;
    this.db = db;
    this.policy = policy;
    this.timeout = timeout;
  }

  private static PgpoolNodesProbe fromOptions(String name, ProbeOptions o) {
    Duration timeout = o.duration("timeout", Duration.ofSeconds(5));
    PgConnection db = PgConnection.toConsole(o.string("host", "127.0.0.1"), o.port("port", 9999),
        o.string("database", "postgres"), o.string("user", "postgres"), name, timeout);
    return new PgpoolNodesProbe(name, db, NodeVerdict.Policy.from(o), timeout);
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
    List<PgpoolNode> nodes;
    try {
      nodes = db.query("SHOW POOL_NODES", PgpoolNodesProbe::read);
    } catch (SQLException e) {
      return db.failure("pgpool", e);
    } catch (IllegalArgumentException e) {
      return Observation.of(CheckState.UNKNOWN, "pgpool " + db.target() + ": " + e.getMessage());
    }
    return NodeVerdict.judge(nodes, policy);
  }

  private static List<PgpoolNode> read(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    Set<String> columns = new HashSet<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      columns.add(md.getColumnLabel(i));
    }
    if (!columns.containsAll(List.of("node_id", "hostname", "port", "status", "role"))) {
      throw new IllegalArgumentException("SHOW POOL_NODES has no node_id, hostname, port, status and role columns "
          + "(is this pgpool-II?): " + columns);
    }
    List<PgpoolNode> nodes = new ArrayList<>();
    while (rs.next()) {
      nodes.add(new PgpoolNode(integer(rs, "node_id"), rs.getString("hostname"), integer(rs, "port"),
          rs.getString("status"), optional(rs, columns, "pg_status"), rs.getString("role"),
          optional(rs, columns, "pg_role"), delay(optional(rs, columns, "replication_delay")),
          optional(rs, columns, "replication_state"), optional(rs, columns, "replication_sync_state"),
          optional(rs, columns, "last_status_change")));
    }
    return nodes;
  }

  private static int integer(ResultSet rs, String column) throws SQLException {
    String text = rs.getString(column);
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException | NullPointerException e) {
      throw new IllegalArgumentException("SHOW POOL_NODES " + column + " '" + text + "' is not a number");
    }
  }

  private static String optional(ResultSet rs, Set<String> columns, String column) throws SQLException {
    return columns.contains(column) ? rs.getString(column) : null;
  }

  private static double delay(String text) {
    if (text == null || text.isBlank()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SHOW POOL_NODES replication_delay '" + text + "' is not a number");
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
