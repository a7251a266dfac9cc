package io.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.alerts.AlertFiles.AlertRule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The example's inhibition rules work in the real Alertmanager (Debian's prometheus-alertmanager),
 * with the labels the rules really carry: alerts are posted through the v2 API and their state
 * (active or suppressed) read back. The example's routes and receivers are replaced by one receiver
 * that sends nowhere, so nothing leaves this machine (the planner's webhook may be live on 8480).
 */
class AlertmanagerInhibitionIT {

  @TempDir
  static Path dir;

  private static Process alertmanager;
  private static URI api;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static Map<String, AlertRule> rules;

  @BeforeAll
  static void startAlertmanager() throws Exception {
    rules = AlertFiles.alertRules().stream().collect(Collectors.toMap(AlertRule::name, r -> r));
    Map<String, Object> config = new LinkedHashMap<>(AlertFiles.load(AlertFiles.alertmanagerConfig()));
    config.remove("global");
    config.put("route", Map.of("receiver", "nowhere"));
    config.put("receivers", List.of(Map.of("name", "nowhere")));
    Path file = dir.resolve("alertmanager.yml");
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(file, new Yaml(options).dump(config));

    int port = freePort();
    api = URI.create("http://127.0.0.1:" + port + "/api/v2/");
    alertmanager = new ProcessBuilder(PromtoolIT.tool("prometheus-alertmanager"), "--config.file=" + file,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    Instant deadline = Instant.now().plusSeconds(20);
    while (!ready()) {
      assertThat(alertmanager.isAlive()).as("alertmanager exited: %s", log()).isTrue();
      assertThat(Instant.now()).as("alertmanager not ready on %d after 20 s: %s", port, log()).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stopAlertmanager() throws InterruptedException {
    if (alertmanager != null) {
      alertmanager.destroy(); // SIGTERM to the PID we started
      if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
        alertmanager.destroyForcibly();
        alertmanager.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void causesSuppressTheirSymptomsInTheSameClusterOnly() throws Exception {
    post(List.of(
        alert("VigilBrokerDown", Map.of("cluster", "a", "instance", "mq1:8081", "check", "rabbitmq_queue")),
        alert("VigilQueueNoConsumers", Map.of("cluster", "a", "instance", "mq1:8081", "queue", "celery")),
        alert("VigilWorkerDown", Map.of("cluster", "a", "instance", "pdf1:8081", "check", "celery_workers")),
        alert("VigilDiskFull", Map.of("cluster", "a", "instance", "mq1:8081", "mount", "/")),
        alert("VigilQueueNoConsumers", Map.of("cluster", "b", "instance", "mq2:8081", "queue", "celery")),
        alert("VigilPostgresPrimaryDown", Map.of("cluster", "c", "instance", "db1:8081", "check", "postgres_port")),
        alert("VigilPgpoolNodeDown", Map.of("cluster", "c", "instance", "pool1:8081", "node", "0")),
        alert("VigilHeartbeatFailing", Map.of("cluster", "c", "instance", "web1:8081", "check", "heartbeat")),
        alert("VigilMemcachedDown", Map.of("cluster", "d", "instance", "cache1:8081", "check", "memcached")),
        alert("VigilCacheWarmerDown", Map.of("cluster", "d", "instance", "warm1:8081", "check", "heartbeat")),
        alert("VigilMountUnhealthy", Map.of("cluster", "e", "instance", "pdf2:8081", "mount", "/mnt/gluster")),
        alert("VigilWorkerDown", Map.of("cluster", "e", "instance", "pdf2:8081", "check", "celery_workers")),
        alert("VigilEscalationActive", Map.of("instance", "planner1:8480", "policy", "restart-pdf", "target", "pdf1")),
        alert("VigilBudgetExhausted", Map.of("instance", "planner1:8480", "policy", "restart-pdf", "target", "pdf1")),
        alert("VigilBudgetExhausted", Map.of("instance", "planner1:8480", "policy", "restart-pdf", "target", "pdf2"))));

    Map<String, String> expected = new TreeMap<>(Map.ofEntries(
        Map.entry("VigilBrokerDown a", "active"),
        Map.entry("VigilQueueNoConsumers a", "suppressed"),
        Map.entry("VigilWorkerDown a", "suppressed"),
        Map.entry("VigilDiskFull a", "active"),
        Map.entry("VigilQueueNoConsumers b", "active"),
        Map.entry("VigilPostgresPrimaryDown c", "active"),
        Map.entry("VigilPgpoolNodeDown c", "suppressed"),
        Map.entry("VigilHeartbeatFailing c", "suppressed"),
        Map.entry("VigilMemcachedDown d", "active"),
        Map.entry("VigilCacheWarmerDown d", "suppressed"),
        Map.entry("VigilMountUnhealthy e", "active"),
        Map.entry("VigilWorkerDown e", "suppressed"),
        Map.entry("VigilEscalationActive pdf1", "active"),
        Map.entry("VigilBudgetExhausted pdf1", "suppressed"),
        Map.entry("VigilBudgetExhausted pdf2", "active")));

    // The inhibitor learns about source alerts asynchronously: poll until the states settle.
    Map<String, String> states = Map.of();
    Instant deadline = Instant.now().plusSeconds(15);
    while (Instant.now().isBefore(deadline)) {
      states = states();
      if (states.equals(expected)) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(states).as("alert states in Alertmanager; its log: %s", log()).isEqualTo(expected);
  }

  /** An alert as Prometheus would send it (without annotations): the rule's labels plus the series' labels. */
  private static Map<String, Object> alert(String name, Map<String, String> seriesLabels) {
    AlertRule rule = rules.get(name);
    assertThat(rule).as("rule %s", name).isNotNull();
    Map<String, String> labels = new TreeMap<>(seriesLabels);
    labels.put("job", name.startsWith("VigilBudget") || name.startsWith("VigilEscalation") ? "vigil-planner"
        : "vigil-agent");
    labels.putAll(rule.labels());
    labels.put("alertname", name);
    return Map.of("labels", labels, "startsAt", Instant.now().toString(),
        "endsAt", Instant.now().plusSeconds(300).toString());
  }

  private static void post(List<Map<String, Object>> alerts) throws Exception {
    // JSON is YAML's flow style with double-quoted scalars: snakeyaml writes it without another
    // dependency (every map here is a distinct object, so no anchors or aliases appear)
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
    options.setDefaultScalarStyle(DumperOptions.ScalarStyle.DOUBLE_QUOTED);
    options.setWidth(Integer.MAX_VALUE);
    String json = new Yaml(options).dump(alerts).replaceAll("\\s*\n\\s*", " ");
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("alerts"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(json).doesNotContain("&id", "*id");
    assertThat(response.statusCode()).as("POST alerts: %s", response.body()).isEqualTo(200);
  }

  /** "alertname cluster-or-target" to "active" or "suppressed", from GET /api/v2/alerts. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> states() throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve("alerts")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    List<Map<String, Object>> alerts = (List<Map<String, Object>>) new Yaml(new SafeConstructor(new LoaderOptions()))
        .load(response.body());
    Map<String, String> states = new TreeMap<>();
    for (Map<String, Object> a : alerts) {
      Map<String, String> labels = (Map<String, String>) a.get("labels");
      String key = labels.get("alertname") + " " + labels.getOrDefault("cluster", labels.get("target"));
      states.put(key, String.valueOf(((Map<String, Object>) a.get("status")).get("state")));
    }
    return states;
  }

  private static boolean ready() {
    try {
      return http.send(HttpRequest.newBuilder(api.resolve("status")).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String log() {
    try {
      return Files.readString(dir.resolve("alertmanager.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A free port under the ephemeral range (32768+) and away from the lab's (5xxxx, 24007). */
  private static int freePort() throws IOException {
    for (int port = 29093; port < 29193; port++) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // try the next one
      }
    }
    throw new IOException("no free port in 29093..29192");
  }
}
