package io.vigil.probes;

import java.util.List;

/**
 * What one run of a probe saw: a state, a one-line summary and perfdata. The {@link ProbeRunner}
 * stamps it with when it ran and how long it took, making a {@link ProbeResult}.
 */
public record Observation(CheckState state, String summary, List<Perfdata> perfdata) {

  public Observation {
    if (state == null) {
      throw new IllegalArgumentException("state is null");
    }
    summary = ProbeResult.oneLine(summary);
    perfdata = perfdata == null ? List.of() : List.copyOf(perfdata);
  }

  public static Observation of(CheckState state, String summary, Perfdata... perfdata) {
    return new Observation(state, summary, List.of(perfdata));
  }
}
