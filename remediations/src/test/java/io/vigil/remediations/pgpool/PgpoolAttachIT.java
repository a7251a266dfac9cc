package io.vigil.remediations.pgpool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Await;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationCatalog;
import io.vigil.remediations.TransientActionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgpool_attach and wal_replay_resume against the lab's real pgpool-II 4.3 (PCP on 59898) in front
 * of the PostgreSQL 15 primary (55432) and its streaming replica (55433): the node is detached
 * with {@code lab/fault pgpool-detach 1}, and every test leaves the lab healed.
 */
class PgpoolAttachIT {

  private static final Lab LAB = Lab.get();
  private static final ActionTarget REPLICA = ActionTarget.of("db-replica1", "pgpool_nodes");
  private static final ActionTarget PRIMARY = ActionTarget.of("db-primary", "pgpool_nodes");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  @BeforeAll
  static void labUp() {
    LAB.up("pgpool");
  }

  @AfterEach
  void heal() {
    LAB.heal("replica-pause-replay").orThrow();
    LAB.heal("replica-delay-replay").orThrow();
    LAB.heal("pgpool-detach").orThrow();
  }

  static Map<String, Object> options(Map<String, Object> extra) {
    Map<String, Object> o = new HashMap<>(Map.of(
        "pcp_port", Integer.toString(LabPorts.PCP),
        "pcp_user", "pcpadmin",
        "pcppass", LAB.dir().resolve("pgpool/pcppass").toString(),
        "targets", Map.of(
            "db-primary", Map.of("node_id", "0", "host", LabPorts.HOST, "port", Integer.toString(LabPorts.PG_PRIMARY)),
            "db-replica1", Map.of("node_id", "1", "host", LabPorts.HOST, "port", Integer.toString(LabPorts.PG_REPLICA)))));
    o.putAll(extra);
    return o;
  }

  static Remediation attach(Map<String, Object> extra) {
    return RemediationCatalog.standard().get("pgpool_attach").configure(options(extra));
  }

  private static Remediation.Verdict awaitHealthy(Remediation r, ActionTarget t) throws Exception {
    return Await.until(TIMEOUT, "verify() healthy for " + t.host(), () -> r.verify(t), v -> v == Remediation.Verdict.HEALTHY);
  }

  @Test
  void reattachesDetachedStandby_whenStreamingAndCaughtUp_andVerifiesItUp() throws Exception {
    try (Remediation r = attach(Map.of())) {
      LAB.fault("pgpool-detach", "1").orThrow();
      assertThat(r.verify(REPLICA)).isEqualTo(Remediation.Verdict.NOT_YET);

      Precondition pre = r.preconditions(REPLICA);
      assertThat(pre.ok()).as(pre.why()).isTrue();
      assertThat(pre.facts()).containsEntry("in_recovery", "true").containsEntry("wal_receiver", "streaming")
          .containsEntry("primary", "db-primary").containsEntry("pgpool_status", "down")
          .containsEntry("application_name", "replica1");

      ActionResult result = r.execute(REPLICA, TIMEOUT);
      assertThat(result.ok()).as(result.summary()).isTrue();
      assertThat(result.stdout()).contains("pcp_attach_node -- Command Successful");
      awaitHealthy(r, REPLICA);

      // attached again: nothing left to do, and the refusal says so
      Precondition again = r.preconditions(REPLICA);
      assertThat(again.ok()).isFalse();
      assertThat(again.why()).contains("already");
    }
  }

  @Test
  void refusesWhileReplayIsPaused_thenResumeActionFixesIt_andAttachProceeds() throws Exception {
    try (Remediation r = attach(Map.of());
        Remediation resume = RemediationCatalog.standard().get("wal_replay_resume").configure(Map.of("targets",
            Map.of("db-replica1", Map.of("host", LabPorts.HOST, "port", Integer.toString(LabPorts.PG_REPLICA)))))) {
      assertThat(resume.preconditions(REPLICA).why()).contains("not paused");
      LAB.fault("replica-pause-replay").orThrow();
      LAB.fault("pgpool-detach", "1").orThrow();

      Precondition refused = r.preconditions(REPLICA);
      assertThat(refused.ok()).isFalse();
      assertThat(refused.why()).contains("WAL replay is paused").contains("wal_replay_resume");
      assertThat(refused.facts()).containsEntry("replay_paused", "true");

      assertThat(resume.render(REPLICA)).isEqualTo("SELECT pg_wal_replay_resume()   # on db-replica1 (127.0.0.1:55433)");
      Precondition paused = resume.preconditions(REPLICA);
      assertThat(paused.ok()).as(paused.why()).isTrue();
      assertThat(resume.execute(REPLICA, TIMEOUT).ok()).isTrue();
      awaitHealthy(resume, REPLICA);

      Precondition pre = Await.until(TIMEOUT, "attach preconditions hold once replay caught up",
          () -> r.preconditions(REPLICA), Precondition::ok);
      assertThat(Long.parseLong(pre.facts().get("lag_bytes"))).isLessThanOrEqualTo(16L * 1024 * 1024);
      assertThat(r.execute(REPLICA, TIMEOUT).ok()).isTrue();
      awaitHealthy(r, REPLICA);
    }
  }

  @Test
  void refusesAStandbyReplayingLate_overMaxLagBytes_andAttachesOnceItCaughtUp() throws Exception {
    // the lag rule on its own: replay not paused, the receiver streaming, only the replay behind
    try (Remediation r = attach(Map.of("max_lag_bytes", "1048576"))) {
      LAB.fault("replica-delay-replay").orThrow();
      LAB.fault("pgpool-detach", "1").orThrow();

      Precondition refused = r.preconditions(REPLICA);
      assertThat(refused.ok()).isFalse();
      assertThat(refused.why()).startsWith("node 1 (db-replica1, 127.0.0.1:" + LabPorts.PG_REPLICA + "): replay lag ")
          .endsWith(" bytes is over max_lag_bytes 1048576");
      assertThat(refused.facts()).containsEntry("replay_paused", "false").containsEntry("wal_receiver", "streaming")
          .containsEntry("primary", "db-primary");
      assertThat(Long.parseLong(refused.facts().get("lag_bytes"))).isGreaterThan(1048576L);

      LAB.heal("replica-delay-replay").orThrow();
      Precondition pre = Await.until(TIMEOUT, "attach preconditions hold once replay caught up",
          () -> r.preconditions(REPLICA), Precondition::ok);
      assertThat(Long.parseLong(pre.facts().get("lag_bytes"))).isLessThanOrEqualTo(1048576L);
      assertThat(r.execute(REPLICA, TIMEOUT).ok()).isTrue();
      awaitHealthy(r, REPLICA);
    }
  }

  @Test
  void refusesThePrimary_unlessFencedFailoverIsConfigured() throws Exception {
    try (Remediation r = attach(Map.of()); Remediation fenced = attach(Map.of("primary_policy", "fenced_failover"))) {
      Precondition pre = r.preconditions(PRIMARY);
      assertThat(pre.ok()).isFalse();
      assertThat(pre.why()).contains("is a primary").contains("primary_policy: fenced_failover");
      assertThat(pre.facts()).containsEntry("in_recovery", "false");

      // allowed by policy, the one primary with a standby next to it passes the fence; pgpool has
      // it up, so there is still nothing to do
      Precondition f = fenced.preconditions(PRIMARY);
      assertThat(f.facts()).containsEntry("fenced", "true").containsEntry("pgpool_status", "up");
      assertThat(f.why()).contains("already up");
    }
  }

  @Test
  void rendersTheExactArgv_withThePassFileNotThePassword() {
    try (Remediation r = attach(Map.of())) {
      assertThat(r.render(REPLICA)).isEqualTo("PCPPASSFILE=" + LAB.dir().resolve("pgpool/pcppass")
          + " /usr/sbin/pcp_attach_node -h 127.0.0.1 -p 59898 -U pcpadmin -w -n 1"
          + "   # pgpool node 1 = db-replica1 (127.0.0.1:55433), run on the planner's host");
      assertThat(r.render(REPLICA)).doesNotContain("pcpsecret");
    }
  }

  @Test
  void refusesAPassFileOthersCanRead_beforeRunningPcp() throws Exception {
    Path loose = dir.resolve("pcppass");
    Files.copy(LAB.dir().resolve("pgpool/pcppass"), loose);
    Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
    try (Remediation r = attach(Map.of("pcppass", loose.toString()))) {
      ActionResult result = r.execute(REPLICA, TIMEOUT);
      assertThat(result.ok()).isFalse();
      assertThat(result.summary()).contains("rw-r--r--").contains("chmod 600");
    }
  }

  @Test
  void managedPassFile_isWritten0600FromThePasswordFile() throws Exception {
    String line = Files.readString(LAB.dir().resolve("pgpool/pcppass")).strip();
    Path secret = dir.resolve("pcp-secret");
    Files.writeString(secret, line.substring(line.lastIndexOf(':') + 1) + "\n");
    Path managed = dir.resolve("managed-pcppass");
    Files.writeString(managed, "stale\n");
    Files.setPosixFilePermissions(managed, PosixFilePermissions.fromString("rw-rw-rw-"));
    try (Remediation r = attach(Map.of("pcppass", managed.toString(), "pcp_password_file", secret.toString()))) {
      assertThat(r.verify(REPLICA)).isEqualTo(Remediation.Verdict.HEALTHY);   // pcp_node_info authenticated
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(managed))).isEqualTo("rw-------");
      assertThat(Files.readString(managed)).startsWith("127.0.0.1:59898:pcpadmin:");
    }
  }

  @Test
  void unknownNode_pcpErrorWithExitStatusZero_refuses_andAttachReportsSuccessButNeverVerifies() throws Exception {
    Map<String, Object> targets = Map.of(
        "db-primary", Map.of("node_id", "0", "host", LabPorts.HOST, "port", Integer.toString(LabPorts.PG_PRIMARY)),
        "db-ghost", Map.of("node_id", "7", "host", LabPorts.HOST, "port", Integer.toString(LabPorts.PG_REPLICA)));
    ActionTarget ghost = ActionTarget.of("db-ghost", "");
    try (Remediation r = attach(Map.of("targets", targets))) {
      // pcp_node_info -n 7: "ERROR: informing node info failed / DETAIL: invalid node ID : 7", exit 0
      Precondition pre = r.preconditions(ghost);
      assertThat(pre.ok()).isFalse();
      assertThat(pre.why()).contains("ERROR: informing node info failed").contains("invalid node ID : 7");
      // pgpool 4.3's pcp_attach_node says "Command Successful" for a node that does not exist:
      // only verify() tells, and it never turns healthy
      ActionResult result = r.execute(ghost, TIMEOUT);
      assertThat(result.stdout()).contains("Command Successful");
      assertThat(r.verify(ghost)).isEqualTo(Remediation.Verdict.NOT_YET);
    }
  }

  @Test
  void closedPcpPort_isTransient() {
    try (Remediation r = attach(Map.of("pcp_port", "1025"))) {
      assertThatThrownBy(() -> r.execute(REPLICA, TIMEOUT)).isInstanceOf(TransientActionException.class)
          .hasMessageContaining("pcp 127.0.0.1:1025");
    }
  }
}
