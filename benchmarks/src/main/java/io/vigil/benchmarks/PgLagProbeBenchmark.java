package io.vigil.benchmarks;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.postgres.PgConnection;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bin/bench pg-lag-probe [iterations]}: the cost of one {@code pg_replication_lag} run
 * (primary mode, its own {@code check()}) on its kept-open connection, as a ratio of one
 * {@code SELECT 1} round trip on an open connection of the same kind ({@link PgConnection}, same
 * driver settings, prepared once), against the lab's real primary. The two are measured in
 * alternation within one loop, so both see the same machine load; the order flips every iteration.
 * It also times a fresh connection plus {@code SELECT 1}, the cost the kept connection avoids.
 * Goal (issue 3): the probe at most 3x {@code SELECT 1}.
 */
public final class PgLagProbeBenchmark {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private PgLagProbeBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int warmup = Math.max(1_000, n / 10);
    int fresh = Math.max(100, n / 100);
    Lab.get().up("postgres");

    try (Probe probe = ProbeCatalog.standard().create("pg_replication_lag", "pg_lag_bench",
            Map.of("port", Integer.toString(LabPorts.PG_PRIMARY), "expect", "replica1", "timeout", "5s"));
        PgConnection peer = PgConnection.toPostgres(LabPorts.HOST, LabPorts.PG_PRIMARY, "postgres", "postgres",
            "select1_bench", TIMEOUT)) {
      Observation first = probe.check();
      if (first.state() == CheckState.UNKNOWN) {
        throw new IllegalStateException("the probe does not work here: " + first.summary());
      }
      Bench.Op probeRun = () -> probe.check();
      Bench.Op select1 = () -> peer.query("select 1", rs -> rs.next() ? rs.getInt(1) : -1);

      alternate(warmup, probeRun, select1);
      Bench.Sample[] samples = alternate(n, probeRun, select1);
      Bench.Sample probeSample = samples[0];
      Bench.Sample select1Sample = samples[1];

      Bench.Sample connectSample = Bench.time(fresh / 10, fresh, () -> {
        try (PgConnection c = PgConnection.toPostgres(LabPorts.HOST, LabPorts.PG_PRIMARY, "postgres", "postgres",
            "connect_bench", TIMEOUT)) {
          c.query("select 1", rs -> rs.next() ? rs.getInt(1) : -1);
        }
      });

      System.out.println("bin/bench pg-lag-probe " + n);
      System.out.println(Bench.machine());
      System.out.println("PostgreSQL 15 primary 127.0.0.1:" + LabPorts.PG_PRIMARY + " with one streaming replica; last probe: "
          + probe.check().state());
      System.out.println("pg_replication_lag check()     " + probeSample);
      System.out.println("SELECT 1 (open connection)     " + select1Sample);
      System.out.println("new connection + SELECT 1      " + connectSample);
      System.out.printf(Locale.ROOT, "probe / SELECT 1:              %.2fx mean, %.2fx p50 (goal: at most 3x)%n",
          probeSample.meanMicros() / select1Sample.meanMicros(),
          probeSample.percentileMicros(50) / select1Sample.percentileMicros(50));
      System.out.printf(Locale.ROOT, "new connection / SELECT 1:     %.0fx mean, %.0fx p50%n",
          connectSample.meanMicros() / select1Sample.meanMicros(),
          connectSample.percentileMicros(50) / select1Sample.percentileMicros(50));
    }
  }

  /** Times {@code a} and {@code b} {@code n} times each, alternating, with the order flipped each round. */
  private static Bench.Sample[] alternate(int n, Bench.Op a, Bench.Op b) throws Exception {
    long[] aNanos = new long[n];
    long[] bNanos = new long[n];
    for (int i = 0; i < n; i++) {
      if (i % 2 == 0) {
        aNanos[i] = timeOnce(a);
        bNanos[i] = timeOnce(b);
      } else {
        bNanos[i] = timeOnce(b);
        aNanos[i] = timeOnce(a);
      }
    }
    return new Bench.Sample[] {new Bench.Sample(aNanos), new Bench.Sample(bNanos)};
  }

  private static long timeOnce(Bench.Op op) throws Exception {
    long start = System.nanoTime();
    op.run();
    return System.nanoTime() - start;
  }
}
