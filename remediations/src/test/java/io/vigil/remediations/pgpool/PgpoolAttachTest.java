package io.vigil.remediations.pgpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.remediations.ActionResult;
import io.vigil.remediations.RemediationCatalog;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgpoolAttachTest {

  private static Map<String, Object> valid() {
    return new HashMap<>(Map.of("pcp_user", "vigil", "pcppass", "/etc/vigil/pcppass",
        "targets", Map.of("db1", Map.of("node_id", "1", "host", "10.0.0.11"))));
  }

  private static void configure(Map<String, Object> options) {
    RemediationCatalog.standard().get("pgpool_attach").configure(options).close();
  }

  @Test
  void configures_fromPlainStrings() {
    configure(valid());
  }

  @Test
  void refusesMissingAndUnknownKeys_namingThem() {
    Map<String, Object> o = valid();
    o.remove("pcp_user");
    assertThatThrownBy(() -> configure(o)).hasMessageStartingWith("option 'pcp_user': required");
    Map<String, Object> typo = valid();
    typo.put("pcp_prot", "9898");
    assertThatThrownBy(() -> configure(typo)).hasMessageStartingWith("unknown option 'pcp_prot'");
    Map<String, Object> nested = valid();
    nested.put("targets", Map.of("db1", Map.of("node_id", "1", "host", "h", "prot", "5432")));
    assertThatThrownBy(() -> configure(nested)).hasMessageStartingWith("unknown option 'targets.db1.prot'");
  }

  @Test
  void refusesBadValues_namingTheKeyPath() {
    Map<String, Object> o = valid();
    o.put("targets", Map.of("db1", Map.of("node_id", "128", "host", "10.0.0.11")));
    assertThatThrownBy(() -> configure(o)).hasMessage("option 'targets.db1.node_id': 128 (expected: 0..127)");
    o.put("targets", Map.of("db1", Map.of("node_id", "1", "host", "10.0.0.11; rm -rf /")));
    assertThatThrownBy(() -> configure(o)).hasMessageStartingWith("option 'targets.db1.host': '10.0.0.11; rm -rf /'");
    o.put("targets", Map.of("a", Map.of("node_id", "1", "host", "h1"), "b", Map.of("node_id", "1", "host", "h2")));
    assertThatThrownBy(() -> configure(o)).hasMessageContaining("node 1 is also");
    Map<String, Object> port = valid();
    port.put("pcp_port", "80");
    assertThatThrownBy(() -> configure(port)).hasMessage("option 'pcp_port': 80 (expected: 1024..65535)");
    Map<String, Object> relative = valid();
    relative.put("pcppass", "pcppass");
    assertThatThrownBy(() -> configure(relative)).hasMessageStartingWith("option 'pcppass': 'pcppass' (expected: an absolute path)");
    Map<String, Object> policy = valid();
    policy.put("primary_policy", "promote");
    assertThatThrownBy(() -> configure(policy)).hasMessage("option 'primary_policy': 'promote' (expected: refuse, fenced_failover)");
  }

  private static PcpClient.Run run(int exit, String stdout, String stderr) {
    return new PcpClient.Run(List.of("pcp_attach_node"), exit, stdout, stderr, PcpClient.error(stdout, stderr));
  }

  @Test
  void errorWithExitStatusZero_isAFailure_withPcpsWords() {
    ActionResult r = PgpoolAttach.attachResult("pcp x:1, node 7", run(0, "",
        "ERROR:  invalid degenerate backend request, node id : 7 status: [0] is not valid for failover\n"));
    assertThat(r.ok()).isFalse();
    assertThat(r.summary()).isEqualTo("pcp x:1, node 7: pcp_attach_node failed: ERROR: invalid degenerate backend "
        + "request, node id : 7 status: [0] is not valid for failover (exit status 0)");
  }

  @Test
  void errorLines_keepTheirDetail_andCollapseSpaces() {
    assertThat(PcpClient.error("", "ERROR:  informing node info failed\nDETAIL:  invalid node ID : 7\n"))
        .contains("ERROR: informing node info failed / DETAIL: invalid node ID : 7");
    assertThat(PcpClient.error("127.0.0.1 55433 2 0.5 up up standby standby 0 streaming async 2026-11-22 01:37:39", ""))
        .isEmpty();
  }

  @Test
  void authenticationFailure_namesThePassFile() {
    ActionResult r = PgpoolAttach.attachResult("pcp", run(1, "", "FATAL:  authentication failed for user \"pcpadmin\"\n"));
    assertThat(r.ok()).isFalse();
    assertThat(r.summary()).contains("authentication failed").contains("pcppass").contains("exit status 1");
  }

  @Test
  void successNeedsPcpsOwnWords() {
    assertThat(PgpoolAttach.attachResult("p", run(0, "pcp_attach_node -- Command Successful\n", "")).ok()).isTrue();
    ActionResult usage = PgpoolAttach.attachResult("p", run(0, "", "pcp_attach_node: Invalid node-id \"200\""));
    assertThat(usage.ok()).isFalse();
    assertThat(usage.summary()).contains("did not report success");
  }

  @Test
  void connectionFailures_areRecognised() {
    assertThat(PcpClient.isConnectionFailure("ERROR: connection to host \"127.0.0.1\" failed with error \"Connection refused\""))
        .isTrue();
    assertThat(PcpClient.isConnectionFailure("FATAL: authentication failed for user \"pcpadmin\"")).isFalse();
  }

  @Test
  void passFileFields_escapeColonAndBackslash() {
    assertThat(PcpClient.escape("a:b\\c")).isEqualTo("a\\:b\\\\c");
  }

  @Test
  void emptyOptionalIsNoError() {
    assertThat(PcpClient.error("", "")).isEqualTo(Optional.empty());
  }
}
