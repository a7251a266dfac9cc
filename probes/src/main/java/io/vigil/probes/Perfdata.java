package io.vigil.probes;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * One performance-data value of a check, written as the Monitoring Plugins guidelines define it:
 * {@code 'label'=value[UOM];[warn];[crit];[min];[max]}.
 *
 * <pre>{@code
 * Perfdata.of("lag_bytes", 22990304, "B").withThresholds(t).withMin(0).toString()
 *   // lag_bytes=22990304B;~:1048576;~:16777216;0;
 * }</pre>
 *
 * @param value a number, or {@code NaN} when it could not be determined (written {@code U})
 * @param unit  empty, or a unit of measure such as {@code s ms us % B KB MB TB c}
 */
public record Perfdata(String label, double value, String unit, NagiosRange warning, NagiosRange critical,
    Double min, Double max) {

  private static final Pattern UNIT = Pattern.compile("[A-Za-z%]{0,8}");

  public Perfdata {
    if (label == null || label.isBlank()) {
      throw new IllegalArgumentException("perfdata label is empty");
    }
    if (label.indexOf('=') >= 0 || label.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("perfdata label '" + label + "' contains '=' or a control character");
    }
    unit = unit == null ? "" : unit;
    if (!UNIT.matcher(unit).matches()) {
      throw new IllegalArgumentException("perfdata unit '" + unit + "' of '" + label + "' is not a unit of measure");
    }
    if (Double.isInfinite(value)) {
      throw new IllegalArgumentException("perfdata value of '" + label + "' is infinite");
    }
  }

  public static Perfdata of(String label, double value, String unit) {
    return new Perfdata(label, value, unit, null, null, null, null);
  }

  public Perfdata withThresholds(Thresholds thresholds) {
    return new Perfdata(label, value, unit, thresholds.warning(), thresholds.critical(), min, max);
  }

  public Perfdata withMin(double newMin) {
    return new Perfdata(label, value, unit, warning, critical, newMin, max);
  }

  public Perfdata withMax(double newMax) {
    return new Perfdata(label, value, unit, warning, critical, min, newMax);
  }

  /** The perfdata token; trailing empty fields are dropped, as the guidelines allow. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    // an undeterminable value is a bare U: the guidelines define no unit after it
    sb.append(quotedLabel()).append('=').append(Double.isNaN(value) ? "U" : formatNumber(value) + unit);
    String[] fields = {
        warning == null ? "" : warning.toString(),
        critical == null ? "" : critical.toString(),
        min == null ? "" : formatNumber(min),
        max == null ? "" : formatNumber(max)};
    int last = fields.length - 1;
    while (last >= 0 && fields[last].isEmpty()) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      sb.append(';').append(fields[i]);
    }
    return sb.toString();
  }

  private String quotedLabel() {
    boolean needsQuotes = label.indexOf(' ') >= 0 || label.indexOf('\'') >= 0 || label.indexOf(';') >= 0;
    return needsQuotes ? "'" + label.replace("'", "''") + "'" : label;
  }

  /** A plain decimal without exponent or needless fraction: {@code 3}, {@code 0.25}, {@code -1.5}. */
  static String formatNumber(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
