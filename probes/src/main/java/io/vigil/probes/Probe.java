package io.vigil.probes;

import java.time.Duration;

/**
 * A health check, configured once (target, thresholds, timeout) and then run again and again.
 * Implementations keep their connections open between runs and close them in {@link #close()}.
 *
 * <p>{@link #check()} may block or throw: callers never call it directly but through
 * {@link ProbeRunner}, which enforces {@link #timeout()} and turns every failure into a result.
 */
public interface Probe extends AutoCloseable {

  /** The probe's name, unique on a host, in lower snake case: {@code pg_replication_lag}. */
  String name();

  /** The hard deadline of one run. */
  Duration timeout();

  /** One run. Should honour {@link #timeout()} in its own I/O too (socket and query timeouts). */
  Observation check() throws Exception;

  /** One run's work, for {@link #of}. */
  @FunctionalInterface
  interface Check {
    Observation run() throws Exception;
  }

  /** A probe with no resources of its own, e.g. {@code Probe.of("fast", Duration.ofSeconds(1), () -> obs)}. */
  static Probe of(String name, Duration timeout, Check check) {
    return new Probe() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Duration timeout() {
        return timeout;
      }

      @Override
      public Observation check() throws Exception {
        return check.run();
      }
    };
  }

  /** Releases connections and other resources; the default has none. */
  @Override
  default void close() {
  }
}
