package io.vigil.remediations.ssh;

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
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh_restart and celery_restart against the lab's real OpenSSH (key-only root login on 52222) and
 * its Celery worker on RabbitMQ, restarted with lab/celeryd-services (the seed's init script).
 */
class SshRestartIT {

  private static final Lab LAB = Lab.get();
  private static final ActionTarget WORKER = new ActionTarget("pdf-worker-1", "celery_queue", Map.of());
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @BeforeAll
  static void labUp() {
    LAB.up("sshd", "celery");
  }

  static Map<String, Object> options(Map<String, Object> extra) {
    Path sshd = LAB.dir().resolve("sshd");
    Map<String, Object> o = new HashMap<>(Map.of(
        "identity", sshd.resolve("client_ed25519").toString(),
        "known_hosts", sshd.resolve("known_hosts").toString(),
        "connect_timeout", "5s",
        "templates", Map.of(
            // sshd passes no environment: name the lab's directory on the command line
            "celeryd", "/usr/bin/env VIGIL_LAB_DIR=" + LAB.dir() + " " + LAB.repoRoot().resolve("lab/celeryd-services")
                + " restart",
            "echo", "/bin/echo hello {word}",
            "fail", "/bin/false"),
        "targets", Map.of(
            "pdf-worker-1", Map.of("address", LabPorts.HOST, "port", Integer.toString(LabPorts.SSHD), "template", "celeryd"),
            "echo-host", Map.of("address", LabPorts.HOST, "port", Integer.toString(LabPorts.SSHD), "template", "echo"),
            "fail-host", Map.of("address", LabPorts.HOST, "port", Integer.toString(LabPorts.SSHD), "template", "fail"))));
    o.putAll(extra);
    return o;
  }

  static Remediation ssh(Map<String, Object> extra) {
    return RemediationCatalog.standard().get("ssh_restart").configure(options(extra));
  }

  @Test
  void restartsTheCeleryWorker_andVerifiesConsumersBackAndBacklogDraining() throws Exception {
    Map<String, Object> o = options(Map.of("management_url", "http://127.0.0.1:" + LabPorts.RABBITMQ_MANAGEMENT));
    try (Remediation celery = RemediationCatalog.standard().get("celery_restart").configure(o)) {
      restartAndVerify(celery);
    } finally {
      LAB.heal("worker-kill").orThrow();
      LAB.heal("queue-fill").orThrow();
    }
  }

  private static void restartAndVerify(Remediation celery) throws Exception {
    {
      LAB.fault("worker-kill").orThrow();
      LAB.fault("queue-fill", "200").orThrow();
      Precondition pre = celery.preconditions(WORKER);
      assertThat(pre.ok()).as(pre.why()).isTrue();
      assertThat(pre.facts()).containsEntry("queue", "celery").containsKey("messages");

      long started = System.nanoTime();
      ActionResult result = celery.execute(WORKER, TIMEOUT);
      assertThat(result.ok()).as(result.summary() + " " + result.stderr()).isTrue();
      assertThat(result.exitCode()).isZero();
      assertThat(result.stdout()).contains("celeryd-services: started");
      Await.until(TIMEOUT, "consumers back and the backlog draining", () -> celery.verify(WORKER),
          v -> v == Remediation.Verdict.HEALTHY);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
      QueueReader api = new QueueReader(URI.create("http://127.0.0.1:" + LabPorts.RABBITMQ_MANAGEMENT), "guest",
          "guest", Duration.ofSeconds(5));
      Await.until(TIMEOUT, "queue celery drained", () -> api.read("/", "celery"), d -> d.messages() == 0 && d.consumers() >= 1);
    }
  }

  @Test
  void rendersExactlyWhatRunsWhere() {
    try (Remediation r = ssh(Map.of())) {
      assertThat(r.render(new ActionTarget("echo-host", "", Map.of("word", "abc"))))
          .startsWith("ssh -p 52222 root@127.0.0.1 '/bin/echo' 'hello' 'abc'   # echo-host, template echo; key ");
    }
  }

  @Test
  void recordsExitCodeAndOutput_reusingOneSessionPerHost() throws Exception {
    try (Remediation r = ssh(Map.of())) {
      ActionResult hello = r.execute(new ActionTarget("echo-host", "", Map.of("word", "abc")), TIMEOUT);
      assertThat(hello.ok()).isTrue();
      assertThat(hello.stdout()).isEqualTo("hello abc\n");
      ActionResult fail = r.execute(ActionTarget.of("fail-host", ""), TIMEOUT);
      assertThat(fail.ok()).isFalse();
      assertThat(fail.exitCode()).isEqualTo(1);
      assertThat(fail.summary()).contains("'/bin/false' exited 1");
      assertThat(((SshRestart) r).openSessions()).isEqualTo(1);
    }
  }

  @Test
  void parameterWithShellMetacharacters_isRefusedBeforeAnythingRuns() throws Exception {
    ActionTarget evil = new ActionTarget("echo-host", "", Map.of("word", "x; touch /tmp/pwned"));
    try (Remediation r = ssh(Map.of())) {
      assertThatThrownBy(() -> r.render(evil)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("parameter 'word'");
      Precondition pre = r.preconditions(evil);
      assertThat(pre.ok()).isFalse();
      assertThat(pre.why()).contains("refused");
      assertThat(r.execute(evil, TIMEOUT).ok()).isFalse();
      assertThat(((SshRestart) r).openSessions()).isZero();
    }
  }

  @Test
  void changedHostKey_isRefused_notRetried() throws Exception {
    // the client's own public key posing as the server's: a changed host key
    String impostor = Files.readString(LAB.dir().resolve("sshd/client_ed25519.pub")).split(" ")[1];
    Path knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:52222 ssh-ed25519 " + impostor + "\n");
    try (Remediation r = ssh(Map.of("known_hosts", knownHosts.toString()))) {
      ActionResult result = r.execute(ActionTarget.of("fail-host", ""), TIMEOUT);
      assertThat(result.ok()).isFalse();
      assertThat(result.summary()).contains("HOST KEY CHANGED");
    }
  }

  @Test
  void unknownHostKey_isRefused() throws Exception {
    Path knownHosts = Files.writeString(dir.resolve("empty_known_hosts"), "");
    try (Remediation r = ssh(Map.of("known_hosts", knownHosts.toString()))) {
      ActionResult result = r.execute(ActionTarget.of("fail-host", ""), TIMEOUT);
      assertThat(result.ok()).isFalse();
      assertThat(result.summary()).contains("host key not in known_hosts");
    }
  }

  @Test
  void keyTheServerDoesNotKnow_isAnAuthenticationFailure() throws Exception {
    try (Remediation r = ssh(Map.of("identity", LAB.dir().resolve("sshd/ssh_host_ed25519_key").toString()))) {
      ActionResult result = r.execute(ActionTarget.of("fail-host", ""), TIMEOUT);
      assertThat(result.ok()).isFalse();
      assertThat(result.summary()).contains("key authentication refused");
    }
  }

  @Test
  void closedPort_isTransient() {
    Map<String, Object> targets = Map.of("fail-host", Map.of("address", LabPorts.HOST, "port", "1", "template", "fail"));
    try (Remediation r = ssh(Map.of("targets", targets))) {
      assertThatThrownBy(() -> r.execute(ActionTarget.of("fail-host", ""), TIMEOUT))
          .isInstanceOf(TransientActionException.class).hasMessageContaining("Connection refused");
    }
  }

  @Test
  void unknownTemplate_isRefusedAtConfigure() {
    Map<String, Object> targets = Map.of("h", Map.of("address", LabPorts.HOST, "template", "reboot"));
    assertThatThrownBy(() -> ssh(Map.of("targets", targets))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option 'targets.h.template': unknown template 'reboot' (templates: celeryd, echo, fail)");
  }
}
