package io.vigil.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.agent.ProbeSpec;
import io.vigil.controlplane.agent.SnapshotStore;
import io.vigil.controlplane.agent.metrics.AgentMetrics;
import io.vigil.controlplane.agent.metrics.AgentView;
import io.vigil.nagios.nrpe.NrpeServerCounters;
import io.vigil.probes.CheckState;
import io.vigil.probes.Perfdata;
import io.vigil.probes.ProbeResult;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server side of {@link ScrapeCostBenchmark}, in a JVM of its own so that its CPU time can be
 * read from /proc: the agent's {@link AgentMetrics} over a large fleet of probe snapshots, plus the
 * JVM meters an agent exports, in one client_java registry, served on {@code /metrics} with
 * client_java's exposition writers (as {@code MetricsController} does). Prints {@code LISTENING}
 * and serves until stdin closes.
 *
 * <p>Usage: {@code ScrapeCostServer <port> <hosts>}: each "host" adds one probe of every kind.
 */
public final class ScrapeCostServer {

  private ScrapeCostServer() {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int hosts = Integer.parseInt(args[1]);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    PrometheusRegistry registry = meters.getPrometheusRegistry();
    AgentMetrics.register(registry, fleet(hosts));

    ExpositionFormats formats = ExpositionFormats.init();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
    server.createContext("/metrics", exchange -> {
      ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
      ByteArrayOutputStream body = new ByteArrayOutputStream(256 * 1024);
      writer.write(body, registry.scrape());
      exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
      exchange.sendResponseHeaders(200, body.size());
      try (OutputStream out = exchange.getResponseBody()) {
        body.writeTo(out);
      }
    });
    server.start();
    System.out.println("LISTENING");
    System.out.flush();
    while (System.in.read() >= 0) {
      // serve until the benchmark closes our stdin
    }
    server.stop(0);
  }

  /** {@code hosts} × (PostgreSQL lag with 2 standbys, pgpool with 3 nodes, a vhost of 10 queues, disk, mount, memcached, heartbeat). */
  static AgentView fleet(int hosts) {
    SnapshotStore store = new SnapshotStore();
    List<ProbeSpec> probes = new ArrayList<>();
    Instant at = Instant.now();
    Duration took = Duration.ofMillis(3);
    for (int h = 0; h < hosts; h++) {
      String n = "h" + h;
      add(probes, store, n + "_pg_lag", "pg_replication_lag", Map.of("role", "primary"), at, took, standbys());
      add(probes, store, n + "_pgpool", "pgpool_nodes", Map.of(), at, took, List.of(Perfdata.of("nodes_up", 3, ""),
          Perfdata.of("node0_up", 1, ""), Perfdata.of("node1_up", 1, ""), Perfdata.of("node2_up", 0, ""),
          Perfdata.of("node1_replication_delay_bytes", 0, "B"), Perfdata.of("node2_replication_delay_bytes", 0, "B")));
      List<Perfdata> queues = new ArrayList<>();
      for (int q = 0; q < 10; q++) {
        queues.addAll(List.of(Perfdata.of("q" + q + "_messages", q * 3, ""), Perfdata.of("q" + q + "_ready", q, ""),
            Perfdata.of("q" + q + "_unacknowledged", 0, ""), Perfdata.of("q" + q + "_consumers", 2, "")));
      }
      add(probes, store, n + "_queues", "rabbitmq_queue", Map.of(), at, took, queues);
      add(probes, store, n + "_disk", "disk", Map.of("path", "/srv/" + n), at, took,
          List.of(Perfdata.of("used", 41.5, "%"), Perfdata.of("used_bytes", 4.2e9, "B")));
      add(probes, store, n + "_mount", "mount", Map.of("path", "/mnt/" + n), at, took, List.of(Perfdata.of("time", 0.01, "s")));
      add(probes, store, n + "_cache", "memcached", Map.of(), at, took,
          List.of(Perfdata.of("curr_items", 1234, ""), Perfdata.of("hit_ratio", 0.93, "")));
      add(probes, store, n + "_heartbeat", "http_heartbeat", Map.of(), at, took,
          List.of(Perfdata.of("time", 0.02, "s"), Perfdata.of("status", 200, "")));
    }
    NrpeServerCounters nrpe = new NrpeServerCounters(Map.of(new NrpeServerCounters.Requests(4,
        NrpeServerCounters.Result.OK), 1000L), Map.of(), 1000, 0, 0, 0);
    return AgentView.over("bench", List.of("database-master", "db-pool", "cache"), probes, store, check -> 42,
        () -> Optional.of(nrpe), () -> Optional.of(new AgentView.ReportCounts(0, 5000, 3, 0)));
  }

  private static List<Perfdata> standbys() {
    List<Perfdata> p = new ArrayList<>();
    for (String r : List.of("replica1", "replica2")) {
      p.addAll(List.of(Perfdata.of(r + "_lag_bytes", 8192, "B"), Perfdata.of(r + "_replication_lag_bytes", 0, "B"),
          Perfdata.of(r + "_apply_lag_bytes", 8192, "B"), Perfdata.of(r + "_write_lag_seconds", 0.001, "s"),
          Perfdata.of(r + "_flush_lag_seconds", 0.002, "s"), Perfdata.of(r + "_replay_lag_seconds", 0.3, "s")));
    }
    p.add(Perfdata.of("standbys", 2, ""));
    return p;
  }

  private static void add(List<ProbeSpec> probes, SnapshotStore store, String name, String type,
      Map<String, String> options, Instant at, Duration took, List<Perfdata> perfdata) {
    probes.add(new ProbeSpec(name, type, Duration.ofSeconds(10), options, "benchmark"));
    store.put(name, new ProbeResult(CheckState.OK, name + " fine", perfdata, at, took));
  }
}
