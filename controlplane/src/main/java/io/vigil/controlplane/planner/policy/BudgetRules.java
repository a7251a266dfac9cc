package io.vigil.controlplane.planner.policy;

import java.time.Duration;

/**
 * How often one action may be tried on one target.
 *
 * <pre>{@code
 * attempts: 3, window: 1h, backoff: 10s, multiplier: 2, max_backoff: 5m, reset_after_healthy: 10m
 * }</pre>
 *
 * @param maxAttempts       attempts allowed within {@code window}; past that the budget is exhausted
 * @param window            the window attempts are counted in
 * @param initialBackoff    the wait after the first attempt before another; doubled (by
 *                          {@code multiplier}) after each further one, up to {@code maxBackoff}
 * @param resetAfterHealthy an exhausted or spent budget is restored only after the target has been
 *                          verified healthy this long (Monit's counters that never reset are a
 *                          standing complaint; Kubernetes resets CrashLoopBackOff after 10 min)
 */
public record BudgetRules(int maxAttempts, Duration window, Duration initialBackoff, double multiplier,
    Duration maxBackoff, Duration resetAfterHealthy) {

  public static final BudgetRules DEFAULT = new BudgetRules(3, Duration.ofHours(1), Duration.ofSeconds(10), 2.0,
      Duration.ofMinutes(5), Duration.ofMinutes(10));

  public BudgetRules {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("attempts: " + maxAttempts + " (expected: at least 1)");
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: at least 1)");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff " + initialBackoff + " must be between 0 and max_backoff " + maxBackoff);
    }
  }

  /** The wait after the {@code n}-th attempt (1-based). */
  Duration backoffAfter(int n) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, Math.max(0, n - 1));
    return millis >= maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(Math.round(millis));
  }
}
