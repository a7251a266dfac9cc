package io.vigil.probes.pgpool;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Thresholds;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeVerdictTest {

  private static final NodeVerdict.Policy STRICT = new NodeVerdict.Policy(CheckState.CRITICAL, Thresholds.NONE);

  private static PgpoolNode primary(String status) {
    return new PgpoolNode(0, "127.0.0.1", 55432, status, "up", "primary", "primary", 0, "none", "none", "2026-11-22 02:17:57");
  }

  private static PgpoolNode standby(String status, double delay, String replication) {
    return new PgpoolNode(1, "127.0.0.1", 55433, status, "up", "standby", "standby", delay, replication, "async",
        "2026-11-22 01:12:45");
  }

  @Test
  void allUp_isOk_withPerNodePerfdata() {
    Observation o = NodeVerdict.judge(List.of(primary("up"), standby("up", 0, "streaming")), STRICT);

    assertThat(o.state()).isEqualTo(CheckState.OK);
    assertThat(o.summary()).isEqualTo("2 of 2 nodes up: node 0 127.0.0.1:55432 primary up; "
        + "node 1 127.0.0.1:55433 standby up (streaming async, 0 B behind)");
    assertThat(o.perfdata()).extracting(Object::toString).containsExactly("nodes_up=2;;;0;2", "node0_up=1;;;0;1",
        "node1_up=1;;;0;1", "node1_replication_delay_bytes=0B;;;0");
  }

  @Test
  void aDownStandby_isCritical_andNamedFirst() {
    Observation o = NodeVerdict.judge(List.of(primary("up"), standby("down", 0, "streaming")), STRICT);

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    // what pgpool still shows of a detached standby's replication is stale, so it is left out
    assertThat(o.summary()).isEqualTo("1 of 2 nodes up: node 1 127.0.0.1:55433 standby down: since 2026-11-22 01:12:45; "
        + "node 0 127.0.0.1:55432 primary up");
    assertThat(o.perfdata()).extracting(Object::toString).contains("nodes_up=1;;;0;2", "node1_up=0;;;0;1");
  }

  @Test
  void aDownNode_isWhatThePolicySays() {
    NodeVerdict.Policy lenient = new NodeVerdict.Policy(CheckState.WARNING, Thresholds.NONE);

    assertThat(NodeVerdict.judge(List.of(primary("up"), standby("down", 0, "")), lenient).state())
        .isEqualTo(CheckState.WARNING);
    assertThat(NodeVerdict.judge(List.of(primary("up"), standby("quarantine", 0, "")), lenient).state())
        .isEqualTo(CheckState.WARNING);
  }

  @Test
  void waiting_isOk_withANote() {
    Observation o = NodeVerdict.judge(List.of(primary("up"), standby("waiting", 0, "streaming")), STRICT);

    assertThat(o.state()).isEqualTo(CheckState.OK);
    assertThat(o.summary()).endsWith("node 1 127.0.0.1:55433 standby waiting (streaming async, 0 B behind): "
        + "attached, up at the next client session");
  }

  @Test
  void noPrimaryUp_isCritical_evenIfTheStandbyIsFine() {
    Observation o = NodeVerdict.judge(List.of(primary("down"), standby("up", 0, "streaming")), 
        new NodeVerdict.Policy(CheckState.WARNING, Thresholds.NONE));

    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).startsWith("1 of 2 nodes up: no primary node is up (pgpool refuses writes); node 0");
  }

  @Test
  void replicationDelay_goesAgainstItsThresholds() {
    NodeVerdict.Policy delay = new NodeVerdict.Policy(CheckState.CRITICAL, Thresholds.parse("1048576", "16777216"));

    Observation o = NodeVerdict.judge(List.of(primary("up"), standby("up", 11496848, "streaming")), delay);

    assertThat(o.state()).isEqualTo(CheckState.WARNING);
    assertThat(o.summary()).contains("standby up (streaming async, 11496848 B behind): delay outside warning range 1048576");
    assertThat(o.perfdata()).extracting(Object::toString)
        .contains("node1_replication_delay_bytes=11496848B;1048576;16777216;0");
  }

  @Test
  void aStandbyNotStreaming_warns() {
    Observation o = NodeVerdict.judge(List.of(primary("up"), standby("up", 0, "catchup")), STRICT);

    assertThat(o.state()).isEqualTo(CheckState.WARNING);
    assertThat(o.summary()).contains("replication catchup");
  }

  @Test
  void anUnknownStatus_isUnknown_andNoNodes_isUnknown() {
    assertThat(NodeVerdict.judge(List.of(primary("up"), standby("sleeping", 0, "")), STRICT).state())
        .isEqualTo(CheckState.UNKNOWN);
    assertThat(NodeVerdict.judge(List.of(), STRICT).summary()).isEqualTo("pgpool reported no backend nodes");
  }
}
