package io.vigil.controlplane.planner.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as people write it: {@code 30m}, {@code 2h}, {@code 1h30m}, {@code 90s}, {@code 1d},
 * or ISO-8601 ({@code PT30M}, {@code P1D}). Shared by the API (hold durations) and the CLI.
 */
public final class DurationText {

  private static final Pattern WHOLE = Pattern.compile("(\\d{1,9}(ms|s|m|h|d))+");
  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  private DurationText() {
  }

  /** Parses {@code text}; throws IllegalArgumentException naming the text and the accepted forms. */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a duration is required (e.g. 30m, 2h, 1h30m or PT30M)");
    }
    String t = text.strip();
    if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 duration (e.g. PT30M, P1D)");
      }
    }
    if (!WHOLE.matcher(t).matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (e.g. 30m, 2h, 1h30m, 90s, 1d or PT30M)");
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    return total;
  }

  /** {@code 1h30m}, {@code 45s}: the short form, for tables. */
  public static String format(Duration d) {
    if (d == null) {
      return "";
    }
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder s = new StringBuilder();
    long days = d.toDays();
    if (days > 0) {
      s.append(days).append('d');
    }
    if (d.toHoursPart() > 0) {
      s.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      s.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      s.append(d.toSecondsPart()).append('s');
    }
    if (d.toMillisPart() > 0) {
      s.append(d.toMillisPart()).append("ms");
    }
    return s.toString();
  }
}
