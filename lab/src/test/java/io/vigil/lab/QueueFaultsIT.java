package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The RabbitMQ and Celery faults against the real broker and worker. */
class QueueFaultsIT {

  private static final Lab LAB = Lab.get();

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

  @Test
  void workerKill_thenQueueFill_leavesMessagesWithoutConsumer_andHealDrainsThem() {
    assertThat(celeryQueue().consumers()).isEqualTo(1);

    LAB.fault("worker-kill").orThrow();
    LAB.fault("queue-fill", "200").orThrow();

    QueueStats filled = celeryQueue();
    assertThat(filled.consumers()).isZero();
    // about 200: a web head heartbeat may add one or two of its own
    assertThat(filled.messages()).isBetween(200, 205);
    assertThat(LAB.status().output()).containsPattern("celery\\s+FAILING");

    LAB.heal("worker-kill").orThrow();
    assertThat(celeryQueue().consumers()).isEqualTo(1);
    QueueStats drained = awaitQueue(s -> s.messages() == 0, Duration.ofSeconds(30));
    assertThat(drained.messages()).isZero();
    assertThat(LAB.status().output()).containsPattern("celery\\s+up");
  }

  @Test
  void queueFill_sendsRealCeleryTasks_thatTheWorkerRuns() throws IOException {
    Path workerLog = LAB.dir().resolve("celery/worker.log");
    long before = countSucceededAdds(workerLog);

    LAB.fault("queue-fill", "20").orThrow();

    awaitQueue(s -> s.messages() == 0, Duration.ofSeconds(30));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (countSucceededAdds(workerLog) < before + 20 && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(200));
    }
    assertThat(countSucceededAdds(workerLog)).isGreaterThanOrEqualTo(before + 20);
  }

  @Test
  void brokerStopApp_closesTheAmqpPort_andHealBringsTheConsumerBack() throws IOException {
    assertThat(canConnect(LabPorts.RABBITMQ)).isTrue();

    LAB.fault("broker-stop-app").orThrow();
    assertThatThrownBy(() -> connect(LabPorts.RABBITMQ)).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> connect(LabPorts.RABBITMQ_MANAGEMENT)).isInstanceOf(ConnectException.class);
    assertThat(LAB.status().output()).containsPattern("rabbitmq\\s+FAILING");

    LAB.heal("broker-stop-app").orThrow();
    assertThat(canConnect(LabPorts.RABBITMQ)).isTrue();
    assertThat(celeryQueue().consumers()).isEqualTo(1);
    assertThat(LAB.status().output()).containsPattern("rabbitmq\\s+up").containsPattern("celery\\s+up");
  }

  @Test
  void queueFill_rejectsABadCount_withExitCode2() {
    for (String bad : new String[] {"0", "-5", "abc", "100001", "1e3", "12 3"}) {
      Lab.Result result = LAB.fault("queue-fill", bad);
      assertThat(result.exitCode()).as("queue-fill %s: %s", bad, result.output()).isEqualTo(2);
      assertThat(result.output()).contains("expected one message count 1..100000");
    }
    assertThat(LAB.fault("queue-fill").exitCode()).isEqualTo(2);
    assertThat(LAB.fault("queue-fill", "5", "6").exitCode()).isEqualTo(2);
  }

  @Test
  void healsSucceed_whenNothingIsBroken() {
    assertThat(LAB.heal("broker-stop-app").ok()).isTrue();
    assertThat(LAB.heal("worker-kill").ok()).isTrue();
    assertThat(LAB.heal("queue-fill").ok()).isTrue();
    assertThat(celeryQueue()).isEqualTo(new QueueStats(0, 1));
  }

  /** Depth and consumers of the {@code celery} queue from rabbitmqctl (the HTTP API lags). */
  record QueueStats(int messages, int consumers) {
  }

  private static QueueStats celeryQueue() {
    String out = LabShell.call(LAB, "rabbitmq_queue_stats", "celery").orThrow().output().trim();
    String[] fields = out.split("\\s+");
    assertThat(fields).as("rabbitmq_queue_stats celery: %s", out).hasSize(2);
    return new QueueStats(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]));
  }

  private static QueueStats awaitQueue(Predicate<QueueStats> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    QueueStats stats = celeryQueue();
    while (!condition.test(stats) && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(250));
      stats = celeryQueue();
    }
    return stats;
  }

  private static long countSucceededAdds(Path workerLog) throws IOException {
    try (var lines = Files.lines(workerLog)) {
      return lines.filter(l -> l.contains("Task tasks.add[") && l.contains("succeeded")).count();
    }
  }

  private static boolean canConnect(int port) throws IOException {
    connect(port);
    return true;
  }

  private static void connect(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LabPorts.HOST, port), 2000);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
