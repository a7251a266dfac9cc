package io.vigil.probes.pgbouncer;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeOptions;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import io.vigil.probes.postgres.ConsoleConnection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PgBouncer's pools from its admin console ({@code SHOW POOLS} in the {@code pgbouncer} database):
 * per database and user, the clients waiting for a server connection ({@code cl_waiting}) and how
 * long the oldest has waited ({@code maxwait} + {@code maxwait_us}), each against thresholds.
 * Clients waiting means the pool is exhausted: every server connection is busy.
 *
 * <pre>{@code
 * vigil check pgbouncer_pools -p 56432 --user postgres --waiting-warning 0
 * WARNING: vigil/postgres 1 waiting for 0.8s, 2 active, servers 2 active 0 idle: cl_waiting 1 outside warning range 0
 * }</pre>
 *
 * <p>Options: {@code host} (127.0.0.1), {@code port} (6432), {@code user} (pgbouncer; must be in
 * {@code admin_users} or {@code stats_users}), {@code waiting_warning}/{@code waiting_critical}
 * (clients; none by default, as a moment of waiting is normal under load),
 * {@code maxwait_warning}/{@code maxwait_critical} (seconds; 1 and 5), {@code timeout} (5s).
 *
 * <p>The admin console is read through {@link ConsoleConnection}, not JDBC: pgjdbc 42.7.5+ cannot
 * log in to it (it sends a {@code SET} the console refuses). The password, if the console wants
 * one, comes from {@code PGPASSFILE} or {@code ~/.pgpass}.
 */
public final class PgbouncerPoolsProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("pgbouncer_pools",
      "PgBouncer SHOW POOLS: clients waiting and longest wait per pool (options: host, port, user, "
          + "waiting_warning, waiting_critical, maxwait_warning, maxwait_critical in seconds, timeout)",
      PgbouncerPoolsProbe::fromOptions);

  /** One row of SHOW POOLS. */
  record Pool(String database, String user, long clientsActive, long clientsWaiting, long serversActive,
      long serversIdle, double maxWaitSeconds, String poolMode) {
  }

  private final String name;
  private final ConsoleConnection console;
  private final Thresholds waiting;
  private final Thresholds maxWait;
  private final Duration timeout;

  PgbouncerPoolsProbe(String name, ConsoleConnection console, Thresholds waiting, Thresholds maxWait, Duration timeout) {
    this.name = name;
    this.console = console;
    this.waiting = waiting;
    this.maxWait = maxWait;
    this.timeout = timeout;
  }

  private static PgbouncerPoolsProbe fromOptions(String name, ProbeOptions o) {
    Duration timeout = o.duration("timeout", Duration.ofSeconds(5));
    ConsoleConnection console = new ConsoleConnection(o.string("host", "127.0.0.1"), o.port("port", 6432), "pgbouncer",
        o.string("user", "pgbouncer"), name, timeout);
    return new PgbouncerPoolsProbe(name, console, o.thresholds("waiting_", null, null),
        o.thresholds("maxwait_", "1", "5"), timeout);
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
    List<Pool> pools;
    try {
      pools = read(console.query("SHOW POOLS"));
    } catch (SQLException e) {
      return console.failure("pgbouncer", e);
    } catch (IllegalArgumentException e) {
      return Observation.of(CheckState.UNKNOWN, "pgbouncer " + console.target() + ": " + e.getMessage());
    }
    return judge(pools, waiting, maxWait);
  }

  static Observation judge(List<Pool> pools, Thresholds waiting, Thresholds maxWait) {
    CheckState state = CheckState.OK;
    List<String> problems = new ArrayList<>();
    List<String> fine = new ArrayList<>();
    List<Perfdata> perfdata = new ArrayList<>();
    long totalWaiting = 0;
    for (Pool pool : pools) {
      String id = pool.database() + "/" + pool.user();
      String label = (pool.database() + "_" + pool.user()).replaceAll("[=\\p{Cntrl}]", "_");
      CheckState waitingState = waiting.evaluate(pool.clientsWaiting());
      CheckState maxWaitState = maxWait.evaluate(pool.maxWaitSeconds());
      CheckState poolState = waitingState.worse(maxWaitState);
      List<String> notes = new ArrayList<>();
      if (waitingState != CheckState.OK) {
        notes.add("cl_waiting " + pool.clientsWaiting() + " outside " + range(waiting, waitingState));
      }
      if (maxWaitState != CheckState.OK) {
        notes.add(String.format(Locale.ROOT, "maxwait %.1fs outside %s", pool.maxWaitSeconds(), range(maxWait, maxWaitState)));
      }
      String phrase = String.format(Locale.ROOT, "%s %d waiting%s, %d active, servers %d active %d idle%s", id,
          pool.clientsWaiting(), pool.clientsWaiting() > 0 ? String.format(Locale.ROOT, " for %.1fs", pool.maxWaitSeconds()) : "",
          pool.clientsActive(), pool.serversActive(), pool.serversIdle(), notes.isEmpty() ? "" : ": " + String.join(", ", notes));
      (poolState == CheckState.OK ? fine : problems).add(phrase);
      state = state.worse(poolState);
      totalWaiting += pool.clientsWaiting();
      perfdata.add(Perfdata.of(label + "_cl_waiting", pool.clientsWaiting(), "").withThresholds(waiting).withMin(0));
      perfdata.add(Perfdata.of(label + "_maxwait_seconds", pool.maxWaitSeconds(), "s").withThresholds(maxWait).withMin(0));
      perfdata.add(Perfdata.of(label + "_cl_active", pool.clientsActive(), "").withMin(0));
      perfdata.add(Perfdata.of(label + "_sv_active", pool.serversActive(), "").withMin(0));
      perfdata.add(Perfdata.of(label + "_sv_idle", pool.serversIdle(), "").withMin(0));
    }
    perfdata.add(0, Perfdata.of("cl_waiting", totalWaiting, "").withMin(0));
    List<String> phrases = new ArrayList<>(problems);
    phrases.addAll(fine);
    String summary = pools.isEmpty() ? "no pools yet (no client has connected through PgBouncer)"
        : pools.size() + " pool" + (pools.size() == 1 ? "" : "s") + ", " + totalWaiting + " client"
            + (totalWaiting == 1 ? "" : "s") + " waiting: " + String.join("; ", phrases);
    return new Observation(state, summary, perfdata);
  }

  private static String range(Thresholds thresholds, CheckState state) {
    return state.name().toLowerCase(Locale.ROOT) + " range "
        + (state == CheckState.CRITICAL ? thresholds.critical() : thresholds.warning());
  }

  static List<Pool> read(List<Map<String, String>> rows) {
    List<Pool> pools = new ArrayList<>();
    for (Map<String, String> row : rows) {
      String database = row.get("database");
      if ("pgbouncer".equals(database)) {
        continue;   // the admin console's own pseudo-pool, which holds this very session
      }
      // maxwait is whole seconds, maxwait_us the microseconds on top (PgBouncer 1.8+)
      double maxWait = number(row, "maxwait") + (row.containsKey("maxwait_us") ? number(row, "maxwait_us") / 1e6 : 0);
      pools.add(new Pool(database, row.get("user"), number(row, "cl_active"), number(row, "cl_waiting"),
          number(row, "sv_active"), number(row, "sv_idle"), maxWait, row.get("pool_mode")));
    }
    return pools;
  }

  private static long number(Map<String, String> row, String column) {
    String text = row.get(column);
    if (text == null) {
      throw new IllegalArgumentException("SHOW POOLS has no " + column + " column (is this PgBouncer?): " + row.keySet());
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SHOW POOLS " + column + " '" + text + "' is not a number");
    }
  }

  @Override
  public void close() {
    console.close();
  }
}
