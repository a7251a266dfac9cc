package io.vigil.probes.pgpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** pcp_node_info output exactly as pgpool-II 4.3.5 printed it in the lab (lab recipe, section 2). */
class PcpOutputTest {

  private static final String ALL_UP = """
      127.0.0.1 55432 2 0.500000 up up primary primary 0 none none 2026-11-22 02:17:57
      127.0.0.1 55433 2 0.500000 up up standby standby 0 streaming async 2026-11-22 02:17:57
      """;

  @Test
  void readsEveryNodeOfDashA_numberingThemFromZero() {
    List<PgpoolNode> nodes = PcpOutput.nodes(ALL_UP, 0);

    assertThat(nodes).hasSize(2);
    assertThat(nodes.get(0)).isEqualTo(new PgpoolNode(0, "127.0.0.1", 55432, "up", "up", "primary", "primary", 0,
        "none", "none", "2026-11-22 02:17:57"));
    assertThat(nodes.get(1).id()).isEqualTo(1);
    assertThat(nodes.get(1).replicationState()).isEqualTo("streaming");
    assertThat(nodes.get(1).syncState()).isEqualTo("async");
  }

  @Test
  void keepsTheTwoTokenLastStatusChange_together() {
    PgpoolNode detached = PcpOutput.node(1,
        "127.0.0.1 55433 3 0.500000 down unknown standby unknown 0 streaming async 2026-11-22 01:12:45");

    assertThat(detached.status()).isEqualTo("down");
    assertThat(detached.backendStatus()).isEqualTo("unknown");
    assertThat(detached.lastStatusChange()).isEqualTo("2026-11-22 01:12:45");
  }

  @Test
  void readsAnAttachedNodeWaitingForItsFirstSession() {
    PgpoolNode waiting = PcpOutput.node(1,
        "127.0.0.1 55433 1 0.500000 waiting up standby standby 0 streaming async 2026-11-22 01:13:05");

    assertThat(waiting.status()).isEqualTo("waiting");
    assertThat(waiting.serving()).isTrue();
  }

  @Test
  void emptyReplicationStates_areTwoSpacesInARow_notMissingFields() {
    // backend_application_name unset: pgpool prints empty strings, i.e. "0   2026-..." (3 spaces)
    PgpoolNode node = PcpOutput.node(1, "127.0.0.1 55433 2 0.500000 up up standby standby 11496848   2026-11-22 01:37:39");

    assertThat(node.replicationDelay()).isEqualTo(11496848);
    assertThat(node.replicationState()).isEmpty();
    assertThat(node.syncState()).isEmpty();
    assertThat(node.lastStatusChange()).isEqualTo("2026-11-22 01:37:39");
  }

  @Test
  void singleNodeOutput_takesTheIdAskedFor() {
    assertThat(PcpOutput.nodes("127.0.0.1 55433 2 0.500000 up up standby standby 0 streaming async 2026-11-22 02:17:57\n", 1))
        .singleElement().satisfies(n -> assertThat(n.id()).isEqualTo(1));
  }

  @Test
  void refusesALineOfAnotherFormat_namingIt() {
    // pgpool 4.1 had no backend status and backend role columns
    assertThatThrownBy(() -> PcpOutput.node(0, "127.0.0.1 55432 2 0.500000 up primary 0 none none 2026-11-22 02:17:57"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pcp_node_info line with 11 fields (expected: 13, pgpool-II 4.3+ format): "
            + "'127.0.0.1 55432 2 0.500000 up primary 0 none none 2026-11-22 02:17:57'");
    assertThatThrownBy(() -> PcpOutput.node(0, "127.0.0.1 five 2 0.500000 up up primary primary 0 none none 2026-11-22 02:17:57"))
        .hasMessageStartingWith("pcp_node_info port 'five' is not a number");
  }

  @Test
  void statusCodes_areThoseOfPgpoolsBackendStatus() {
    assertThat(List.of(0, 1, 2, 3).stream().map(PcpOutput::statusOfCode))
        .containsExactly("unused", "waiting", "up", "down");
  }

  @Test
  void errorPrintedWithExitStatusZero_isFound_withItsDetail() {
    // pcp_node_info -n 7: stderr only, exit status 0
    String stderr = "ERROR:  informing node info failed\nDETAIL:  invalid node ID : 7\n";

    assertThat(PcpOutput.error("", stderr))
        .hasValue("ERROR: informing node info failed / DETAIL: invalid node ID : 7");
  }

  @Test
  void authenticationFailure_isFound() {
    String stderr = "FATAL:  authentication failed for user \"pcpadmin\"\nDETAIL:  username and/or password does not match\n\n";

    assertThat(PcpOutput.error("", stderr))
        .hasValue("FATAL: authentication failed for user \"pcpadmin\" / DETAIL: username and/or password does not match");
  }

  @Test
  void connectionRefused_isFound() {
    assertThat(PcpOutput.error("", "ERROR: connection to host \"127.0.0.1\" failed with error \"Connection refused\"\n"))
        .hasValue("ERROR: connection to host \"127.0.0.1\" failed with error \"Connection refused\"");
  }

  @Test
  void normalOutput_hasNoError_evenWithADetailWordInIt() {
    assertThat(PcpOutput.error(ALL_UP, "")).isEmpty();
  }
}
