package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pgpool-detach fault against the real pgpool-II (59999, PCP 59898) in front of both nodes. */
class PgpoolFaultsIT {

  private static final Lab LAB = Lab.get();

  @BeforeAll
  static void labUp() {
    LAB.up("pgpool");
  }

  @AfterEach
  void heal() {
    LAB.heal("pgpool-detach").orThrow();
  }

  @Test
  void detachNode1_showsItDownInPoolNodes_whileWritesGoOn_andHealBringsItBackUp() throws Exception {
    assertThat(poolNodeStatus()).isEqualTo(Map.of("0", "up", "1", "up"));

    LAB.fault("pgpool-detach", "1").orThrow();

    assertThat(poolNodeStatus()).isEqualTo(Map.of("0", "up", "1", "down"));
    assertThat(pcpNodeInfo(1)).as("host port status_code weight status ...")
        .startsWith("127.0.0.1 " + LabPorts.PG_REPLICA + " 3 0.500000 down ");
    assertThat(LabSql.update(LabPorts.PGPOOL, "vigil", "insert into lab_churn (v) values ('via pgpool')"))
        .isEqualTo(1);
    assertThat(LAB.status().output()).containsPattern("pgpool\\s+FAILING.*1:down");

    LAB.heal("pgpool-detach", "1").orThrow();

    assertThat(poolNodeStatus()).isEqualTo(Map.of("0", "up", "1", "up"));
    assertThat(pcpNodeInfo(1)).startsWith("127.0.0.1 " + LabPorts.PG_REPLICA + " 2 0.500000 up ");
    assertThat(LAB.status().output()).containsPattern("pgpool\\s+up\\s.*0:up 1:up");
  }

  @Test
  void healWithoutNode_attachesEveryDetachedNode() throws Exception {
    LAB.fault("pgpool-detach", "1").orThrow();
    assertThat(poolNodeStatus()).containsEntry("1", "down");

    LAB.heal("pgpool-detach").orThrow();

    assertThat(poolNodeStatus()).isEqualTo(Map.of("0", "up", "1", "up"));
  }

  @Test
  void detachUnknownNode_failsWithExitCode2_andLeavesTheNodesUp() throws Exception {
    Lab.Result result = LAB.fault("pgpool-detach", "7");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("pgpool refused node 7").contains("node id : 7");
    assertThat(poolNodeStatus()).isEqualTo(Map.of("0", "up", "1", "up"));
  }

  @Test
  void detachRejectsANodeIdThatIsNotANumber() throws Exception {
    for (String bad : List.of("1;true", "-1", "one", "")) {
      Lab.Result result = LAB.fault("pgpool-detach", bad);

      assertThat(result.exitCode()).as("pgpool-detach '%s'", bad).isEqualTo(2);
      assertThat(result.output()).contains("usage: lab/fault pgpool-detach <node-id>");
    }
    assertThat(poolNodeStatus()).isEqualTo(Map.of("0", "up", "1", "up"));
  }

  @Test
  void pcpPassFile_isPrivate_andLetsPcpRunWithoutAPrompt() throws Exception {
    // pcp silently ignores a pcppass that is not 0600
    assertThat(Files.getPosixFilePermissions(LAB.dir().resolve("pgpool/pcppass")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    Lab.Result result = pcp("pcp_node_count");

    assertThat(result.exitCode()).isZero();
    assertThat(result.output().strip()).isEqualTo("2");
  }

  /** node_id to status from {@code SHOW POOL_NODES} through pgpool itself. */
  private static Map<String, String> poolNodeStatus() throws SQLException {
    return LabSql.rows(LabPorts.PGPOOL, "postgres", "SHOW POOL_NODES").stream()
        .collect(Collectors.toMap(row -> row.get("node_id"), row -> row.get("status")));
  }

  private static String pcpNodeInfo(int node) {
    return pcp("pcp_node_info", "-n", Integer.toString(node)).orThrow().output().strip();
  }

  private static Lab.Result pcp(String command, String... args) {
    List<String> argv = new ArrayList<>(List.of("env",
        "PCPPASSFILE=" + LAB.dir().resolve("pgpool/pcppass"),
        "/usr/sbin/" + command, "-h", LabPorts.HOST, "-p", Integer.toString(LabPorts.PCP),
        "-U", "pcpadmin", "-w"));
    argv.addAll(List.of(args));
    return LAB.run(argv, Duration.ofSeconds(30));
  }
}
