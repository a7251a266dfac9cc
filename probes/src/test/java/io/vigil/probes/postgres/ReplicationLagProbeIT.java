package io.vigil.probes.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** pg_replication_lag against the lab's real primary (55432) and streaming replica (55433). */
class ReplicationLagProbeIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeCatalog CATALOG = ProbeCatalog.standard();
  private static final ProbeRunner RUNNER = new ProbeRunner();
  private static final Duration SETTLE = Duration.ofSeconds(15);
  /** The seed's Migrator tolerances: 100 B not received, 100 B not replayed, 100 s behind. */
  private static final Map<String, String> SEED = Map.of(
      "replication_lag_critical", "100", "apply_lag_critical", "100", "time_lag_critical", "100");

  @BeforeAll
  static void labUp() {
    LAB.up("postgres");
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  private static Probe probe(String name, Map<String, String> options) {
    Map<String, String> all = new HashMap<>(Map.of("timeout", "3s"));
    all.putAll(options);
    return CATALOG.create("pg_replication_lag", name, all);
  }

  private static Probe primary(Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(Map.of("port", Integer.toString(LabPorts.PG_PRIMARY), "expect", "replica1"));
    options.putAll(extra);
    return probe("pg_lag_primary", options);
  }

  private static Probe replica(Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(Map.of("port", Integer.toString(LabPorts.PG_REPLICA), "role", "replica"));
    options.putAll(extra);
    return probe("pg_lag_replica", options);
  }

  private static boolean ok(ProbeResult r) {
    return r.state() == CheckState.OK;
  }

  @Test
  void replayPaused_showsByteLagOnThePrimary_andPausedOnTheReplica_thenTheHealReturnsToOk() throws Exception {
    try (Probe primary = primary(SEED); Probe replica = replica(Map.of());
        Probe replicaSeed = replica(Map.of("apply_lag_critical", "100", "time_lag_critical", "100"))) {
      ProbeResult before = PgLab.await(RUNNER, primary, SETTLE, "caught up before the fault", ReplicationLagProbeIT::ok);
      assertThat(before.summary()).startsWith("replica1 replay 0 B behind, replay lag ").endsWith("(streaming async)");
      assertThat(before.value("replica1_lag_bytes")).isZero();
      assertThat(before.value("standbys")).isEqualTo(1);
      try {
        LAB.fault("replica-pause-replay").orThrow();

        ProbeResult lagging = RUNNER.run(primary);
        assertThat(lagging.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(lagging.value("replica1_lag_bytes")).isPositive();
        assertThat(lagging.value("replica1_apply_lag_bytes")).isGreaterThan(100);
        assertThat(lagging.summary()).matches("replica1 replay \\d+ B behind, replay lag [\\d.]+s \\(streaming async\\): "
            + "apply lag \\d+ B outside critical range 100");

        ProbeResult paused = RUNNER.run(replica);
        // at least WARNING for the pause; CRITICAL too when the last replayed commit is over 100 s
        // old, as seconds behind on a replica count from it (an upper bound after an idle spell)
        assertThat(paused.state()).isIn(CheckState.WARNING, CheckState.CRITICAL);
        assertThat(paused.summary()).matches("replica1 replay \\d+ B behind \\(replay paused\\), [\\d.]+s behind the primary.*");
        assertThat(paused.value("replay_paused")).isEqualTo(1);
        assertThat(paused.value("apply_lag_bytes")).isPositive();

        ProbeResult pausedSeed = RUNNER.run(replicaSeed);
        assertThat(pausedSeed.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(pausedSeed.summary()).contains("(replay paused)").contains("apply lag").contains("outside critical range 100");
      } finally {
        LAB.heal("replica-pause-replay").orThrow();
      }
      ProbeResult healed = PgLab.await(RUNNER, primary, SETTLE, "primary sees replica1 caught up", ReplicationLagProbeIT::ok);
      assertThat(healed.value("replica1_lag_bytes")).isZero();
      ProbeResult resumed = PgLab.await(RUNNER, replica, SETTLE, "replica replaying again", ReplicationLagProbeIT::ok);
      assertThat(resumed.value("replay_paused")).isZero();
      assertThat(resumed.value("apply_lag_bytes")).isZero();
      assertThat(resumed.value("lag_seconds")).isZero();
      assertThat(resumed.summary()).isEqualTo("replica1 replay 0 B behind, 0.0s behind the primary");
    }
  }

  @Test
  void replayDelayed_isLagWithoutAPause_onBothSides_thenTheHealReturnsToOk() throws Exception {
    try (Probe primary = primary(SEED); Probe replica = replica(Map.of("apply_lag_critical", "100"))) {
      PgLab.await(RUNNER, primary, SETTLE, "caught up before the fault", ReplicationLagProbeIT::ok);
      try {
        LAB.fault("replica-delay-replay").orThrow();

        ProbeResult lagging = RUNNER.run(primary);
        assertThat(lagging.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(lagging.value("replica1_apply_lag_bytes")).isGreaterThan(1024 * 1024);
        assertThat(lagging.summary()).contains("(streaming async)").contains("outside critical range 100");

        ProbeResult late = RUNNER.run(replica);
        assertThat(late.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(late.summary()).doesNotContain("paused").contains("outside critical range 100");
        assertThat(late.value("replay_paused")).isZero();
        assertThat(late.value("apply_lag_bytes")).isGreaterThan(1024 * 1024);
      } finally {
        LAB.heal("replica-delay-replay").orThrow();
      }
      PgLab.await(RUNNER, primary, SETTLE, "primary sees replica1 caught up", ReplicationLagProbeIT::ok);
      PgLab.await(RUNNER, replica, SETTLE, "replica replaying again", ReplicationLagProbeIT::ok);
    }
  }

  @Test
  void replicaStopped_primaryIsCritical_namingTheMissingReplica_andTheSameProbesRecover() throws Exception {
    try (Probe primary = primary(Map.of()); Probe replica = replica(Map.of())) {
      PgLab.await(RUNNER, primary, SETTLE, "replica1 streaming before the fault", ReplicationLagProbeIT::ok);
      assertThat(RUNNER.run(replica).state()).isEqualTo(CheckState.OK);
      try {
        LAB.fault("replica-stop").orThrow();

        ProbeResult missing = PgLab.await(RUNNER, primary, Duration.ofSeconds(10), "walsender of replica1 gone",
            r -> r.state() == CheckState.CRITICAL);
        assertThat(missing.summary()).isEqualTo("replica1 missing from pg_stat_replication");
        assertThat(missing.value("standbys")).isZero();
        assertThat(missing.value("replica1_lag_bytes")).isNaN();

        // the kept connection died with the server: one retry on a new one, which is refused
        ProbeResult down = RUNNER.run(replica);
        assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(down.summary()).isEqualTo("replica 127.0.0.1:55433/postgres as postgres: Connection to 127.0.0.1:55433 refused");
      } finally {
        LAB.heal("replica-stop").orThrow();
      }
      PgLab.await(RUNNER, primary, SETTLE, "replica1 back in pg_stat_replication", ReplicationLagProbeIT::ok);
      PgLab.await(RUNNER, replica, SETTLE, "replica answering again on the same probe", ReplicationLagProbeIT::ok);
    }
  }

  @Test
  void wrongPortUserOrDatabase_isCritical_namingTheCause() {
    try (Probe refused = probe("lag_bad_port", Map.of("port", "1"));
        Probe nobody = probe("lag_bad_user", Map.of("port", "55432", "user", "nobody"));
        Probe noDb = probe("lag_bad_db", Map.of("port", "55432", "database", "nosuch"))) {
      ProbeResult r = RUNNER.run(refused);
      assertThat(r.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(r.summary()).isEqualTo("primary 127.0.0.1:1/postgres as postgres: Connection to 127.0.0.1:1 refused");
      ProbeResult u = RUNNER.run(nobody);
      assertThat(u.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(u.summary()).isEqualTo("primary 127.0.0.1:55432/postgres as nobody: FATAL: role \"nobody\" does not exist");
      ProbeResult d = RUNNER.run(noDb);
      assertThat(d.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(d.summary()).endsWith("FATAL: database \"nosuch\" does not exist");
    }
  }

  @Test
  void askingTheWrongSide_isCritical_andBadOptionsAreRefusedWhenConfigured() {
    try (Probe replicaAsPrimary = probe("lag_wrong_side", Map.of("port", "55433"));
        Probe primaryAsReplica = probe("lag_wrong_side2", Map.of("port", "55432", "role", "replica"))) {
      assertThat(RUNNER.run(replicaAsPrimary).pluginOutput())
          .isEqualTo("CRITICAL: 127.0.0.1:55433/postgres is a standby (pg_is_in_recovery() is true), not a primary");
      assertThat(RUNNER.run(primaryAsReplica).summary())
          .isEqualTo("127.0.0.1:55432/postgres is not a standby (pg_is_in_recovery() is false)");
    }
    assertThatThrownBy(() -> probe("x", Map.of("role", "leader"))).hasMessage("option 'role': 'leader' (expected: primary or replica)");
    assertThatThrownBy(() -> probe("x", Map.of("role", "replica", "replication_lag_critical", "100")))
        .hasMessageStartingWith("replication_lag_warning/critical apply to role=primary only");
    assertThatThrownBy(() -> probe("x", Map.of("apply_lag_warning", "10:5")))
        .hasMessageStartingWith("warning threshold: ");
  }

  @Test
  void keepsOneServerConnectionAcrossRuns() throws Exception {
    String sql = "select string_agg(pid::text, ',') from pg_stat_activity where application_name = 'vigil-pg_lag_kept'";
    try (Probe probe = probe("pg_lag_kept", Map.of("port", "55432", "expect", "replica1"))) {
      RUNNER.run(probe);
      String first = PgLab.value(LabPorts.PG_PRIMARY, "postgres", sql);
      for (int i = 0; i < 20; i++) {
        RUNNER.run(probe);
      }
      assertThat(first).as("one backend, a single pid").matches("\\d+");
      assertThat(PgLab.value(LabPorts.PG_PRIMARY, "postgres", sql)).isEqualTo(first);
    }
    PgLab.awaitTrue(Duration.ofSeconds(5), "the closed probe's backend is gone",
        () -> PgLab.value(LabPorts.PG_PRIMARY, "postgres", sql) == null);
  }

  @Test
  void secondsBehind_staysZeroOnAnIdlePrimary_whileTheLastReplayedCommitAges() throws Exception {
    try (Probe replica = replica(Map.of())) {
      PgLab.await(RUNNER, replica, SETTLE, "replica caught up", ReplicationLagProbeIT::ok);
      Thread.sleep(1500);
      ProbeResult later = RUNNER.run(replica);
      // now() - pg_last_xact_replay_timestamp() grows while nothing is written; the probe's value must not
      double sinceLastCommit = Double.parseDouble(PgLab.value(LabPorts.PG_REPLICA, "postgres",
          "select coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)"));
      if (later.value("apply_lag_bytes") == 0) {
        assertThat(later.value("lag_seconds")).isZero();
      }
      assertThat(later.value("lag_seconds")).isLessThanOrEqualTo(sinceLastCommit);
    }
  }
}
