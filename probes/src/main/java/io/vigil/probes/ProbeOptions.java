package io.vigil.probes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings of one probe, as strings from a config file or a command line, read with types.
 * Every key a probe reads is remembered, so {@link #rejectUnknown} can name a misspelt option
 * together with the accepted ones.
 *
 * <pre>{@code
 * ProbeOptions o = ProbeOptions.of(Map.of("port", "51211", "timeout", "2s"));
 * int port = o.integer("port", 11211);
 * Duration timeout = o.duration("timeout", Duration.ofSeconds(10));
 * o.rejectUnknown("memcached");
 * }</pre>
 */
public final class ProbeOptions {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  private final Map<String, String> values;
  private final Set<String> read = new LinkedHashSet<>();

  private ProbeOptions(Map<String, String> values) {
    this.values = values;
  }

  public static ProbeOptions of(Map<String, String> values) {
    return new ProbeOptions(new LinkedHashMap<>(values));
  }

  public String string(String key, String fallback) {
    read.add(key);
    String v = values.get(key);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  /** A required string option. */
  public String string(String key) {
    String v = string(key, null);
    if (v == null) {
      throw new IllegalArgumentException("option '" + key + "' is required");
    }
    return v;
  }

  public int integer(String key, int fallback) {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option '" + key + "': '" + v + "' is not a whole number");
    }
  }

  /** A required TCP port. */
  public int port(String key) {
    string(key);
    return port(key, 0);
  }

  /** A TCP port, 1..65535. */
  public int port(String key, int fallback) {
    int port = integer(key, fallback);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("option '" + key + "': " + port + " (expected: 1..65535)");
    }
    return port;
  }

  /** A duration written {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or bare seconds. */
  public Duration duration(String key, Duration fallback) {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException("option '" + key + "': '" + v + "' is not a duration (e.g. 500ms, 10s, 2m)");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> amount;
      case "m" -> amount * 60_000;
      case "h" -> amount * 3_600_000;
      default -> amount * 1000;
    };
    if (millis <= 0) {
      throw new IllegalArgumentException("option '" + key + "': '" + v + "' must be more than zero");
    }
    return Duration.ofMillis(Math.round(millis));
  }

  public boolean bool(String key, boolean fallback) {
    String v = string(key, null);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("option '" + key + "': '" + v + "' is not true or false");
    };
  }

  /**
   * Thresholds from {@code <prefix>warning} and {@code <prefix>critical} (prefix may be empty),
   * each defaulting to the given range text ({@code null} for none).
   */
  public Thresholds thresholds(String prefix, String warningDefault, String criticalDefault) {
    return Thresholds.parse(string(prefix + "warning", warningDefault), string(prefix + "critical", criticalDefault));
  }

  /** Fails on any option that no getter has read, naming it and the accepted ones. */
  public void rejectUnknown(String probeType) {
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown option" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList()) + " for probe " + probeType
          + " (accepted: " + String.join(", ", new TreeSet<>(read)) + ")");
    }
  }
}
