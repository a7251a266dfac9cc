package io.vigil.benchmarks;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.config.YamlSection;
import io.vigil.controlplane.planner.ReportIngest;
import io.vigil.controlplane.planner.actions.Remediations;
import io.vigil.controlplane.planner.engine.PlannerRuntime;
import io.vigil.controlplane.planner.engine.PlannerSettings;
import io.vigil.controlplane.report.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 5's ingest figures: check results per second the planner takes in, and the latency from a
 * report received to its decisions made, with 1,000 simulated agents x 20 checks each.
 *
 * <p>Reports enter through {@link ReportIngest#accept} — the path an authenticated HTTP report takes
 * after JSON parsing — and each result is decided synchronously there: health transition, and for
 * problems a policy covers, {@code Planner.decide}, timeline writes on change. A rolling 0.2% of the
 * checks are CRITICAL, moving every 5 s, so state changes, decisions (observe and dry-run policies)
 * and store writes happen all the time.
 *
 * <ol>
 *   <li>closed loop: 2 threads send reports as fast as they can for {@code seconds}: results/s;</li>
 *   <li>open loop: the target load, 1,000 reports of 20 results per second (20,000 results/s), for
 *   {@code seconds}; latency per report measured from its scheduled send time (no coordinated
 *   omission) to the return of accept(), when every decision of the report has been made.</li>
 * </ol>
 *
 * <pre>{@code
 * bin/bench planner-ingest [seconds]                 # embedded file store
 * bin/bench planner-ingest [seconds] postgres        # the lab's PostgreSQL (lab/up postgres), a fresh database
 * }</pre>
 */
public final class PlannerIngestBenchmark {

  private static final int AGENTS = 1000;
  private static final int CHECKS = 20;

  private PlannerIngestBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    boolean postgres = args.length > 1 && args[1].equals("postgres");
    Path dir = Files.createTempDirectory("vigil-bench-planner");
    String db = "vigil_bench_" + ProcessHandle.current().pid();
    String storeYaml;
    if (postgres) {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:55432/postgres", "postgres", "");
          Statement s = c.createStatement()) {
        s.execute("create database " + db);
      }
      storeYaml = "{type: postgres, url: \"jdbc:postgresql://127.0.0.1:55432/" + db + "\", user: postgres}";
    } else {
      storeYaml = "{type: file, path: \"" + dir.resolve("store") + "\"}";
    }
    StringBuilder yaml = new StringBuilder("vigil:\n  node-name: bench\n  inventory:\n");
    for (int a = 0; a < AGENTS; a++) {
      yaml.append("    h").append(a).append(": {address: 10.0.").append(a / 250).append('.').append(a % 250 + 1)
          .append("}\n");
    }
    yaml.append("""
          planner:
            store: %s
            health: {max_check_attempts: 3, ttl: 60s}
            topology:
              "*/c1": [h0/c0]
            remediations:
              noop: {type: command, options: {argv: [/bin/true, "{host}"]}}
            policies:
              - {name: watch-c3, check: c3, on: [CRITICAL], action: noop, mode: observe}
              - {name: rehearse-c7, check: c7, on: [CRITICAL], action: noop, mode: dry-run}
              - {name: watch-c1, check: c1, on: [CRITICAL], action: noop, mode: observe}
        """.formatted(storeYaml));
    Path config = dir.resolve("vigil.yml");
    Files.writeString(config, yaml);
    PlannerSettings settings = PlannerSettings.parse(YamlSection.load(config).section("vigil"), Remediations.types());
    ReportIngest ingest = new ReportIngest();
    System.out.println("planner ingest: " + AGENTS + " agents x " + CHECKS + " checks, store "
        + (postgres ? "postgres (lab primary, fsync off)" : "file (fsync on)") + ", " + Bench.machine());
    try (PlannerRuntime runtime = new PlannerRuntime(settings, ingest, new PrometheusRegistry(), Clock.systemUTC())) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!runtime.engine().isLeader() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      closedLoop(ingest, 5, false);
      double rate = closedLoop(ingest, seconds, true);
      System.out.printf(Locale.ROOT, "closed loop, 2 threads, %d s: %,.0f results/s (goal >= 50,000)%n", seconds, rate);
      long[] latencies = openLoop(ingest, seconds);
      Arrays.sort(latencies);
      System.out.printf(Locale.ROOT, "open loop, 20,000 results/s offered, %d s: %d reports, report->decisions p50 %.3f ms"
          + " p99 %.3f ms max %.3f ms (goal p99 < 10 ms)%n", seconds, latencies.length, pct(latencies, 50) / 1e6,
          pct(latencies, 99) / 1e6, latencies[latencies.length - 1] / 1e6);
      System.out.printf(Locale.ROOT, "timeline events written: %d%n",
          runtime.engine().store().timeline(new io.vigil.controlplane.planner.store.TimelineQuery(null, null, null,
              null, 1_000_000)).size());
    } finally {
      if (postgres) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:55432/postgres", "postgres", "");
            Statement s = c.createStatement()) {
          s.execute("drop database if exists " + db + " with (force)");
        }
      }
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1))];
  }

  private static Report report(int agent, Instant at) {
    String when = at.toString();
    long round = at.getEpochSecond() / 5;
    List<Report.Result> results = new ArrayList<>(CHECKS);
    for (int c = 0; c < CHECKS; c++) {
      boolean critical = (agent * 31 + c * 7 + round) % 500 == 0;
      results.add(new Report.Result("c" + c, "bench", critical ? "CRITICAL" : "OK", critical ? "broken" : "fine",
          List.of(), when, 0.5));
    }
    return new Report("h" + agent, when, results);
  }

  private static double closedLoop(ReportIngest ingest, int seconds, boolean measured) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong results = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int first = t;
      Thread th = new Thread(() -> {
        int agent = first;
        while (!stop.get()) {
          ingest.accept("h" + agent, report(agent, Instant.now()));
          results.addAndGet(CHECKS);
          agent = (agent + 2) % AGENTS;
        }
      });
      threads.add(th);
      th.start();
    }
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread th : threads) {
      th.join();
    }
    return results.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static long[] openLoop(ReportIngest ingest, int seconds) {
    int total = AGENTS * seconds;
    long[] latencies = new long[total];
    long intervalNanos = 1_000_000_000L / AGENTS;
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long scheduled = start + i * intervalNanos;
      long now;
      while ((now = System.nanoTime()) < scheduled) {
        if (scheduled - now > 200_000) {
          java.util.concurrent.locks.LockSupport.parkNanos(scheduled - now - 100_000);
        }
      }
      ingest.accept("h" + (i % AGENTS), report(i % AGENTS, Instant.now()));
      latencies[i] = System.nanoTime() - scheduled;
    }
    return latencies;
  }
}
