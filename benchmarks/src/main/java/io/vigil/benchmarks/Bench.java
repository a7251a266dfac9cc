package io.vigil.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measurement helpers for the benchmarks: repeated timing with warm-up, percentiles, and the
 * machine line that docs/performance.md records next to every figure.
 *
 * <pre>{@code
 * Bench.Sample select1 = Bench.time(2_000, 20_000, () -> stmt.execute("select 1"));
 * System.out.println(select1);   // n=20000 mean=41.2us p50=39.0us p95=55.1us p99=80.3us
 * }</pre>
 */
public final class Bench {

  private Bench() {
  }

  /** One measured operation. */
  @FunctionalInterface
  public interface Op {
    void run() throws Exception;
  }

  /** Nanosecond timings of one operation. */
  public record Sample(long[] nanos) {

    public double meanMicros() {
      return Arrays.stream(nanos).average().orElse(Double.NaN) / 1000.0;
    }

    public double percentileMicros(double p) {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "n=%d mean=%.1fus p50=%.1fus p95=%.1fus p99=%.1fus", nanos.length,
          meanMicros(), percentileMicros(50), percentileMicros(95), percentileMicros(99));
    }
  }

  /** Runs {@code op} {@code warmup} times unmeasured, then {@code n} times measured one by one. */
  public static Sample time(int warmup, int n, Op op) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run();
    }
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      op.run();
      nanos[i] = System.nanoTime() - start;
    }
    return new Sample(nanos);
  }

  /** {@code 2026-11-22, 2 cores Intel(R) Xeon(R) ..., 23 GiB, OpenJDK 17.0.15}. */
  public static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
    } catch (IOException ignored) {
      // not Linux: leave the CPU unnamed
    }
    long memGiB = Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getTotalMemorySize() / (1024.0 * 1024 * 1024));
    return String.format(Locale.ROOT, "%s, %d cores %s, %d GiB, Java %s", LocalDate.now(),
        Runtime.getRuntime().availableProcessors(), cpu, memGiB, System.getProperty("java.version"));
  }
}
