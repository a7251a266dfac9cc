package io.vigil.probes.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pgbouncer_pools against the lab's real PgBouncer 1.18 (56432, transaction pooling, 2 server
 * connections per pool) in front of the primary: clients made to wait by holding both server
 * connections in open transactions.
 */
class PgbouncerPoolsIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeCatalog CATALOG = ProbeCatalog.standard();
  private static final ProbeRunner RUNNER = new ProbeRunner();
  private static final int POOL_SIZE = 2;   // default_pool_size in lab/components/pgbouncer.sh

  @BeforeAll
  static void labUp() {
    LAB.up("pgbouncer");
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  private static Probe probe(Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(Map.of("port", Integer.toString(LabPorts.PGBOUNCER), "user", "postgres",
        "timeout", "3s"));
    options.putAll(extra);
    return CATALOG.create("pgbouncer_pools", "pgbouncer", options);
  }

  /** A client of the vigil pool that holds a server connection in an open transaction. */
  private static Connection holdServerConnection() throws SQLException {
    Connection c = PgLab.connect(LabPorts.PGBOUNCER, "vigil");
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("select 1");   // the transaction starts, and PgBouncer assigns a server connection until it ends
    }
    return c;
  }

  @Test
  void clientsWaitingForAFullPool_goWarningThenCritical_andClearOnRelease() throws Exception {
    ExecutorService waiters = Executors.newCachedThreadPool();
    List<Connection> held = new ArrayList<>();
    List<Future<String>> waiting = new ArrayList<>();
    try (Probe probe = probe(Map.of("waiting_warning", "0", "waiting_critical", "1"))) {
      ProbeResult idle = PgLab.await(RUNNER, probe, Duration.ofSeconds(10), "no client waiting", r -> r.state() == CheckState.OK);
      assertThat(idle.value("cl_waiting")).isZero();
      assertThat(idle.summary()).contains("vigil/postgres 0 waiting");
      try {
        for (int i = 0; i < POOL_SIZE; i++) {
          held.add(holdServerConnection());
        }
        waiting.add(waiters.submit(() -> PgLab.value(LabPorts.PGBOUNCER, "vigil", "select 'served'")));
        ProbeResult one = PgLab.await(RUNNER, probe, Duration.ofSeconds(10), "one client waiting",
            r -> r.value("vigil_postgres_cl_waiting") == 1);
        assertThat(one.state()).isEqualTo(CheckState.WARNING);
        assertThat(one.value("cl_waiting")).isEqualTo(1);
        assertThat(one.value("vigil_postgres_sv_active")).isEqualTo(POOL_SIZE);
        assertThat(one.summary()).matches("1 pool, 1 client waiting: vigil/postgres 1 waiting for [\\d.]+s, 2 active, "
            + "servers 2 active 0 idle: cl_waiting 1 outside warning range 0.*");

        waiting.add(waiters.submit(() -> PgLab.value(LabPorts.PGBOUNCER, "vigil", "select 'served'")));
        ProbeResult two = PgLab.await(RUNNER, probe, Duration.ofSeconds(10), "two clients waiting",
            r -> r.value("vigil_postgres_cl_waiting") == 2);
        assertThat(two.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(two.summary()).contains("cl_waiting 2 outside critical range 1");
        assertThat(two.value("vigil_postgres_maxwait_seconds")).isPositive();
      } finally {
        for (Connection c : held) {
          c.rollback();
          c.close();
        }
      }
      for (Future<String> w : waiting) {
        assertThat(w.get(10, TimeUnit.SECONDS)).as("the waiting client is served once a server connection is free")
            .isEqualTo("served");
      }
      ProbeResult released = PgLab.await(RUNNER, probe, Duration.ofSeconds(10), "no client waiting after the release",
          r -> r.state() == CheckState.OK);
      assertThat(released.value("cl_waiting")).isZero();
    } finally {
      waiters.shutdownNow();
    }
  }

  @Test
  void aLongWait_goesAgainstTheMaxwaitThresholds() throws Exception {
    ExecutorService waiters = Executors.newCachedThreadPool();
    List<Connection> held = new ArrayList<>();
    try (Probe probe = probe(Map.of("maxwait_warning", "0.5", "maxwait_critical", "1"))) {
      try {
        for (int i = 0; i < POOL_SIZE; i++) {
          held.add(holdServerConnection());
        }
        Future<String> served = waiters.submit(() -> PgLab.value(LabPorts.PGBOUNCER, "vigil", "select 'served'"));
        ProbeResult slow = PgLab.await(RUNNER, probe, Duration.ofSeconds(10), "a client waiting over 1s",
            r -> r.state() == CheckState.CRITICAL);
        assertThat(slow.value("vigil_postgres_maxwait_seconds")).isGreaterThan(1);
        assertThat(slow.summary()).contains("outside critical range 1");
        held.forEach(PgbouncerPoolsIT::release);
        assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("served");
      } finally {
        held.forEach(PgbouncerPoolsIT::release);
      }
    } finally {
      waiters.shutdownNow();
    }
  }

  private static void release(Connection c) {
    try {
      if (!c.isClosed()) {
        c.rollback();
        c.close();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot release a held PgBouncer client", e);
    }
  }

  @Test
  void wrongPortUserOrServer_isCriticalOrUnknown_namingTheCause() {
    try (Probe refused = probe(Map.of("port", "1")); Probe nobody = probe(Map.of("user", "nobody"));
        Probe postgres = probe(Map.of("port", Integer.toString(LabPorts.PG_PRIMARY)));
        Probe ssh = probe(Map.of("port", Integer.toString(LabPorts.SSHD)))) {
      assertThat(RUNNER.run(refused).pluginOutput())
          .isEqualTo("CRITICAL: pgbouncer 127.0.0.1:1/pgbouncer as postgres: Connection refused");
      assertThat(RUNNER.run(nobody).pluginOutput())
          .isEqualTo("CRITICAL: pgbouncer 127.0.0.1:56432/pgbouncer as nobody: FATAL: \"trust\" authentication failed");
      assertThat(RUNNER.run(postgres).pluginOutput())
          .isEqualTo("CRITICAL: pgbouncer 127.0.0.1:55432/pgbouncer as postgres: FATAL: database \"pgbouncer\" does not exist");
      ProbeResult notPostgres = RUNNER.run(ssh);
      assertThat(notPostgres.state()).isEqualTo(CheckState.UNKNOWN);
      assertThat(notPostgres.summary()).contains("is this a PostgreSQL-protocol server?");
    }
  }

  @Test
  void keepsOneConsoleSessionAcrossRuns() throws Exception {
    try (Probe probe = probe(Map.of());
        ConsoleConnection console = new ConsoleConnection(LabPorts.HOST, LabPorts.PGBOUNCER, "pgbouncer", "postgres",
            "it", Duration.ofSeconds(3))) {
      for (int i = 0; i < 20; i++) {
        assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
      }
      List<Map<String, String>> sessions = console.query("SHOW CLIENTS").stream()
          .filter(row -> "vigil-pgbouncer".equals(row.get("application_name"))).toList();
      assertThat(sessions).as("the probe's admin-console sessions after 20 runs").hasSize(1);
    }
  }
}
