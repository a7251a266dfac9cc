package io.vigil.controlplane.agent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One probe of a host as configured: its name (unique on the host; also the NRPE command
 * {@code check_<name>}), its probe type, how often it runs, and its options.
 *
 * @param origin where it was defined, for error messages: {@code role database-master} or a file line
 */
public record ProbeSpec(String name, String type, Duration interval, Map<String, String> options, String origin) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  public ProbeSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("probe name '" + name + "' (expected lower snake case: [a-z][a-z0-9_]*)");
    }
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("probe " + name + ": interval must be more than zero");
    }
    options = Map.copyOf(options);
  }

  /** This spec with {@code other}'s interval (if given) and options laid over its own. */
  public ProbeSpec overriddenBy(Duration newInterval, Map<String, String> moreOptions, String newOrigin) {
    Map<String, String> merged = new LinkedHashMap<>(options);
    merged.putAll(moreOptions);
    return new ProbeSpec(name, type, newInterval == null ? interval : newInterval, merged, origin + ", " + newOrigin);
  }
}
