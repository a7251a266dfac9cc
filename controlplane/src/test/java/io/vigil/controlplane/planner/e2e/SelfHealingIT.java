package io.vigil.controlplane.planner.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.config.YamlSection;
import io.vigil.controlplane.planner.actions.Remediations;
import io.vigil.controlplane.planner.engine.PlannerOperations.HoldRequest;
import io.vigil.controlplane.planner.engine.PlannerRuntime;
import io.vigil.controlplane.planner.engine.PlannerSettings;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineQuery;
import io.vigil.lab.Lab;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's end-to-end scenarios: the planner (in this JVM, with its own probes at 500 ms and the
 * real remediations) against the lab's real components, faults injected by {@code lab/fault};
 * assertions on the components themselves and on the timeline.
 */
class SelfHealingIT {

  private static final Lab LAB = Lab.get();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final int CACHE2_PORT = 51212;
  private static final int REPORTING_WEB_PORT = 28080;
  private static Process cache2;

  @TempDir
  Path dir;

  private PlannerRuntime runtime;

  @BeforeAll
  static void lab() throws Exception {
    LAB.up("postgres", "pgpool", "rabbitmq", "celery", "memcached", "webhead", "sshd");
    // a second cache node for the node-by-node flush, stopped by its PID afterwards
    cache2 = new ProcessBuilder("/usr/bin/memcached", "-l", "127.0.0.1", "-p", String.valueOf(CACHE2_PORT), "-U", "0",
        "-m", "16", "-u", "memcache").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    await(Duration.ofSeconds(10), () -> memcached(CACHE2_PORT, "stats").contains("curr_items"));
  }

  @AfterAll
  static void stopCache2() throws Exception {
    if (cache2 != null) {
      cache2.destroy();
      cache2.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void healEverything() {
    if (runtime != null) {
      runtime.close();
    }
    LAB.heal("broker-stop-app");
    LAB.heal("replica-stop");
    LAB.heal("replica-pause-replay");
    LAB.heal("pgpool-detach");
    LAB.heal("worker-kill");
  }

  private PlannerRuntime start(String policies) throws Exception {
    String lab = LAB.dir().toString();
    String repo = LAB.repoRoot().toString();
    String yaml = """
        vigil:
          node-name: e2e
          inventory:
            primary: {address: 127.0.0.1, cluster: db}
            replica1: {address: 127.0.0.1, cluster: db}
            rabbit: {address: 127.0.0.1}
            worker1: {address: 127.0.0.1}
            cache1: {address: 127.0.0.1}
            cache2: {address: 127.0.0.1}
            web1: {address: 127.0.0.1}
            web2: {address: 127.0.0.1}
            loader1: {address: 127.0.0.1}
          planner:
            store: {type: file, path: "%1$s/store"}
            interval: 250ms
            root_cause_grace: 20s
            health:
              max_check_attempts: 2
              ttl: 10s
              checks:
                replica_lag: {max_check_attempts: 6}
            probes:
              pgpool-node1:
                {host: replica1, check: pgpool_node, type: pgpool_pcp_nodes, interval: 500ms,
                 options: {port: 59898, user: pcpadmin, pcppass: "%2$s/pgpool/pcppass", node: 1}}
              replica-lag:
                {host: replica1, check: replica_lag, type: pg_replication_lag, interval: 500ms,
                 options: {port: 55433, role: replica, user: postgres}}
              replica-up: {host: replica1, check: postgres, type: tcp, interval: 500ms, options: {port: 55433}}
              broker: {host: rabbit, check: rabbitmq, type: tcp, interval: 500ms, options: {port: 55672}}
              celery:
                {host: worker1, check: celery_queue, type: amqp_queue, interval: 500ms,
                 options: {port: 55672, queue: celery, min_consumers: 1, timeout: 2s}}
              heartbeat:
                {host: web1, check: heartbeat, type: http_heartbeat, interval: 500ms,
                 options: {url: "http://127.0.0.1:58080/services/heartbeat", timeout: 3s}}
              reporting-heartbeat:
                {host: web2, check: heartbeat, type: http_heartbeat, interval: 500ms,
                 options: {url: "http://127.0.0.1:%5$d/services/heartbeat", timeout: 3s}}
              trigger: {host: loader1, check: loader_trigger, type: tcp, interval: 500ms, options: {port: 1}}
            topology:
              replica1/pgpool_node: [replica1/postgres]
              worker1/celery_queue: [rabbit/rabbitmq]
              web1/heartbeat: [replica1/postgres, rabbit/rabbitmq, worker1/celery_queue]
              web2/heartbeat: [replica1/postgres, rabbit/rabbitmq, worker1/celery_queue]
            tiers:
              cache: {members: [cache1, cache2], max_concurrent: 1}
            remediations:
              reattach:
                type: pgpool_attach
                options:
                  pcp_port: 59898
                  pcp_user: pcpadmin
                  pcppass: "%2$s/pgpool/pcppass"
                  targets:
                    primary: {node_id: 0, host: 127.0.0.1, port: 55432}
                    replica1: {node_id: 1, host: 127.0.0.1, port: 55433, application_name: replica1}
              resume: {type: wal_replay_resume, options: {targets: {replica1: {host: 127.0.0.1, port: 55433}}}}
              restart-worker:
                type: celery_restart
                options:
                  identity: "%2$s/sshd/client_ed25519"
                  known_hosts: "%2$s/sshd/known_hosts"
                  management_url: "http://127.0.0.1:55673"
                  templates: {celeryd: "/usr/bin/env VIGIL_LAB_DIR=%2$s %3$s/lab/celeryd-services restart"}
                  targets: {worker1: {address: 127.0.0.1, port: 52222, template: celeryd}}
              restart-web:
                type: ssh_restart
                options:
                  identity: "%2$s/sshd/client_ed25519"
                  known_hosts: "%2$s/sshd/known_hosts"
                  templates: {web: "/bin/echo restart web"}
                  targets:
                    web1: {address: 127.0.0.1, port: 52222, template: web}
                    web2: {address: 127.0.0.1, port: 52222, template: web}
              restart-trigger:
                type: ssh_restart
                options:
                  identity: "%2$s/sshd/client_ed25519"
                  known_hosts: "%2$s/sshd/known_hosts"
                  templates: {trigger: "service edudl2-trigger start"}
                  targets: {loader1: {address: 127.0.0.1, port: 52222, template: trigger}}
              flush-cache:
                type: memcached_flush
                options:
                  targets: {cache1: {host: 127.0.0.1, port: 51211}, cache2: {host: 127.0.0.1, port: %4$d}}
            policies:
        """.formatted(dir, lab, repo, CACHE2_PORT, REPORTING_WEB_PORT) + policies.indent(6);
    Path file = Files.writeString(dir.resolve("vigil.yml"), yaml);
    PlannerSettings settings = PlannerSettings.parse(YamlSection.load(file).section("vigil"), Remediations.types());
    runtime = new PlannerRuntime(settings, null, new PrometheusRegistry(), Clock.systemUTC());
    await(Duration.ofSeconds(10), () -> runtime.engine().isLeader());
    return runtime;
  }

  private static final String REATTACH = """
      - name: reattach-standby
        check: pgpool_node
        action: reattach
        mode: auto
        recheck: 1s
        budget: {attempts: 5, window: 1h, backoff: 2s}
        verify_deadline: 20s
      """;

  // 1 ----------------------------------------------------------------------------------------------

  @Test
  void s1_aDetachedStandbyIsReattachedOnceAndVerified() throws Exception {
    start(REATTACH);
    settle();
    LAB.fault("pgpool-detach", "1").orThrow();
    await(Duration.ofSeconds(30), () -> poolNodes().contains("1:up"));
    await(Duration.ofSeconds(20), () -> finished("reattach") == 1);
    List<ActionRecord> actions = actions("reattach");
    assertThat(actions).hasSize(1);
    assertThat(actions.get(0).status()).isEqualTo(ActionRecord.Status.SUCCEEDED);
    assertThat(actions.get(0).command()).contains("pcp_attach_node").contains("-n").contains("1");
    assertThat(what()).anyMatch(w -> w.startsWith("VERIFICATION verified: replica1/pgpool_node healthy"));
  }

  // 2 ----------------------------------------------------------------------------------------------

  @Test
  void s2_aPausedReplayRefusesTheReattachUntilTheResumeActionFixesIt() throws Exception {
    start(REATTACH + """
        - name: resume-replay
          check: replica_lag
          on: [WARNING, CRITICAL]
          action: resume
          mode: auto
          verify_deadline: 30s
        """);
    settle();
    LAB.fault("replica-pause-replay").orThrow();
    LAB.fault("pgpool-detach", "1").orThrow();
    await(Duration.ofSeconds(30), () -> timeline().stream().anyMatch(e -> e.kind() == TimelineEvent.Kind.ALERT
        && e.what().startsWith("reattach on replica1 refused")));
    TimelineEvent refusal = timeline().stream().filter(e -> e.kind() == TimelineEvent.Kind.ALERT).findFirst().orElseThrow();
    assertThat(refusal.why()).containsIgnoringCase("paused");
    await(Duration.ofSeconds(40), () -> poolNodes().contains("1:up"));
    assertThat(actions("resume")).extracting(ActionRecord::status).contains(ActionRecord.Status.SUCCEEDED);
    await(Duration.ofSeconds(20), () -> finished("reattach") == 1);
    assertThat(actions("reattach")).extracting(ActionRecord::status).containsExactly(ActionRecord.Status.SUCCEEDED);
  }

  @Test
  void s2b_byHand_theReattachWaitsForAnOperatorsResume() throws Exception {
    start(REATTACH);
    settle();
    LAB.fault("replica-pause-replay").orThrow();
    LAB.fault("pgpool-detach", "1").orThrow();
    await(Duration.ofSeconds(30), () -> timeline().stream().anyMatch(e -> e.kind() == TimelineEvent.Kind.ALERT));
    Thread.sleep(2000);
    assertThat(poolNodes()).doesNotContain("1:up");
    assertThat(actions("reattach")).isEmpty();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:55433/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("select pg_wal_replay_resume()");
    }
    await(Duration.ofSeconds(40), () -> poolNodes().contains("1:up"));
    await(Duration.ofSeconds(20), () -> finished("reattach") == 1);
  }

  // 3 ----------------------------------------------------------------------------------------------

  @Test
  void s3_aKilledWorkerIsRestartedOverSshAndTheQueueDrains() throws Exception {
    start("""
        - name: restart-celery
          check: celery_queue
          on: [CRITICAL, WARNING]
          action: restart-worker
          mode: auto
          budget: {attempts: 3, window: 1h, backoff: 5s}
          verify_deadline: 45s
        """);
    settle();
    LAB.fault("worker-kill").orThrow();
    LAB.fault("queue-fill", "200").orThrow();
    await(Duration.ofSeconds(60), () -> celery().matches("(?s).*messages 0 consumers [1-9].*"));
    await(Duration.ofSeconds(50), () -> finished("restart-worker") >= 1);
    List<ActionRecord> actions = actions("restart-worker");
    assertThat(actions).hasSize(1);
    assertThat(actions.get(0).status()).isEqualTo(ActionRecord.Status.SUCCEEDED);
    assertThat(timeline()).anyMatch(e -> e.kind() == TimelineEvent.Kind.ACTION && e.details().containsKey("exit_code")
        && e.details().get("exit_code").equals("0"));
  }

  // 4 ----------------------------------------------------------------------------------------------

  @Test
  void s4_workersAreNotRestartedWhenTheBrokerIsTheRootCause() throws Exception {
    start("""
        - name: restart-celery
          check: celery_queue
          on: [CRITICAL, WARNING, UNKNOWN]
          action: restart-worker
          mode: auto
        """);
    settle();
    LAB.fault("broker-stop-app").orThrow();
    await(Duration.ofSeconds(20), () -> state("worker1", "celery_queue").suppressedBy().contains("rabbit/rabbitmq"));
    Thread.sleep(3000);
    assertThat(actions("restart-worker")).isEmpty();
    assertThat(timeline()).anyMatch(e -> e.kind() == TimelineEvent.Kind.DECISION && e.host().equals("worker1")
        && e.why().contains("caused by rabbit/rabbitmq"));
    LAB.heal("broker-stop-app").orThrow();
    LAB.heal("worker-kill").orThrow(); // waits for the worker's consumer to return
    await(Duration.ofSeconds(30), () -> runtime.operations().states(null).stream()
        .filter(v -> List.of("rabbit", "worker1").contains(v.host())).allMatch(v -> v.state().equals("OK")));
    Thread.sleep(2000);
    assertThat(actions("restart-worker")).as("no stray action after the heal").isEmpty();
  }

  // 5 ----------------------------------------------------------------------------------------------

  @Test
  void s5_aHoldOnTheReplicaDefersTheReattachUntilItEnds() throws Exception {
    start(REATTACH);
    settle();
    runtime.operations().createHold(new HoldRequest("maint-replica1", "replica1", null, null, null,
        Duration.ofMinutes(10), "replica maintenance"), "e2e");
    LAB.fault("pgpool-detach", "1").orThrow();
    await(Duration.ofSeconds(20), () -> timeline().stream().anyMatch(e -> e.what().startsWith("blocked by hold")));
    Thread.sleep(3000);
    assertThat(poolNodes()).doesNotContain("1:up");
    assertThat(actions("reattach")).isEmpty();
    assertThat(state("replica1", "pgpool_node").state()).as("checks keep flowing").isEqualTo("CRITICAL");
    runtime.operations().endHold("maint-replica1", "e2e");
    await(Duration.ofSeconds(30), () -> poolNodes().contains("1:up"));
    await(Duration.ofSeconds(20), () -> finished("reattach") == 1);
  }

  // 6 ----------------------------------------------------------------------------------------------

  @Test
  void s6_aRestartThatKeepsFailingStopsAtTheBudgetAndEscalatesOnce() throws Exception {
    start("""
        - name: restart-loader-trigger
          check: loader_trigger
          action: restart-trigger
          mode: auto
          budget: {attempts: 2, window: 1h, backoff: 1s, reset_after_healthy: 10m}
          verify_deadline: 2s
        """);
    await(Duration.ofSeconds(30), () -> timeline().stream().anyMatch(e -> e.kind() == TimelineEvent.Kind.ESCALATION));
    Thread.sleep(4000);
    List<ActionRecord> actions = actions("restart-trigger");
    assertThat(actions).hasSize(2).allMatch(a -> a.status() == ActionRecord.Status.FAILED);
    assertThat(actions.get(0).detail()).contains("exit");
    List<TimelineEvent> escalations = timeline().stream().filter(e -> e.kind() == TimelineEvent.Kind.ESCALATION).toList();
    assertThat(escalations).hasSize(1);
    assertThat(escalations.get(0).details().get("recent_actions")).contains("FAILED");
    assertThat(escalations.get(0).why()).contains("budget exhausted");
  }

  // 7 ----------------------------------------------------------------------------------------------

  @Test
  void s7_aHeartbeatFailingOnTheDatabaseNeverRestartsTheWebHead() throws Exception {
    // a second web head of the seed's kind whose [databases] include a reporting database read from
    // the replica directly (the lab's first web head goes through pgpool, which routes around it)
    Process web2 = new ProcessBuilder("/usr/bin/python3", LAB.repoRoot().resolve("lab/webhead/webhead.py").toString(),
        "--config", LAB.dir().resolve("webhead/webhead.ini").toString(), "--listen", "127.0.0.1:" + REPORTING_WEB_PORT,
        "--db", "reporting=host=127.0.0.1 port=55433 dbname=postgres user=postgres connect_timeout=2")
        .redirectErrorStream(true).redirectOutput(dir.resolve("web2.log").toFile()).start();
    try {
      await(Duration.ofSeconds(20), () -> heartbeat(REPORTING_WEB_PORT) == 200);
      reportingHeartbeatFailsOnTheReplica();
    } finally {
      web2.destroy(); // by the PID we started
      web2.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void reportingHeartbeatFailsOnTheReplica() throws Exception {
    start("""
        - name: restart-web
          check: heartbeat
          action: restart-web
          mode: auto
        """);
    settle();
    await(Duration.ofSeconds(20), () -> state("web2", "heartbeat").state().equals("OK"));
    LAB.fault("replica-stop").orThrow();
    await(Duration.ofSeconds(30), () -> state("web2", "heartbeat").suppressedBy().contains("replica1/postgres"));
    Thread.sleep(3000);
    assertThat(heartbeat(REPORTING_WEB_PORT)).as("the heartbeat really fails").isNotEqualTo(200);
    assertThat(actions("restart-web")).isEmpty();
    assertThat(timeline()).anyMatch(e -> e.kind() == TimelineEvent.Kind.DECISION && e.host().equals("web2")
        && e.why().contains("caused by replica1/postgres"));
  }

  // 8 ----------------------------------------------------------------------------------------------

  @Test
  void s8_aBatchLoadedEventFlushesTheCacheNodeByNodeAndTheHeartbeatStaysUp() throws Exception {
    start("""
        - name: bust-cache-after-load
          event: batch_loaded
          action: flush-cache
          mode: auto
          tier: cache
          targets: [cache1, cache2]
          verify_deadline: 10s
        """);
    for (int i = 0; i < 20; i++) {
      memcached(51211, "set e2e" + i + " 0 0 1\r\nx");
      memcached(CACHE2_PORT, "set e2e" + i + " 0 0 1\r\nx");
    }
    assertThat(items(51211)).isPositive();
    assertThat(items(CACHE2_PORT)).isPositive();
    AtomicBoolean heartbeatDown = new AtomicBoolean();
    Thread watcher = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        if (heartbeat() != 200) {
          heartbeatDown.set(true);
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    watcher.start();
    try {
      runtime.operations().event("loader1", "batch_loaded", Map.of("batch", "2026-12-06"), "loader1");
      await(Duration.ofSeconds(30), () -> finished("flush-cache") == 2);
    } finally {
      watcher.interrupt();
      watcher.join();
    }
    assertThat(items(51211)).isZero();
    assertThat(items(CACHE2_PORT)).isZero();
    List<ActionRecord> flushes = actions("flush-cache");
    assertThat(flushes).allMatch(a -> a.status() == ActionRecord.Status.SUCCEEDED);
    ActionRecord first = flushes.get(1);
    ActionRecord second = flushes.get(0);
    assertThat(first.host()).isEqualTo("cache1");
    assertThat(second.createdAt()).as("node by node").isAfterOrEqualTo(first.updatedAt());
    assertThat(heartbeatDown).as("the heartbeat stayed 200").isFalse();
  }

  // ------------------------------------------------------------------------------------------------

  /** Every probe has results and the lab is healthy before the fault. */
  private void settle() throws Exception {
    await(Duration.ofSeconds(20), () -> runtime.operations().states(null).stream()
        .filter(v -> !v.host().equals("loader1") && !v.host().equals("web2")).allMatch(v -> v.state().equals("OK"))
        && runtime.operations().states(null).size() >= 6);
  }

  private List<ActionRecord> actions(String action) {
    return runtime.operations().actions(TimelineQuery.all()).stream().filter(a -> a.action().equals(action)).toList();
  }

  private long finished(String action) {
    return actions(action).stream().filter(a -> a.status().isFinal()).count();
  }

  private List<TimelineEvent> timeline() {
    return runtime.operations().timeline(new TimelineQuery(null, null, null, null, 5000));
  }

  private List<String> what() {
    return timeline().stream().map(e -> e.kind() + " " + e.what()).toList();
  }

  private io.vigil.controlplane.planner.engine.PlannerOperations.CheckView state(String host, String check) {
    return runtime.operations().states(host).stream().filter(v -> v.check().equals(check)).findFirst()
        .orElseThrow(() -> new AssertionError("no state for " + host + "/" + check));
  }

  private static String poolNodes() {
    return LAB.status().output().lines().filter(l -> l.startsWith("pgpool")).findFirst().orElse("");
  }

  private static String celery() {
    return LAB.status().output().lines().filter(l -> l.startsWith("celery")).findFirst().orElse("");
  }

  private static int heartbeat() {
    return heartbeat(58080);
  }

  private static int heartbeat(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/services/heartbeat"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 200;
    } catch (Exception e) {
      return -1;
    }
  }

  private static long items(int port) {
    for (String line : memcached(port, "stats").split("\r\n")) {
      if (line.startsWith("STAT curr_items ")) {
        return Long.parseLong(line.substring("STAT curr_items ".length()).trim());
      }
    }
    throw new AssertionError("no curr_items from memcached on " + port);
  }

  /** One text-protocol command; returns what memcached answered up to END/STORED/OK. */
  private static String memcached(int port, String command) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      StringBuilder answer = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        answer.append(line).append("\r\n");
        if (line.equals("END") || line.equals("STORED") || line.equals("OK") || line.startsWith("ERROR")) {
          break;
        }
      }
      return answer.toString();
    } catch (Exception e) {
      return "";
    }
  }

  /** A condition about a check with no result yet is simply not met yet. */
  private static boolean holds(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (AssertionError e) {
      return false;
    }
  }

  private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!holds(condition)) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + timeout);
      }
      Thread.sleep(200);
    }
  }
}
