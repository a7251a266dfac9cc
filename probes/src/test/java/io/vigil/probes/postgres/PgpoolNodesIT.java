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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgpool_nodes (SHOW POOL_NODES through pgpool, 59999) and pgpool_pcp_nodes (pcp_node_info over
 * PCP, 59898) against the lab's real pgpool-II 4.3 in front of the primary and replica.
 */
class PgpoolNodesIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeCatalog CATALOG = ProbeCatalog.standard();
  private static final ProbeRunner RUNNER = new ProbeRunner();
  private static final Duration SETTLE = Duration.ofSeconds(15);

  @TempDir
  static Path dir;

  @BeforeAll
  static void labUp() {
    LAB.up("pgpool");
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  private static Probe sql(Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(Map.of("port", Integer.toString(LabPorts.PGPOOL), "timeout", "5s"));
    options.putAll(extra);
    return CATALOG.create("pgpool_nodes", "pgpool_sql", options);
  }

  private static Probe pcp(Map<String, String> extra) {
    Map<String, String> options = new HashMap<>(Map.of("port", Integer.toString(LabPorts.PCP), "user", "pcpadmin",
        "pcppass", LAB.dir().resolve("pgpool/pcppass").toString(), "timeout", "5s"));
    options.putAll(extra);
    return CATALOG.create("pgpool_pcp_nodes", "pgpool_pcp", options);
  }

  private static boolean ok(ProbeResult r) {
    return r.state() == CheckState.OK;
  }

  @Test
  void detachedNode1_isDownInBothViews_andUpOrWaitingAfterTheHeal() throws Exception {
    try (Probe sql = sql(Map.of()); Probe pcp = pcp(Map.of()); Probe lenient = pcp(Map.of("down", "warning"))) {
      for (Probe probe : new Probe[] {sql, pcp}) {
        // pgpool samples replication delay every sr_check_period (1 s): after a write elsewhere it
        // briefly reports WAL in flight, so wait for both nodes up and caught up
        ProbeResult up = PgLab.await(RUNNER, probe, SETTLE, "both nodes up and caught up before the fault",
            r -> ok(r) && r.summary().endsWith("(streaming async, 0 B behind)"));
        assertThat(up.summary()).isEqualTo("2 of 2 nodes up: node 0 127.0.0.1:55432 primary up; "
            + "node 1 127.0.0.1:55433 standby up (streaming async, 0 B behind)");
        assertThat(up.value("nodes_up")).isEqualTo(2);
      }
      try {
        LAB.fault("pgpool-detach", "1").orThrow();

        for (Probe probe : new Probe[] {sql, pcp}) {
          ProbeResult down = RUNNER.run(probe);
          assertThat(down.state()).as(probe.name()).isEqualTo(CheckState.CRITICAL);
          assertThat(down.summary()).as(probe.name())
              .matches("1 of 2 nodes up: node 1 127\\.0\\.0\\.1:55433 standby down: since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d; "
                  + "node 0 127\\.0\\.0\\.1:55432 primary up");
          assertThat(down.value("nodes_up")).isEqualTo(1);
          assertThat(down.value("node0_up")).isEqualTo(1);
          assertThat(down.value("node1_up")).isZero();
        }
        assertThat(RUNNER.run(lenient).state()).as("down=warning").isEqualTo(CheckState.WARNING);
      } finally {
        LAB.heal("pgpool-detach", "1").orThrow();
      }
      for (Probe probe : new Probe[] {sql, pcp}) {
        ProbeResult healed = PgLab.await(RUNNER, probe, SETTLE, "node 1 attached again", PgpoolNodesIT::ok);
        assertThat(healed.summary()).as(probe.name())
            .matches("2 of 2 nodes up: .*node 1 127\\.0\\.0\\.1:55433 standby (up|waiting) .*");
        assertThat(healed.value("node1_up")).isEqualTo(1);
      }
    }
  }

  @Test
  void pcpWithAPcppassOthersCanRead_isCritical_namingTheModeAndTheAuthenticationFailure() throws Exception {
    Path open = Files.copy(LAB.dir().resolve("pgpool/pcppass"), dir.resolve("pcppass-open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));

    try (Probe probe = pcp(Map.of("pcppass", open.toString()))) {
      ProbeResult r = RUNNER.run(probe);

      assertThat(r.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(r.summary()).isEqualTo("pcp 127.0.0.1:59898: FATAL: authentication failed for user \"pcpadmin\" / "
          + "DETAIL: username and/or password does not match (pcppass " + open
          + " is rw-r--r--: pcp ignores a pcppass that others can read; chmod 600 it)");
    }
  }

  @Test
  void pcpWithAWrongPassword_isCritical_namingTheAuthenticationFailure() throws Exception {
    Path wrong = Files.writeString(dir.resolve("pcppass-wrong"), "127.0.0.1:" + LabPorts.PCP + ":pcpadmin:not-the-password\n");
    Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));

    try (Probe probe = pcp(Map.of("pcppass", wrong.toString()))) {
      ProbeResult r = RUNNER.run(probe);

      assertThat(r.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(r.summary()).startsWith("pcp 127.0.0.1:59898: FATAL: authentication failed for user \"pcpadmin\"")
          .endsWith("(pcppass " + wrong + ": check the password for this user, host and port)");
    }
  }

  @Test
  void pcpErrorWithExitStatusZero_isUnknown_withPcpsText() {
    // pcp_node_info -n 7 prints ERROR on stderr and exits 0 (lab recipe, section 2)
    try (Probe probe = pcp(Map.of("node", "7"))) {
      ProbeResult r = RUNNER.run(probe);

      assertThat(r.state()).isEqualTo(CheckState.UNKNOWN);
      assertThat(r.summary()).isEqualTo("pcp 127.0.0.1:59898: ERROR: informing node info failed / "
          + "DETAIL: invalid node ID : 7 (exit status 0)");
    }
  }

  @Test
  void pcpForOneNode_readsThatNode() {
    try (Probe probe = pcp(Map.of("node", "1"))) {
      ProbeResult r = RUNNER.run(probe);

      assertThat(r.state()).as("no primary in a one-node answer is no finding").isEqualTo(CheckState.OK);
      assertThat(r.summary()).startsWith("1 of 1 nodes up: node 1 127.0.0.1:55433 standby ");
      assertThat(r.value("node1_up")).isEqualTo(1);
    }
    assertThatThrownBy(() -> pcp(Map.of("port", "1")))
        .hasMessage("option 'port': 1 (expected: 1024..65535, as pcp requires)");
  }

  @Test
  void missingPcpBinary_isUnknown_namingIt() {
    try (Probe probe = pcp(Map.of("command", "/usr/sbin/pcp_node_info_missing"))) {
      ProbeResult r = RUNNER.run(probe);

      assertThat(r.state()).isEqualTo(CheckState.UNKNOWN);
      assertThat(r.summary()).isEqualTo("cannot run /usr/sbin/pcp_node_info_missing: error=2, No such file or directory");
    }
  }

  @Test
  void wrongPortsOrUser_areCritical_namingTheCause() {
    // 59897: no lab component listens there (pcp refuses ports below 1024 outright)
    try (Probe sqlRefused = sql(Map.of("port", "1")); Probe pcpRefused = pcp(Map.of("port", "59897"));
        Probe nobody = sql(Map.of("user", "nobody"))) {
      ProbeResult s = RUNNER.run(sqlRefused);
      assertThat(s.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(s.summary()).isEqualTo("pgpool 127.0.0.1:1/postgres as postgres: Connection to 127.0.0.1:1 refused");
      ProbeResult p = RUNNER.run(pcpRefused);
      assertThat(p.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(p.summary()).isEqualTo("pcp 127.0.0.1:59897: ERROR: connection to host \"127.0.0.1\" failed with error \"Connection refused\"");
      ProbeResult u = RUNNER.run(nobody);
      assertThat(u.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(u.summary()).startsWith("pgpool 127.0.0.1:59999/postgres as nobody: FATAL: ").contains("nobody");
    }
  }
}
