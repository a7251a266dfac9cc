package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL replica faults against the real primary (55432) and streaming replica (55433). */
class PostgresFaultsIT {

  private static final Lab LAB = Lab.get();
  private static final String REPLICATION_ROW = """
      select state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint as replay_lag_bytes
      from pg_stat_replication where application_name = 'replica1'""";

  @BeforeAll
  static void labUp() {
    LAB.up("postgres");
  }

  @AfterEach
  void heal() {
    LAB.heal("replica-stop").orThrow();
    LAB.heal("replica-pause-replay").orThrow();
    LAB.heal("replica-delay-replay").orThrow();
  }

  @Test
  void replicaStop_takesTheReplicaOffline_andHealRestoresStreaming() throws Exception {
    assertThat(replication()).extracting(row -> row.get("state")).containsExactly("streaming");

    LAB.fault("replica-stop").orThrow();

    assertThatThrownBy(() -> LabSql.value(LabPorts.PG_REPLICA, "postgres", "select 1"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Connection to 127.0.0.1:" + LabPorts.PG_REPLICA + " refused");
    LabPolling.await(Duration.ofSeconds(5), "replica1 gone from pg_stat_replication",
        () -> replication().isEmpty());
    assertThat(LAB.status().output()).containsPattern("postgres\\s+FAILING.*replica not running");

    LAB.heal("replica-stop").orThrow();

    assertThat(LabSql.value(LabPorts.PG_REPLICA, "postgres", "select pg_is_in_recovery()")).isEqualTo("t");
    assertThat(replication()).extracting(row -> row.get("state")).containsExactly("streaming");
    assertThat(LAB.status().output()).containsPattern("postgres\\s+up\\s.*streaming");
  }

  @Test
  void replicaPauseReplay_showsReplayByteLagOnThePrimary_andHealBringsItToZero() throws Exception {
    LAB.fault("replica-pause-replay").orThrow();

    Map<String, String> lagging = replication().get(0);
    assertThat(lagging.get("state")).isEqualTo("streaming");
    assertThat(Long.parseLong(lagging.get("replay_lag_bytes"))).isPositive();
    assertThat(LabSql.value(LabPorts.PG_REPLICA, "postgres", "select pg_get_wal_replay_pause_state()"))
        .isEqualTo("paused");
    assertThat(replicaBacklogBytes()).as("received on the replica but not replayed").isPositive();

    LAB.heal("replica-pause-replay").orThrow();

    assertThat(replication()).containsExactly(Map.of("state", "streaming", "replay_lag_bytes", "0"));
    assertThat(LabSql.value(LabPorts.PG_REPLICA, "postgres", "select pg_get_wal_replay_pause_state()"))
        .isEqualTo("not paused");
    assertThat(replicaBacklogBytes()).isZero();
    assertThat(LabSql.value(LabPorts.PG_REPLICA, "vigil", "select count(*) from lab_churn"))
        .isEqualTo(LabSql.value(LabPorts.PG_PRIMARY, "vigil", "select count(*) from lab_churn"));
  }

  @Test
  void replicaDelayReplay_lagsWithoutPausing_whileStreaming_andHealBringsItToZero() throws Exception {
    LAB.fault("replica-delay-replay").orThrow();

    Map<String, String> lagging = replication().get(0);
    assertThat(lagging.get("state")).isEqualTo("streaming");
    assertThat(Long.parseLong(lagging.get("replay_lag_bytes"))).isGreaterThan(1024L * 1024);
    assertThat(LabSql.value(LabPorts.PG_REPLICA, "postgres", "select pg_get_wal_replay_pause_state()"))
        .as("a late standby, not a paused one").isEqualTo("not paused");
    assertThat(LabSql.value(LabPorts.PG_REPLICA, "postgres", "show recovery_min_apply_delay")).isEqualTo("5min");
    assertThat(LAB.status().output()).containsPattern("postgres\\s+up\\s.*replay delayed 300s");

    LAB.heal("replica-delay-replay").orThrow();

    assertThat(replication()).containsExactly(Map.of("state", "streaming", "replay_lag_bytes", "0"));
    assertThat(LabSql.value(LabPorts.PG_REPLICA, "postgres", "show recovery_min_apply_delay")).isEqualTo("0");
    assertThat(LabSql.value(LabPorts.PG_REPLICA, "vigil", "select count(*) from lab_churn"))
        .isEqualTo(LabSql.value(LabPorts.PG_PRIMARY, "vigil", "select count(*) from lab_churn"));
    assertThat(LAB.fault("replica-delay-replay", "0").exitCode()).as("a delay of 0 s is no fault").isEqualTo(2);
  }

  @Test
  void vigilDatabase_isWritableOnThePrimary_andReplicatedReadOnly() throws Exception {
    LabSql.update(LabPorts.PG_PRIMARY, "vigil", "insert into lab_churn (v) values ('replicated')");

    LabPolling.await(Duration.ofSeconds(5), "row replayed on the replica",
        () -> !LabSql.rows(LabPorts.PG_REPLICA, "vigil", "select 1 from lab_churn where v = 'replicated'").isEmpty());
    assertThatThrownBy(() -> LabSql.update(LabPorts.PG_REPLICA, "vigil", "insert into lab_churn (v) values ('x')"))
        .hasMessageContaining("read-only transaction");
  }

  @Test
  void faultsRejectArguments_withExitCode2() {
    Lab.Result result = LAB.fault("replica-stop", "now");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("usage: lab/fault replica-stop");
    assertThat(LAB.status().output()).containsPattern("postgres\\s+up");
  }

  @Test
  void healsSucceed_whenNothingIsBroken() {
    assertThat(LAB.heal("replica-stop").ok()).isTrue();
    assertThat(LAB.heal("replica-pause-replay").ok()).isTrue();
    assertThat(LAB.heal("replica-delay-replay").ok()).isTrue();
    assertThat(LAB.status().output()).containsPattern("postgres\\s+up");
  }

  private static List<Map<String, String>> replication() throws SQLException {
    return LabSql.rows(LabPorts.PG_PRIMARY, "postgres", REPLICATION_ROW);
  }

  private static long replicaBacklogBytes() throws SQLException {
    return Long.parseLong(LabSql.value(LabPorts.PG_REPLICA, "postgres",
        "select pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint"));
  }
}
