package io.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.lab.Lab;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code promtool check metrics} (Debian's prometheus) finds nothing to say about the
 * {@code /metrics} of a real agent ({@code bin/vigil agent}) and of planner plus agent
 * ({@code bin/vigil run}) probing the lab, in the Prometheus text format; their OpenMetrics is
 * read without error by the lab's Prometheus (see {@link #assertPrometheusParsesOpenMetrics}).
 */
class VigilMetricsIT {

  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  @TempDir
  Path dir;

  @BeforeAll
  static void labUp() {
    Lab.get().up("pgpool", "rabbitmq", "celery", "memcached", "webhead", "prometheus");
  }

  @Test
  void binVigilAgent_textPassesPromtool_openMetricsPrometheus_withEveryProbesMeasurements() throws Exception {
    try (VigilProcess agent = VigilProcess.start("agent", "metrics-it-agent", dir)) {
      String text = awaitMeasurements(agent);
      assertThat(text).contains("vigil_probe_state{check=\"celery_queue\"}")
          .contains("vigil_pg_replication_lag_bytes{check=\"pg_replication\",replica=\"replica1\"}")
          .contains("vigil_pgpool_node_up{check=\"pgpool_nodes\",node=\"1\"} 1")
          .contains("vigil_queue_consumers{check=\"celery_queue\",queue=\"celery\"}")
          .contains("vigil_memcached_items{check=\"cache\"}")
          .contains("vigil_heartbeat_up{check=\"heartbeat\"} 1")
          .contains("vigil_mount_healthy{check=\"root_mount\",mount=\"/\"} 1")
          .contains("vigil_disk_used_ratio{check=\"disk_data\",mount=\"/\"}")
          .contains("vigil_host_role{host=\"metrics-it-agent\",role=\"database-master\"} 1")
          .contains("vigil_build_info{version=");
      assertPromtoolClean(text);
      assertPrometheusParsesOpenMetrics(agent);
    }
  }

  @Test
  void binVigilRun_textPassesPromtool_openMetricsPrometheus() throws Exception {
    try (VigilProcess run = VigilProcess.start("run", "metrics-it-run", dir)) {
      String text = awaitMeasurements(run);
      assertPromtoolClean(text);
      assertPrometheusParsesOpenMetrics(run);
    }
  }

  /**
   * The scrape once every probe has a result (they start at a random offset within their
   * interval) and, for a planner, once its self-healing loop has acted, so promtool sees the
   * decision and duration metrics too.
   */
  private static String awaitMeasurements(VigilProcess vigil) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String text = vigil.metrics(TEXT);
    while (System.nanoTime() < deadline && !(text.contains("vigil_probe_state{check=\"root_mount\"}")
        && text.contains("vigil_probe_state{check=\"pg_replication\"}") && text.contains("vigil_memcached_items")
        && text.contains("vigil_queue_consumers") && text.contains("vigil_pgpool_node_up{check=\"pgpool_nodes\",node=\"1\"}")
        && text.contains("vigil_heartbeat_up") && text.contains("vigil_disk_used_ratio{")
        && text.contains("vigil_mount_healthy{") && text.contains("vigil_probe_state{check=\"celery_queue\"}")
        && (vigil.isAgentOnly() || text.contains("vigil_remediation_duration_seconds_bucket{")))) {
      Thread.sleep(250);
      text = vigil.metrics(TEXT);
    }
    return text;
  }

  /**
   * promtool check metrics (prometheus 2.42) reads only the classic text format: given OpenMetrics it
   * reports every counter's {@code _total} samples as {@code no help text} (an OpenMetrics counter
   * family is named without {@code _total}) and stops at the type {@code info}. So OpenMetrics is
   * checked by the OpenMetrics parser of the same Prometheus: the lab's Prometheus, which asks for
   * OpenMetrics first, scrapes this process without error and stores its counters under their
   * {@code _total} names.
   */
  static void assertPrometheusParsesOpenMetrics(VigilProcess vigil) throws Exception {
    String metrics = vigil.metrics(OPENMETRICS);
    assertThat(metrics).endsWith("# EOF\n").contains("# TYPE vigil_probe_runs counter\n");
    vigil.register();
    String instance = vigil.instance();
    LabPrometheus.await(Duration.ofSeconds(30), "vigil_probe_runs_total scraped from " + instance,
        () -> LabPrometheus.query("vigil_probe_runs_total{instance=\"" + instance + "\"}"),
        a -> a.path("data").path("result").size() > 0);
    JsonNode target = null;
    for (JsonNode t : LabPrometheus.get("/api/v1/targets?state=active").path("data").path("activeTargets")) {
      if (t.path("labels").path("instance").asText().equals(instance)) {
        target = t;
      }
    }
    assertThat(target).as("target %s", instance).isNotNull();
    assertThat(target.path("health").asText()).isEqualTo("up");
    assertThat(target.path("lastError").asText()).isEmpty();
  }

  static void assertPromtoolClean(String metrics) throws Exception {
    Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(report).as("promtool check metrics").isEmpty();
    assertThat(promtool.exitValue()).isZero();
  }
}
