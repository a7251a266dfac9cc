package io.vigil.probes.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.ProbeCatalog;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code amqp_queue} against the lab's RabbitMQ and its Celery worker. */
class AmqpQueueProbeIT {

  @BeforeAll
  static void lab() {
    Lab.get().up("rabbitmq", "celery");
  }

  private static AmqpQueueProbe probe(String queue, int port, String password) {
    return (AmqpQueueProbe) ProbeCatalog.standard().create("amqp_queue", "celery_queue", Map.of("port",
        String.valueOf(port), "queue", queue, "password", password, "min_consumers", "1", "timeout", "3s"));
  }

  @Test
  void theWorkersQueueIsOkWithItsConsumer_andAMissingQueueIsCriticalWithoutBreakingTheConnection() throws Exception {
    try (AmqpQueueProbe p = probe("celery", LabPorts.RABBITMQ, "guest")) {
      Observation ok = p.check();
      assertThat(ok.state()).as(ok.summary()).isEqualTo(CheckState.OK);
      assertThat(ok.summary()).matches("celery: \\d+ messages \\(\\d+ ready, \\? unacked\\), [1-9]\\d* consumers?");
      assertThat(ok.perfdata()).anyMatch(d -> d.label().equals("consumers") && d.value() >= 1);
    }
    try (AmqpQueueProbe p = probe("no-such-queue", LabPorts.RABBITMQ, "guest")) {
      Observation missing = p.check();
      assertThat(missing.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(missing.summary()).isEqualTo("queue 'no-such-queue' in vhost '/' not found");
      assertThat(p.check().summary()).as("the same connection, a fresh channel").isEqualTo(missing.summary());
    }
  }

  @Test
  void aClosedPortIsCritical_andAWrongPasswordIsUnknownWithoutThePassword() {
    try (AmqpQueueProbe p = probe("celery", 1, "guest")) {
      Observation closed = p.check();
      assertThat(closed.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(closed.summary()).startsWith("RabbitMQ 127.0.0.1:1: ");
    }
    try (AmqpQueueProbe p = probe("celery", LabPorts.RABBITMQ, "not-the-password")) {
      Observation refused = p.check();
      assertThat(refused.state()).as(refused.summary()).isIn(CheckState.UNKNOWN, CheckState.CRITICAL);
      assertThat(refused.summary()).doesNotContain("not-the-password");
    }
  }

  @Test
  void aKilledWorkerShowsAsNoConsumerAtOnce() throws Exception {
    Lab lab = Lab.get();
    try (AmqpQueueProbe p = probe("celery", LabPorts.RABBITMQ, "guest")) {
      assertThat(p.check().state()).isEqualTo(CheckState.OK);
      lab.fault("worker-kill").orThrow();
      long start = System.nanoTime();
      Observation dead = p.check();
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(dead.state()).as(dead.summary()).isEqualTo(CheckState.CRITICAL);
      assertThat(dead.summary()).contains("0 consumers");
      assertThat(millis).isLessThan(Duration.ofSeconds(3).toMillis());
    } finally {
      lab.heal("worker-kill").orThrow();
    }
  }
}
