package io.vigil.controlplane.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.agent.ProbeSpec;
import io.vigil.controlplane.agent.SnapshotStore;
import io.vigil.nagios.nrpe.NrpeServerCounters;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import io.vigil.nagios.nrpe.NrpeServerCounters.Requests;
import io.vigil.nagios.nrpe.NrpeServerCounters.Result;
import io.vigil.probes.CheckState;
import io.vigil.probes.Perfdata;
import io.vigil.probes.ProbeResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {

  private static final Instant AT = Instant.parse("2026-12-06T00:00:00Z");

  private final SnapshotStore store = new SnapshotStore();
  private final List<ProbeSpec> probes = new ArrayList<>();
  private final AtomicLong runs = new AtomicLong();
  private Optional<NrpeServerCounters> nrpe = Optional.empty();
  private Optional<AgentView.ReportCounts> reports = Optional.empty();
  private final PrometheusRegistry registry = new PrometheusRegistry();

  @Test
  void probeState_duration_lastRun_andRuns_perCheck() throws IOException {
    probe("webhead", "http_heartbeat", Map.of("url", "http://127.0.0.1:58080/services/heartbeat"));
    register();
    runs.set(7);
    put("webhead", result(CheckState.WARNING, Duration.ofMillis(250), Perfdata.of("time", 0.2, "s"),
        Perfdata.of("status", 200, "")));

    String text = scrape();

    assertThat(text).contains("vigil_probe_state{check=\"webhead\"} 1.0\n")
        .contains("vigil_probe_duration_seconds{check=\"webhead\"} 0.25\n")
        .contains("vigil_probe_last_run_timestamp_seconds{check=\"webhead\"} 1.79651520025E9\n")
        .contains("vigil_probe_runs_total{check=\"webhead\"} 7.0\n")
        .contains("vigil_probe_errors_total{check=\"webhead\"} 0.0\n")
        .contains("vigil_heartbeat_up{check=\"webhead\"} 1.0\n");
  }

  @Test
  void aProbeWithoutAResultYet_hasItsCountersButNoState() throws IOException {
    probe("cache", "memcached", Map.of());
    register();

    String text = scrape();

    assertThat(text).contains("vigil_probe_runs_total{check=\"cache\"} 0.0\n").doesNotContain("vigil_probe_state")
        .doesNotContain("vigil_memcached_items");
  }

  @Test
  void errors_countUnknownResultsAndDeadlines_notCriticalFindings() throws IOException {
    probe("db_lag", "pg_replication_lag", Map.of());
    register();
    put("db_lag", result(CheckState.UNKNOWN, Duration.ZERO));
    put("db_lag", result(CheckState.CRITICAL, Duration.ofSeconds(10), "timed out after 10s"));
    put("db_lag", result(CheckState.CRITICAL, Duration.ZERO, "replica1 missing from pg_stat_replication"));

    assertThat(scrape()).contains("vigil_probe_errors_total{check=\"db_lag\"} 2.0\n");
  }

  @Test
  void replicationLag_onThePrimary_perReplica_includingOneCalledLikeASuffix() throws IOException {
    probe("pg_lag", "pg_replication_lag", Map.of("role", "primary", "expect", "replica1,gone"));
    register();
    List<Perfdata> perfdata = new ArrayList<>();
    perfdata.addAll(standby("replica1", 4096, 1.5));
    perfdata.addAll(standby("r_apply", 0, 0));   // a standby whose name ends like a label suffix
    perfdata.add(Perfdata.of("gone_lag_bytes", Double.NaN, "B"));
    perfdata.add(Perfdata.of("standbys", 2, ""));
    put("pg_lag", result(CheckState.CRITICAL, Duration.ZERO, perfdata.toArray(Perfdata[]::new)));

    String text = scrape();

    assertThat(text).contains("vigil_pg_replication_lag_bytes{check=\"pg_lag\",replica=\"replica1\"} 4096.0\n")
        .contains("vigil_pg_replication_lag_seconds{check=\"pg_lag\",replica=\"replica1\"} 1.5\n")
        .contains("vigil_pg_replication_lag_bytes{check=\"pg_lag\",replica=\"r_apply\"} 0.0\n")
        .doesNotContain("replica=\"replica1_replication\"").doesNotContain("replica=\"replica1_apply\"")
        // a missing standby's lag is unknown: no sample rather than a made-up number
        .doesNotContain("replica=\"gone\"");
  }

  @Test
  void replicationLag_onTheReplica_isLabelledWithThisHost_andReportsAPausedReplay() throws IOException {
    probe("pg_lag", "pg_replication_lag", Map.of("role", "replica"));
    register();
    put("pg_lag", result(CheckState.WARNING, Duration.ZERO, Perfdata.of("apply_lag_bytes", 100, "B"),
        Perfdata.of("lag_seconds", 42, "s"), Perfdata.of("replay_paused", 1, "")));

    assertThat(scrape()).contains("vigil_pg_replication_lag_bytes{check=\"pg_lag\",replica=\"db2\"} 100.0\n")
        .contains("vigil_pg_replication_lag_seconds{check=\"pg_lag\",replica=\"db2\"} 42.0\n")
        .contains("vigil_pg_replay_paused{check=\"pg_lag\",replica=\"db2\"} 1.0\n");
  }

  @Test
  void pgpoolNodes_perNode() throws IOException {
    probe("pgpool", "pgpool_pcp_nodes", Map.of());
    register();
    put("pgpool", result(CheckState.CRITICAL, Duration.ZERO, Perfdata.of("nodes_up", 1, ""),
        Perfdata.of("node0_up", 1, ""), Perfdata.of("node1_up", 0, ""),
        Perfdata.of("node1_replication_delay_bytes", 0, "B")));

    assertThat(scrape()).contains("vigil_pgpool_node_up{check=\"pgpool\",node=\"0\"} 1.0\n")
        .contains("vigil_pgpool_node_up{check=\"pgpool\",node=\"1\"} 0.0\n");
  }

  @Test
  void queues_oneNamedQueue_everyQueueOfAVhost_andRedis() throws IOException {
    probe("celery_queue", "rabbitmq_queue", Map.of("queue", "celery"));
    probe("all_queues", "rabbitmq_queue", Map.of());
    probe("redis_celery", "redis_queue", Map.of());
    register();
    put("celery_queue", result(CheckState.CRITICAL, Duration.ZERO, Perfdata.of("messages", 12, ""),
        Perfdata.of("ready", 12, ""), Perfdata.of("unacknowledged", 0, ""), Perfdata.of("consumers", 0, "")));
    put("all_queues", result(CheckState.OK, Duration.ZERO, Perfdata.of("a_messages", 3, ""),
        Perfdata.of("a_ready", 3, ""), Perfdata.of("a_unacknowledged", 0, ""), Perfdata.of("a_consumers", 2, "")));
    put("redis_celery", result(CheckState.OK, Duration.ZERO, Perfdata.of("messages", 5, "")));

    assertThat(scrape()).contains("vigil_queue_messages{check=\"celery_queue\",queue=\"celery\"} 12.0\n")
        .contains("vigil_queue_consumers{check=\"celery_queue\",queue=\"celery\"} 0.0\n")
        .contains("vigil_queue_messages{check=\"all_queues\",queue=\"a\"} 3.0\n")
        .contains("vigil_queue_consumers{check=\"all_queues\",queue=\"a\"} 2.0\n")
        .contains("vigil_queue_messages{check=\"redis_celery\",queue=\"celery\"} 5.0\n")
        .doesNotContain("vigil_queue_consumers{check=\"redis_celery\"");
  }

  @Test
  void diskAsARatio_andMountHealth() throws IOException {
    probe("disk_data", "disk", Map.of("path", "/srv/data"));
    probe("gluster", "mount", Map.of("path", "/mnt/gluster"));
    probe("slow_mount", "mount", Map.of("path", "/mnt/slow"));
    register();
    put("disk_data", result(CheckState.WARNING, Duration.ZERO, Perfdata.of("used", 55.5, "%")));
    put("gluster", result(CheckState.CRITICAL, Duration.ZERO, "/mnt/gluster: write-read-delete hung"));
    put("slow_mount", result(CheckState.WARNING, Duration.ZERO, Perfdata.of("time", 3, "s")));

    assertThat(scrape()).contains("vigil_disk_used_ratio{check=\"disk_data\",mount=\"/srv/data\"} 0.555\n")
        .contains("vigil_mount_healthy{check=\"gluster\",mount=\"/mnt/gluster\"} 0.0\n")
        .contains("vigil_mount_healthy{check=\"slow_mount\",mount=\"/mnt/slow\"} 1.0\n");
  }

  @Test
  void memcached_itemsAndHitRatio_andAHeartbeatThatFailed() throws IOException {
    probe("cache", "memcached", Map.of());
    probe("web", "http_heartbeat", Map.of("url", "http://127.0.0.1:58080/"));
    register();
    put("cache", result(CheckState.OK, Duration.ZERO, Perfdata.of("curr_items", 17, ""),
        Perfdata.of("hit_ratio", 0.75, "")));
    put("web", result(CheckState.CRITICAL, Duration.ZERO, Perfdata.of("time", 0.1, "s"),
        Perfdata.of("status", 500, "")));

    assertThat(scrape()).contains("vigil_memcached_items{check=\"cache\"} 17.0\n")
        .contains("vigil_memcached_hit_ratio{check=\"cache\"} 0.75\n")
        .contains("vigil_heartbeat_up{check=\"web\"} 0.0\n");
  }

  @Test
  void nrpeRequests_byVersionAndResult_reports_andHostRoles() throws IOException {
    nrpe = Optional.of(new NrpeServerCounters(Map.of(new Requests(4, Result.OK), 5L, new Requests(4, Result.CRITICAL),
        2L, new Requests(2, Result.UNKNOWN), 1L), Map.of(RejectReason.ARGUMENTS_REFUSED, 3L,
        RejectReason.NOT_ALLOWED, 4L, RejectReason.NOT_TLS, 1L), 16, 0, 0, 0));
    reports = Optional.of(new AgentView.ReportCounts(2, 40, 1, 0));
    register();

    assertThat(scrape()).contains("vigil_nrpe_requests_total{result=\"ok\",version=\"4\"} 7.0\n")
        .contains("vigil_nrpe_requests_total{result=\"ok\",version=\"2\"} 1.0\n")
        .contains("vigil_nrpe_requests_total{result=\"ok\",version=\"3\"} 0.0\n")
        .contains("vigil_nrpe_requests_total{result=\"arguments_refused\",version=\"unknown\"} 3.0\n")
        .contains("vigil_nrpe_requests_total{result=\"rejected\",version=\"unknown\"} 5.0\n")
        .contains("vigil_reports_buffered 2.0\n")
        .contains("vigil_reports_sent_total{result=\"ok\"} 40.0\n")
        .contains("vigil_reports_sent_total{result=\"retry\"} 1.0\n")
        .contains("vigil_host_role{host=\"db2\",role=\"database_master\"} 1.0\n")
        .contains("vigil_host_role{host=\"db2\",role=\"pgpool\"} 1.0\n");
  }

  @Test
  void openMetrics_exposesCountersWithTotalAndEndsWithEof() throws IOException {
    probe("cache", "memcached", Map.of());
    register();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new OpenMetricsTextFormatWriter(false, false).write(out, registry.scrape());

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("# TYPE vigil_probe_runs counter\n")
        .contains("vigil_probe_runs_total{check=\"cache\"} 0.0\n").endsWith("# EOF\n");
  }

  private void register() {
    AgentMetrics.register(registry, AgentView.over("db2", List.of("database_master", "pgpool"), probes, store,
        check -> runs.get(), () -> nrpe, () -> reports));
  }

  private void probe(String name, String type, Map<String, String> options) {
    probes.add(new ProbeSpec(name, type, Duration.ofSeconds(10), options, "test"));
  }

  private void put(String check, ProbeResult result) {
    store.put(check, result);
  }

  private static ProbeResult result(CheckState state, Duration took, Perfdata... perfdata) {
    return new ProbeResult(state, "summary", List.of(perfdata), AT, took);
  }

  private static ProbeResult result(CheckState state, Duration took, String summary) {
    return new ProbeResult(state, summary, List.of(), AT, took);
  }

  private static List<Perfdata> standby(String name, double lagBytes, double replaySeconds) {
    return List.of(Perfdata.of(name + "_lag_bytes", lagBytes, "B"),
        Perfdata.of(name + "_replication_lag_bytes", 0, "B"), Perfdata.of(name + "_apply_lag_bytes", lagBytes, "B"),
        Perfdata.of(name + "_write_lag_seconds", 0, "s"), Perfdata.of(name + "_flush_lag_seconds", 0, "s"),
        Perfdata.of(name + "_replay_lag_seconds", replaySeconds, "s"));
  }

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }
}
