package io.vigil.remediations.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A remediation's {@code options:} mapping, read key by key with validation. Every error is an
 * {@link IllegalArgumentException} whose message starts with the key's path, e.g.
 * {@code option 'targets.db-replica1.node_id': 'x' (expected: 0..127)}. Values arrive as the YAML
 * loader gives them (strings, maps, lists); numbers and booleans from Java callers are accepted too.
 *
 * <pre>{@code
 * Options o = Options.of(options);
 * int port = o.integer("pcp_port", 9898, 1024, 65535);
 * o.rejectUnknown();   // after every key was read
 * }</pre>
 */
public final class Options {

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

  private final String prefix;
  private final Map<String, Object> values;
  private final Set<String> read = new LinkedHashSet<>();

  private Options(String prefix, Map<String, Object> values) {
    this.prefix = prefix;
    this.values = values == null ? Map.of() : values;
  }

  /** The top-level options of one remediation. */
  public static Options of(Map<String, Object> options) {
    return new Options("", options);
  }

  /** The full name of a key, for messages: {@code targets.db1.port}. */
  public String path(String key) {
    return prefix + key;
  }

  private IllegalArgumentException error(String key, String what) {
    return new IllegalArgumentException("option '" + path(key) + "': " + what);
  }

  public boolean has(String key) {
    return values.containsKey(key) && values.get(key) != null;
  }

  private Object raw(String key) {
    read.add(key);
    return values.get(key);
  }

  /** A scalar as text, or {@code fallback} when absent. */
  public String string(String key, String fallback) {
    Object v = raw(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Map || v instanceof List) {
      throw error(key, "a single value, not a " + (v instanceof Map ? "mapping" : "list"));
    }
    String s = v.toString().strip();
    if (s.isEmpty()) {
      throw error(key, "empty (leave the key out for the default)");
    }
    return s;
  }

  public String required(String key) {
    String s = string(key, null);
    if (s == null) {
      throw error(key, "required");
    }
    return s;
  }

  /** A value that must match {@code pattern} entirely. */
  public String matching(String key, String fallback, Pattern pattern, String expected) {
    String s = string(key, fallback);
    if (s != null && !pattern.matcher(s).matches()) {
      throw error(key, "'" + abbreviate(s) + "' (expected: " + expected + ")");
    }
    return s;
  }

  public int integer(String key, int fallback, int min, int max) {
    return (int) longValue(key, fallback, min, max);
  }

  public long longValue(String key, long fallback, long min, long max) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(s);
      if (n < min || n > max) {
        throw error(key, n + " (expected: " + min + ".." + max + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw error(key, "'" + abbreviate(s) + "' (expected: a whole number " + min + ".." + max + ")");
    }
  }

  public int port(String key, int fallback) {
    return integer(key, fallback, 1, 65535);
  }

  public boolean bool(String key, boolean fallback) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error(key, "'" + abbreviate(s) + "' (expected: true or false)");
    };
  }

  /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
  public Duration duration(String key, Duration fallback, Duration min, Duration max) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw error(key, "'" + abbreviate(s) + "' (expected: a duration like 500ms, 5s, 2m)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw error(key, s + " (expected: " + min.toMillis() + "ms.." + max.toSeconds() + "s)");
    }
    return d;
  }

  /** An absolute path (the file need not exist yet). */
  public Path absolutePath(String key, String fallback) {
    String s = string(key, fallback);
    if (s == null) {
      return null;
    }
    Path p = Path.of(s);
    if (!p.isAbsolute()) {
      throw error(key, "'" + abbreviate(s) + "' (expected: an absolute path)");
    }
    return p.normalize();
  }

  /** One of {@code choices}. */
  public String choice(String key, String fallback, List<String> choices) {
    String s = string(key, fallback);
    if (s != null && !choices.contains(s)) {
      throw error(key, "'" + abbreviate(s) + "' (expected: " + String.join(", ", choices) + ")");
    }
    return s;
  }

  /** A nested mapping, or an empty one when absent. */
  public Options section(String key) {
    Object v = raw(key);
    if (v == null) {
      return new Options(path(key) + ".", Map.of());
    }
    return new Options(path(key) + ".", asMap(key, v));
  }

  /**
   * A mapping of names to mappings, e.g. {@code targets:} by inventory host name; each entry's
   * options are named {@code targets.<name>.<key>} in errors.
   */
  public Map<String, Options> sections(String key) {
    Object v = raw(key);
    Map<String, Options> result = new LinkedHashMap<>();
    if (v == null) {
      return result;
    }
    for (Map.Entry<String, Object> e : asMap(key, v).entrySet()) {
      String name = path(key) + "." + e.getKey();
      if (!(e.getValue() instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("option '" + name + "': a mapping of options");
      }
      result.put(e.getKey(), new Options(name + ".", asMap(key, e.getValue())));
    }
    return result;
  }

  /** {@link #sections}, refused when absent or empty: {@code what} explains what is expected. */
  public Map<String, Options> requiredSections(String key, String what) {
    Map<String, Options> result = sections(key);
    if (result.isEmpty()) {
      throw error(key, "required: " + what);
    }
    return result;
  }

  /** A mapping of names to single values (e.g. {@code templates:} by name). */
  public Map<String, String> strings(String key) {
    Object v = raw(key);
    Map<String, String> result = new LinkedHashMap<>();
    if (v == null) {
      return result;
    }
    for (Map.Entry<String, Object> e : asMap(key, v).entrySet()) {
      Object item = e.getValue();
      if (item == null || item instanceof Map || item instanceof List) {
        throw new IllegalArgumentException("option '" + path(key) + "." + e.getKey() + "': a single value");
      }
      result.put(e.getKey(), item.toString());
    }
    return result;
  }

  /** A list of scalars; a single scalar is a list of one. */
  public List<String> list(String key) {
    Object v = raw(key);
    List<String> result = new ArrayList<>();
    if (v == null) {
      return result;
    }
    if (v instanceof Map) {
      throw error(key, "a list, not a mapping");
    }
    for (Object item : v instanceof List<?> l ? l : List.of(v)) {
      if (item == null || item instanceof Map || item instanceof List) {
        throw error(key, "a list of single values");
      }
      result.add(item.toString());
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> asMap(String key, Object v) {
    if (!(v instanceof Map<?, ?> m)) {
      throw error(key, "a mapping, not '" + abbreviate(String.valueOf(v)) + "'");
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw error(key, "keys must be names");
      }
    }
    return (Map<String, Object>) m;
  }

  /** Refuses any key that was never read: a typo must not silently fall back to a default. */
  public Options rejectUnknown() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        List<String> known = new ArrayList<>(read);
        throw new IllegalArgumentException("unknown option '" + path(key) + "'"
            + (known.isEmpty() ? "" : " (known here: " + String.join(", ", known) + ")"));
      }
    }
    return this;
  }

  static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
