package io.vigil.probes.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Thresholds;
import java.util.List;
import org.junit.jupiter.api.Test;

class LagVerdictTest {

  private static final String PRIMARY = "127.0.0.1:55432/postgres";
  /** The Migrator's gate from the seed: 100 B not received, 100 B not replayed, 100 s behind. */
  private static final LagTolerances SEED = new LagTolerances(Thresholds.parse(null, "100"),
      Thresholds.parse(null, "100"), Thresholds.parse(null, "100"));

  private static StandbyLag streaming(String name, double notReceived, double notReplayed, double replayLag) {
    return new StandbyLag(name, "streaming", "async", 0, 0, replayLag, notReceived, notReplayed, notReceived + notReplayed);
  }

  @Test
  void caughtUpStandby_isOk_withPerReplicaPerfdata() {
    Observation o = LagVerdict.ofPrimary(PRIMARY, false, List.of(streaming("replica1", 0, 0, 0)), List.of("replica1"),
        LagTolerances.defaults());

    assertThat(o.state()).isEqualTo(CheckState.OK);
    assertThat(o.summary()).isEqualTo("replica1 replay 0 B behind, replay lag 0.0s (streaming async)");
    assertThat(o.perfdata()).extracting(Object::toString).containsExactly(
        "replica1_lag_bytes=0B;;;0",
        "replica1_replication_lag_bytes=0B;16777216;268435456;0",
        "replica1_apply_lag_bytes=0B;16777216;268435456;0",
        "replica1_write_lag_seconds=0s;;;0",
        "replica1_flush_lag_seconds=0s;;;0",
        "replica1_replay_lag_seconds=0s;60;100;0",
        "standbys=1;;;0");
  }

  @Test
  void pausedReplay_seenFromThePrimary_breachesTheSeedsApplyLagTolerance() {
    Observation o = LagVerdict.ofPrimary(PRIMARY, false, List.of(streaming("replica1", 0, 22990304, 2.369777)),
        List.of("replica1"), SEED);

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).isEqualTo("replica1 replay 22990304 B behind, replay lag 2.4s (streaming async): "
        + "apply lag 22990304 B outside critical range 100");
  }

  @Test
  void unreceivedWal_isNamedAsSuch() {
    Observation o = LagVerdict.ofPrimary(PRIMARY, false, List.of(streaming("replica1", 4096, 0, 0)), List.of(), SEED);

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).startsWith("replica1 receive 4096 B behind, replay 4096 B behind,")
        .endsWith(": replication lag 4096 B outside critical range 100");
  }

  @Test
  void missingExpectedReplica_isCritical_andNamedFirst() {
    Observation o = LagVerdict.ofPrimary(PRIMARY, false, List.of(streaming("replica2", 0, 0, 0)),
        List.of("replica1", "replica2"), LagTolerances.defaults());

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).startsWith("replica1 missing from pg_stat_replication; replica2 replay 0 B behind");
    assertThat(o.perfdata()).filteredOn(p -> p.label().equals("replica1_lag_bytes"))
        .singleElement().satisfies(p -> assertThat(p.value()).isNaN());
    assertThat(o.perfdata()).extracting(Object::toString).contains("standbys=1;;;0");
  }

  @Test
  void noStandbyAtAll_isCritical_evenWithoutExpect() {
    Observation o = LagVerdict.ofPrimary(PRIMARY, false, List.of(), List.of(), LagTolerances.defaults());

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).isEqualTo("no standby is connected (pg_stat_replication is empty)");
  }

  @Test
  void aStandbyAskedAsPrimary_isCritical() {
    Observation o = LagVerdict.ofPrimary("127.0.0.1:55433/postgres", true, List.of(), List.of("replica1"), SEED);

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).isEqualTo("127.0.0.1:55433/postgres is a standby (pg_is_in_recovery() is true), not a primary");
  }

  @Test
  void catchingUp_warns_andUnknownLsns_neverAlertByThemselves() {
    StandbyLag starting = new StandbyLag("replica1", "catchup", "async", 0, 0, 0, Double.NaN, Double.NaN, Double.NaN);

    Observation o = LagVerdict.ofPrimary(PRIMARY, false, List.of(starting), List.of("replica1"), SEED);

    assertThat(o.state()).isEqualTo(CheckState.WARNING);
    assertThat(o.summary()).isEqualTo("replica1 replay ? B behind, replay lag 0.0s (catchup async): state catchup");
    assertThat(o.perfdata()).filteredOn(p -> p.label().equals("replica1_lag_bytes"))
        .singleElement().satisfies(p -> assertThat(p.value()).isNaN());
  }

  @Test
  void baseBackups_areNotStandbys_andSharedNamesGetDistinctLabels() {
    StandbyLag backup = new StandbyLag("pg_basebackup", "backup", "async", 0, 0, 0, 0, 0, 0);

    Observation o = LagVerdict.ofPrimary(PRIMARY, false,
        List.of(backup, streaming("walreceiver", 0, 0, 0), streaming("walreceiver", 0, 0, 0)), List.of(), SEED);

    assertThat(o.state()).isEqualTo(CheckState.OK);
    assertThat(o.perfdata()).extracting(Object::toString)
        .contains("walreceiver_lag_bytes=0B;;;0", "walreceiver_2_lag_bytes=0B;;;0", "standbys=2;;;0")
        .noneMatch(p -> p.startsWith("pg_basebackup"));
  }

  @Test
  void pausedReplica_warns_andSaysSo() {
    ReplicaStatus paused = new ReplicaStatus(true, true, "replica1", "streaming", 22990304, 4.611326);

    Observation o = LagVerdict.ofReplica("127.0.0.1:55433/postgres", paused, LagTolerances.defaults());

    assertThat(o.state()).isEqualTo(CheckState.WARNING);
    assertThat(o.summary()).isEqualTo("replica1 replay 22990304 B behind (replay paused), 4.6s behind the primary: "
        + "apply lag 22990304 B outside warning range 16777216");
    assertThat(o.perfdata()).extracting(Object::toString).containsExactly(
        "apply_lag_bytes=22990304B;16777216;268435456;0", "lag_seconds=4.611326s;60;100;0", "replay_paused=1;;;0;1");
  }

  @Test
  void caughtUpReplica_isOk_andAReplicaWithoutWalReceiver_warns() {
    ReplicaStatus fine = new ReplicaStatus(true, false, "replica1", "streaming", 0, 0);
    assertThat(LagVerdict.ofReplica("r", fine, SEED).summary()).isEqualTo("replica1 replay 0 B behind, 0.0s behind the primary");
    assertThat(LagVerdict.ofReplica("r", fine, SEED).state()).isEqualTo(CheckState.OK);

    ReplicaStatus cutOff = new ReplicaStatus(true, false, null, null, 0, Double.NaN);
    Observation o = LagVerdict.ofReplica("127.0.0.1:55433/postgres", cutOff, SEED);
    assertThat(o.state()).isEqualTo(CheckState.WARNING);
    assertThat(o.summary()).isEqualTo("standby 127.0.0.1:55433/postgres replay 0 B behind, ?s behind the primary: "
        + "no WAL receiver, not streaming from the primary");
  }

  @Test
  void aPrimaryAskedAsReplica_isCritical() {
    Observation o = LagVerdict.ofReplica("127.0.0.1:55432/postgres", new ReplicaStatus(false, false, null, null, 0, 0), SEED);

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).isEqualTo("127.0.0.1:55432/postgres is not a standby (pg_is_in_recovery() is false)");
  }

  @Test
  void aJustRestartedStandby_flushBehindReplay_isNotNegativelyBehind() {
    // flush_lsn 920408 B before replay_lsn right after a restart on an idle primary
    StandbyLag restarted = new StandbyLag("replica1", "streaming", "async", 0, 0, 0, 0, -920408, 0);

    Observation o = LagVerdict.ofPrimary(PRIMARY, false, List.of(restarted), List.of("replica1"), SEED);

    assertThat(o.state()).isEqualTo(CheckState.OK);
    assertThat(o.perfdata()).extracting(Object::toString).contains("replica1_apply_lag_bytes=0B;;100;0");
  }
}
