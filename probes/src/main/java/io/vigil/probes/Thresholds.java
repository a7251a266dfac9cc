package io.vigil.probes;

/**
 * A warning and a critical range for one measured value; either may be absent.
 *
 * <pre>{@code
 * Thresholds lag = Thresholds.parse("~:1048576", "~:16777216");   // bytes
 * lag.evaluate(2_000_000)   // WARNING
 * }</pre>
 */
public record Thresholds(NagiosRange warning, NagiosRange critical) {

  /** No thresholds: every value is OK. */
  public static final Thresholds NONE = new Thresholds(null, null);

  /** Parses either range; {@code null} or blank means "no such threshold". */
  public static Thresholds parse(String warning, String critical) {
    return new Thresholds(parseOptional("warning", warning), parseOptional("critical", critical));
  }

  /** CRITICAL if the critical range alerts, else WARNING if the warning range does, else OK. */
  public CheckState evaluate(double value) {
    if (Double.isNaN(value)) {
      return CheckState.UNKNOWN;
    }
    if (critical != null && critical.alerts(value)) {
      return CheckState.CRITICAL;
    }
    if (warning != null && warning.alerts(value)) {
      return CheckState.WARNING;
    }
    return CheckState.OK;
  }

  private static NagiosRange parseOptional(String which, String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return NagiosRange.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(which + " threshold: " + e.getMessage(), e);
    }
  }
}
