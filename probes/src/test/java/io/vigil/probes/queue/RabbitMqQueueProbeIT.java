package io.vigil.probes.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RabbitMQ queue probe against the lab's broker and real Celery worker. The management API
 * lags rabbitmqctl by 1.5 to 5 s (lab recipe, section 3), so each expected state is polled for
 * with a deadline rather than read once.
 */
class RabbitMqQueueProbeIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeCatalog CATALOG = ProbeCatalog.standard();
  private static final ProbeRunner RUNNER = new ProbeRunner();
  private static final String API = "http://127.0.0.1:" + LabPorts.RABBITMQ_MANAGEMENT;
  private static final Duration API_LAG = Duration.ofSeconds(30);

  @BeforeAll
  static void labUp() {
    LAB.up("rabbitmq", "celery");
  }

  @AfterEach
  void heal() {
    LAB.heal("broker-stop-app").orThrow();
    LAB.heal("worker-kill").orThrow();
    LAB.heal("queue-fill").orThrow();
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  @Test
  void workerKilledWithMessagesQueued_isCriticalWaitingWithNoConsumer_andHealDrainsTheQueue() throws Exception {
    try (Probe probe = celery(Map.of("warning", "100", "critical", "1000", "min_consumers", "1"))) {
      ProbeResult idle = await(probe, r -> r.state() == CheckState.OK);
      assertThat(idle.summary()).matches("celery: 0 messages \\(0 ready, 0 unacked\\), 1 consumer");
      assertThat(idle.pluginOutput()).endsWith("| messages=0;100;1000;0 ready=0;;;0 unacknowledged=0;;;0 consumers=1;;;0");

      LAB.fault("worker-kill").orThrow();
      ProbeResult noWorker = await(probe, r -> r.value("consumers") == 0);
      assertThat(noWorker.state()).as("no consumer, nothing waiting: below min_consumers").isEqualTo(CheckState.CRITICAL);
      assertThat(noWorker.summary()).isEqualTo("celery: 0 messages (0 ready, 0 unacked), 0 consumers, expected at least 1");

      LAB.fault("queue-fill", "200").orThrow();
      ProbeResult stuck = await(probe, r -> r.value("ready") >= 200);
      assertThat(stuck.state()).isEqualTo(CheckState.CRITICAL);
      // a web head heartbeat may add one or two messages of its own
      assertThat(stuck.summary()).matches("celery: 20[0-5] waiting, 0 consumers \\(workers dead or not consuming\\)");
      assertThat(stuck.value("messages")).isBetween(200.0, 205.0);
      assertThat(stuck.value("consumers")).isZero();

      LAB.heal("worker-kill").orThrow();
      ProbeResult drained = await(probe, r -> r.value("messages") == 0 && r.value("consumers") >= 1);
      assertThat(drained.state()).isEqualTo(CheckState.OK);
    }
  }

  @Test
  void withoutMinConsumers_aBacklogCrossesTheThresholds() throws Exception {
    try (Probe warning = celery(Map.of("warning", "100", "critical", "1000"));
        Probe critical = celery(Map.of("warning", "10", "critical", "100"))) {
      LAB.fault("worker-kill").orThrow();
      ProbeResult idle = await(warning, r -> r.value("consumers") == 0);
      assertThat(idle.state()).as("an empty queue needs no consumer by default").isEqualTo(CheckState.OK);

      LAB.fault("queue-fill", "150").orThrow();
      ProbeResult backlog = await(warning, r -> r.value("messages") >= 150);
      // waiting with no consumer outranks the warning range
      assertThat(backlog.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(backlog.pluginOutput()).containsPattern("messages=15[0-5];100;1000;0");
      assertThat(RUNNER.run(critical).state()).isEqualTo(CheckState.CRITICAL);
    }
  }

  @Test
  void brokerAppStopped_isCritical_connectionRefused_andTheSameProbeRecovers() throws Exception {
    try (Probe probe = celery(Map.of())) {
      await(probe, r -> r.state() == CheckState.OK);
      LAB.fault("broker-stop-app").orThrow();

      ProbeResult down = RUNNER.run(probe);
      assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(down.summary()).isEqualTo("RabbitMQ 127.0.0.1:" + LabPorts.RABBITMQ_MANAGEMENT + ": Connection refused");

      LAB.heal("broker-stop-app").orThrow();
      // the API shows the worker's new consumer a few seconds after rabbitmqctl does
      await(probe, r -> r.state() == CheckState.OK && r.value("consumers") >= 1);
    }
  }

  @Test
  void everyQueueOfTheVhost_includesCelery() throws Exception {
    try (Probe probe = CATALOG.create("rabbitmq_queue", "all", Map.of("url", API, "timeout", "5s"))) {
      ProbeResult result = await(probe, r -> !Double.isNaN(r.value("celery_messages")));
      assertThat(result.summary()).matches("\\d+ queues in vhost '/'.*");
      assertThat(result.value("celery_consumers")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void wrongCredentials_areUnknown_withoutThePassword() {
    ProbeResult result = run(Map.of("password", "not-the-password"));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).isEqualTo("RabbitMQ 127.0.0.1:" + LabPorts.RABBITMQ_MANAGEMENT
        + " answered 401 Unauthorized for user 'guest': wrong user or password, or the user lacks the management tag");
    assertThat(result.pluginOutput()).doesNotContain("not-the-password");
  }

  @Test
  void anUnknownQueueOrVhost_isCritical_404ObjectNotFound() {
    ProbeResult queue = run(Map.of("queue", "no-such-queue"));
    assertThat(queue.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(queue.summary()).isEqualTo("queue 'no-such-queue' in vhost '/' not found (404 Object Not Found)");

    ProbeResult vhost = run(Map.of("vhost", "nowhere"));
    assertThat(vhost.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(vhost.summary()).isEqualTo("queue 'celery' in vhost 'nowhere' not found (404 Object Not Found)");
  }

  @Test
  void aServerThatIsNotRabbitMq_isUnknown_quotingItsAnswer() {
    // Prometheus answers the API's path with a redirect page
    ProbeResult result = RUNNER.run(CATALOG.create("rabbitmq_queue", "q",
        Map.of("url", "http://127.0.0.1:" + LabPorts.PROMETHEUS, "queue", "celery", "timeout", "5s")));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).startsWith("RabbitMQ 127.0.0.1:" + LabPorts.PROMETHEUS + " answered 301: <a href=");
  }

  private static Probe celery(Map<String, String> options) {
    Map<String, String> all = new HashMap<>(Map.of("url", API, "queue", "celery", "timeout", "5s"));
    all.putAll(options);
    return CATALOG.create("rabbitmq_queue", "celery", all);
  }

  private static ProbeResult run(Map<String, String> options) {
    try (Probe probe = celery(options)) {
      return RUNNER.run(probe);
    }
  }

  private static ProbeResult await(Probe probe, Predicate<ProbeResult> condition) throws InterruptedException {
    long deadline = System.nanoTime() + API_LAG.toNanos();
    ProbeResult result = RUNNER.run(probe);
    while (!condition.test(result) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      result = RUNNER.run(probe);
    }
    assertThat(condition).as("within %s; last result: %s", API_LAG, result.pluginOutput()).accepts(result);
    return result;
  }
}
