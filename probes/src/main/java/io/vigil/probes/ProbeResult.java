package io.vigil.probes;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of one probe run. Everything downstream (NRPE answers, {@code /metrics},
 * reports to the planner) reads the latest of these and never does the probe's I/O itself.
 *
 * @param summary one line, without the state prefix
 * @param at      when the run started (wall clock, for reports and staleness)
 * @param took    how long it ran (monotonic)
 */
public record ProbeResult(CheckState state, String summary, List<Perfdata> perfdata, Instant at, Duration took) {

  public ProbeResult {
    if (state == null || at == null || took == null) {
      throw new IllegalArgumentException("state, at and took are required");
    }
    if (took.isNegative()) {
      throw new IllegalArgumentException("took is negative: " + took);
    }
    summary = oneLine(summary);
    perfdata = perfdata == null ? List.of() : List.copyOf(perfdata);
  }

  public static ProbeResult of(Observation observation, Instant at, Duration took) {
    return new ProbeResult(observation.state(), observation.summary(), observation.perfdata(), at, took);
  }

  /** The Nagios plugin output line: {@code STATE: summary | perfdata...}. */
  public String pluginOutput() {
    String line = state + ": " + summary;
    if (perfdata.isEmpty()) {
      return line;
    }
    return line + " | " + perfdata.stream().map(Perfdata::toString).collect(Collectors.joining(" "));
  }

  /** The perfdata value with this label, or NaN. */
  public double value(String label) {
    return perfdata.stream().filter(p -> p.label().equals(label)).mapToDouble(Perfdata::value)
        .findFirst().orElse(Double.NaN);
  }

  static String oneLine(String text) {
    if (text == null || text.isBlank()) {
      return "(no output)";
    }
    // '|' would start perfdata in plugin output; newlines would start long text
    return text.strip().replaceAll("\\s*\\R\\s*", " / ").replace('|', '/');
  }
}
