package io.vigil.probes.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Celery-on-Redis queue probe against the lab's real Redis: a backlog is pushed onto the
 * queue's lists as Celery's Redis transport would, crosses the thresholds, and is removed again.
 */
class RedisQueueProbeIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeCatalog CATALOG = ProbeCatalog.standard();
  private static final ProbeRunner RUNNER = new ProbeRunner();
  /** A queue of the tests' own, so that nothing else in the lab is disturbed. */
  private static final String QUEUE = "vigil-it-celery";
  private static final String PRIORITY_9 = QUEUE + RedisQueueProbe.PRIORITY_SEPARATOR + "9";

  @BeforeAll
  static void labUp() {
    LAB.up("redis");
  }

  @AfterEach
  void clean() throws IOException {
    LAB.heal("redis-stop").orThrow();
    redis(List.of("DEL", QUEUE, PRIORITY_9, "vigil-it-string"));
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  @Test
  void backlogCrossesWarningThenCritical_andBackToOk_onOneKeptConnection() throws IOException {
    try (RespClient observer = RespClient.connect(LabPorts.HOST, LabPorts.REDIS, 2000);
        Probe probe = queueProbe(Map.of("warning", "100", "critical", "1000"))) {
      long connectionsBefore = totalConnections(observer);

      ProbeResult empty = RUNNER.run(probe);
      assertThat(empty.state()).isEqualTo(CheckState.OK);
      assertThat(empty.pluginOutput()).isEqualTo("OK: vigil-it-celery: 0 waiting (in 4 priority lists) | messages=0;100;1000;0");

      call(observer, push(QUEUE, 150));
      ProbeResult warning = RUNNER.run(probe);
      assertThat(warning.state()).isEqualTo(CheckState.WARNING);
      assertThat(warning.value("messages")).isEqualTo(150);

      // a high-priority task goes to its own list, "<queue>\x06\x169" (kombu PRIORITY_STEPS)
      call(observer, push(PRIORITY_9, 1000));
      ProbeResult critical = RUNNER.run(probe);
      assertThat(critical.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(critical.summary()).isEqualTo("vigil-it-celery: 1150 waiting (in 4 priority lists)");

      call(observer, List.of("DEL", QUEUE, PRIORITY_9));
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
      assertThat(totalConnections(observer) - connectionsBefore).as("connections the probe opened").isEqualTo(1);
    }
  }

  @Test
  void redisStopped_isCritical_andTheSameProbeReconnectsAfterHeal() {
    try (Probe probe = queueProbe(Map.of("priority_steps", "0"))) {
      assertThat(RUNNER.run(probe).summary()).isEqualTo("vigil-it-celery: 0 waiting");

      LAB.fault("redis-stop").orThrow();
      ProbeResult down = RUNNER.run(probe);
      assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(down.summary()).startsWith("redis 127.0.0.1:" + LabPorts.REDIS + ": ");
      ProbeResult stillDown = RUNNER.run(probe);
      assertThat(stillDown.summary()).isEqualTo("redis 127.0.0.1:" + LabPorts.REDIS + ": Connection refused");

      LAB.heal("redis-stop").orThrow();
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
    }
  }

  @Test
  void aServerThatIsNotRedis_isUnknown_notAHang() {
    // sshd speaks first with its banner
    ProbeResult result = run(Map.of("port", String.valueOf(LabPorts.SSHD), "timeout", "2s"));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).isEqualTo("redis 127.0.0.1:" + LabPorts.SSHD
        + " does not speak RESP: not a RESP reply: first byte 0x53 'S'");
  }

  @Test
  void aKeyThatIsNoList_isUnknown_namingRedisError() throws IOException {
    redis(List.of("SET", "vigil-it-string", "x"));

    ProbeResult result = run(Map.of("queue", "vigil-it-string", "priority_steps", "0"));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).isEqualTo("redis 127.0.0.1:" + LabPorts.REDIS
        + ": LLEN 'vigil-it-string' answered -WRONGTYPE Operation against a key holding the wrong kind of value");
  }

  @Test
  void aPasswordTheServerDoesNotWant_isUnknown_andNeverEchoed() {
    ProbeResult result = run(Map.of("password", "hunter2-secret"));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).startsWith("redis 127.0.0.1:" + LabPorts.REDIS + ": AUTH failed: ERR");
    assertThat(result.pluginOutput()).doesNotContain("hunter2-secret");
  }

  @Test
  void aClosedPort_isCritical() {
    ProbeResult result = run(Map.of("port", "1"));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("redis 127.0.0.1:1: Connection refused");
  }

  @Test
  void anotherDatabase_isSelectedOnConnect() throws IOException {
    try (RespClient db3 = RespClient.connect(LabPorts.HOST, LabPorts.REDIS, 2000)) {
      long deadline = System.nanoTime() + 2_000_000_000L;
      db3.call(deadline, List.of(List.of("SELECT", "3"), push(QUEUE, 7), List.of("EXPIRE", QUEUE, "60")));
      try {
        assertThat(run(Map.of("db", "3")).value("messages")).isEqualTo(7);
        assertThat(run(Map.of()).value("messages")).isZero();
      } finally {
        db3.call(System.nanoTime() + 2_000_000_000L, List.of(List.of("DEL", QUEUE)));
      }
    }
  }

  private static Probe queueProbe(Map<String, String> options) {
    Map<String, String> all = new HashMap<>(Map.of("port", String.valueOf(LabPorts.REDIS), "queue", QUEUE, "timeout", "2s"));
    all.putAll(options);
    return CATALOG.create("redis_queue", "celery-redis", all);
  }

  private static ProbeResult run(Map<String, String> options) {
    try (Probe probe = queueProbe(options)) {
      return RUNNER.run(probe);
    }
  }

  /** {@code LPUSH key m1 m2 ...}: n messages in one command, as a backlog of Celery tasks. */
  private static List<String> push(String key, int n) {
    List<String> command = new ArrayList<>(List.of("LPUSH", key));
    command.addAll(Collections.nCopies(n, "{\"body\":\"vigil-it\",\"headers\":{\"task\":\"tasks.add\"}}"));
    return command;
  }

  private static void redis(List<String> command) throws IOException {
    try (RespClient client = RespClient.connect(LabPorts.HOST, LabPorts.REDIS, 2000)) {
      call(client, command);
    }
  }

  private static void call(RespClient client, List<String> command) throws IOException {
    RespDecoder.Reply reply = client.call(System.nanoTime() + 2_000_000_000L, List.of(command)).get(0);
    assertThat(reply.isError()).as("%s answered %s", command.get(0), reply).isFalse();
  }

  /** {@code total_connections_received} of {@code INFO stats}. */
  private static long totalConnections(RespClient client) throws IOException {
    String info = client.call(System.nanoTime() + 2_000_000_000L, List.of(List.of("INFO", "stats"))).get(0).text();
    return info.lines().filter(l -> l.startsWith("total_connections_received:"))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElseThrow();
  }
}
