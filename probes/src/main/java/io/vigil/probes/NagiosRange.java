package io.vigil.probes;

import java.util.regex.Pattern;

/**
 * A threshold range in the Monitoring Plugins syntax {@code [@]start:end}, inclusive, that alerts
 * when a value lies <em>outside</em> it (or inside it, with {@code @}).
 *
 * <pre>{@code
 * NagiosRange.parse("10")      // alerts when x < 0 or x > 10
 * NagiosRange.parse("10:")     // alerts when x < 10
 * NagiosRange.parse("~:10")    // alerts when x > 10
 * NagiosRange.parse("10:20")   // alerts when x < 10 or x > 20
 * NagiosRange.parse("@10:20")  // alerts when 10 <= x <= 20
 * }</pre>
 */
public record NagiosRange(double start, double end, boolean inside) {

  private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)");

  public NagiosRange {
    if (Double.isNaN(start) || Double.isNaN(end)) {
      throw new IllegalArgumentException("range bounds must be numbers");
    }
    if (start > end) {
      throw new IllegalArgumentException("range start " + fmt(start) + " is greater than its end " + fmt(end));
    }
  }

  /**
   * Parses a range.
   *
   * @throws IllegalArgumentException naming the text and what is wrong with it
   */
  public static NagiosRange parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty range (expected e.g. 10, 10:, ~:10, 10:20 or @10:20)");
    }
    String s = text.strip();
    boolean inside = s.startsWith("@");
    if (inside) {
      s = s.substring(1);
    }
    int colon = s.indexOf(':');
    if (colon != s.lastIndexOf(':')) {
      throw malformed(text, "more than one ':'");
    }
    double start;
    double end;
    if (colon < 0) {
      start = 0;
      end = number(text, s, "end");
    } else {
      String startText = s.substring(0, colon);
      String endText = s.substring(colon + 1);
      start = startText.equals("~") ? Double.NEGATIVE_INFINITY
          : startText.isEmpty() ? 0 : number(text, startText, "start");
      end = endText.isEmpty() ? Double.POSITIVE_INFINITY : number(text, endText, "end");
    }
    if (start > end) {
      throw malformed(text, "start " + fmt(start) + " is greater than end " + fmt(end));
    }
    return new NagiosRange(start, end, inside);
  }

  /** True when {@code value} should raise an alert under this range. */
  public boolean alerts(double value) {
    boolean within = value >= start && value <= end;
    return inside == within;
  }

  /** The canonical text of this range, which {@link #parse} reads back to an equal range. */
  @Override
  public String toString() {
    String prefix = inside ? "@" : "";
    if (start == 0 && end != Double.POSITIVE_INFINITY) {
      return prefix + fmt(end);
    }
    String startText = start == Double.NEGATIVE_INFINITY ? "~" : fmt(start);
    String endText = end == Double.POSITIVE_INFINITY ? "" : fmt(end);
    return prefix + startText + ":" + endText;
  }

  private static double number(String text, String part, String which) {
    if (!NUMBER.matcher(part).matches()) {
      throw malformed(text, which + " '" + part + "' is not a number");
    }
    return Double.parseDouble(part);
  }

  private static IllegalArgumentException malformed(String text, String why) {
    return new IllegalArgumentException("malformed range '" + text + "': " + why
        + " (expected [@]start:end, e.g. 10, 10:, ~:10, 10:20 or @10:20)");
  }

  static String fmt(double v) {
    return Perfdata.formatNumber(v);
  }
}
