package io.vigil.controlplane.planner.health;

import java.time.Duration;

/**
 * How results of one check become a health state.
 *
 * @param maxCheckAttempts non-OK results in a row before the state is HARD (Nagios max_check_attempts)
 * @param flapLow          percent state change under which a flapping check stops flapping (Nagios default 5)
 * @param flapHigh         percent state change at or over which a check starts flapping (Nagios default 20)
 * @param ttl              a check with no result for this long is stale: UNKNOWN and never acted upon
 */
public record HealthRules(int maxCheckAttempts, double flapLow, double flapHigh, Duration ttl) {

  public static final HealthRules DEFAULT = new HealthRules(3, 5.0, 20.0, Duration.ofSeconds(60));

  public HealthRules {
    if (maxCheckAttempts < 1) {
      throw new IllegalArgumentException("max_check_attempts: " + maxCheckAttempts + " (expected: at least 1)");
    }
    if (!(flapLow >= 0 && flapLow < flapHigh && flapHigh <= 100)) {
      throw new IllegalArgumentException("flap thresholds: low " + flapLow + ", high " + flapHigh
          + " (expected: 0 <= low < high <= 100)");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be more than zero");
    }
  }
}
