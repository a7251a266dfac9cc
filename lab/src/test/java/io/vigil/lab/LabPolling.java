package io.vigil.lab;

import java.time.Duration;

/**
 * Polls a real component until a condition holds. Lab faults return once their effect is visible,
 * but some effects seen from another process (a walsender noticing that its replica is gone, a
 * Prometheus file_sd target being scraped) land a moment later.
 */
final class LabPolling {

  private static final Duration INTERVAL = Duration.ofMillis(100);

  private LabPolling() {
  }

  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Returns once {@code condition} holds; fails with {@code what} (and the last exception, if the
   * condition threw one) when it still does not after {@code timeout}.
   */
  static void await(Duration timeout, String what, Condition condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (Exception e) {
        last = e;   // the component is still changing state; reported below if it never settles
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("not true within " + timeout + ": " + what, last);
      }
      Thread.sleep(INTERVAL.toMillis());
    }
  }
}
