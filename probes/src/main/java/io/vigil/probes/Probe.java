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

  /** Releases connections and other resources; the default has none. */
  @Override
  default void close() {
  }
}
