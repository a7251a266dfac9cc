package io.vigil.probes.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat probe against the lab's real web head (pgpool, RabbitMQ, the Celery worker behind
 * it): the 503 names the failed dependency, and the probe recovers on the same keep-alive client.
 */
class HttpHeartbeatProbeIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeCatalog CATALOG = ProbeCatalog.standard();
  private static final ProbeRunner RUNNER = new ProbeRunner();
  private static final String HEARTBEAT = "http://127.0.0.1:" + LabPorts.WEBHEAD + "/services/heartbeat";
  /** The web head bounds its checks at 2 s (db) and 3 s (queue), answering within about 3.5 s. */
  private static final Map<String, String> OPTIONS = Map.of("url", HEARTBEAT, "warning", "2", "critical", "5", "timeout", "8s");

  @BeforeAll
  static void labUp() {
    LAB.up("webhead");
  }

  @AfterEach
  void heal() {
    LAB.heal("broker-stop-app").orThrow();
    LAB.heal("worker-kill").orThrow();
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  @Test
  void heartbeat200_thenBrokerAppStopped_503NamingTheQueue_thenHealed200_onTheSameProbe() throws Exception {
    try (Probe probe = CATALOG.create("http_heartbeat", "webhead", OPTIONS)) {
      ProbeResult up = await(probe, r -> r.state() == CheckState.OK);
      assertThat(up.summary()).matches("200 in \\d\\.\\d{3}s: db:postgres ok, db:vigil ok, queue ok");
      assertThat(up.value("status")).isEqualTo(200);
      assertThat(up.pluginOutput()).matches("OK: .* \\| time=[\\d.]+s;2;5;0 status=200");

      LAB.fault("broker-stop-app").orThrow();
      ProbeResult down = RUNNER.run(probe);
      assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(down.summary()).matches("503: queue failed \\(error: .*Connection refused.*\\); db:postgres ok, db:vigil ok");
      assertThat(down.value("status")).isEqualTo(503);
      assertThat(down.value("time")).isLessThan(5.0);

      LAB.heal("broker-stop-app").orThrow();
      ProbeResult healed = await(probe, r -> r.state() == CheckState.OK);
      assertThat(healed.value("status")).isEqualTo(200);
    }
  }

  @Test
  void workerKilled_503SaysTheQueueRoundTripTimedOut_andHealBringsBack200() throws Exception {
    try (Probe probe = CATALOG.create("http_heartbeat", "webhead", OPTIONS)) {
      await(probe, r -> r.state() == CheckState.OK);
      LAB.fault("worker-kill").orThrow();

      ProbeResult down = RUNNER.run(probe);
      assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(down.summary()).isEqualTo("503: queue failed (timeout after 3.0s); db:postgres ok, db:vigil ok");
      assertThat(down.value("time")).isBetween(3.0, 5.0);

      LAB.heal("worker-kill").orThrow();
      assertThat(await(probe, r -> r.state() == CheckState.OK).value("status")).isEqualTo(200);
    }
  }

  /**
   * A web head of our own whose only database is unreachable: the lab's pgpool and PostgreSQL are
   * shared with other tests and are never stopped here.
   */
  @Test
  void databaseUnreachable_503NamesTheDatabase_andTheQueueStillOk() throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("vigil-it-baddb-webhead", ".log");
    Process webhead = new ProcessBuilder("/usr/bin/python3", LAB.repoRoot().resolve("lab/webhead/webhead.py").toString(),
        "--listen", "127.0.0.1:" + port, "--db", "bad=host=127.0.0.1 port=1 dbname=x user=postgres",
        "--broker", "amqp://guest:guest@127.0.0.1:" + LabPorts.RABBITMQ + "//",
        "--memcached", "127.0.0.1:" + LabPorts.MEMCACHED)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitPort(port, webhead);
      try (Probe probe = CATALOG.create("http_heartbeat", "baddb",
          Map.of("url", "http://127.0.0.1:" + port + "/services/heartbeat", "timeout", "8s"))) {
        ProbeResult result = RUNNER.run(probe);
        assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(result.summary()).isEqualTo("503: db:bad failed (error: OperationalError: Connection refused); queue ok");
        assertThat(result.value("status")).isEqualTo(503);
      }
    } finally {
      webhead.destroy();
      if (!webhead.waitFor(10, TimeUnit.SECONDS)) {
        webhead.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      Files.deleteIfExists(log);
    }
  }

  @Test
  void wrongUrls_areCritical_namingTheCause() throws IOException {
    int closed = freePort();
    ProbeResult refused = run(Map.of("url", "http://127.0.0.1:" + closed + "/services/heartbeat", "timeout", "3s"));
    assertThat(refused.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(refused.summary()).isEqualTo("GET http://127.0.0.1:" + closed + "/services/heartbeat: Connection refused");

    ProbeResult wrongPath = run(Map.of("url", "http://127.0.0.1:" + LabPorts.WEBHEAD + "/services/heartbeet"));
    assertThat(wrongPath.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(wrongPath.summary()).isEqualTo("404: {\"error\":\"not found\",\"path\":\"/services/heartbeet\"}");
    assertThat(wrongPath.value("status")).isEqualTo(404);
  }

  @Test
  void a200ThatIsNotAHeartbeat_failsBodyMatch_quotingTheBody() {
    // node_exporter's metrics page: a real 200 with a body that is no heartbeat report
    ProbeResult result = run(Map.of("url", "http://127.0.0.1:" + LabPorts.NODE_EXPORTER + "/metrics",
        "body_match", "\"status\":\"ok\""));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).startsWith("200 but the body does not match '\"status\":\"ok\"': # HELP ").endsWith("...");
  }

  private static ProbeResult run(Map<String, String> options) {
    try (Probe probe = CATALOG.create("http_heartbeat", "heartbeat", options)) {
      return RUNNER.run(probe);
    }
  }

  /** Runs the probe until the condition holds; the lab is shared, so a dependency may be settling. */
  private static ProbeResult await(Probe probe, Predicate<ProbeResult> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    ProbeResult result = RUNNER.run(probe);
    while (!condition.test(result) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      result = RUNNER.run(probe);
    }
    assertThat(condition).as("last result: %s", result.pluginOutput()).accepts(result);
    return result;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port, Process process) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("own web head exited").isTrue();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("own web head did not listen on " + port + " within 15 s");
  }
}
