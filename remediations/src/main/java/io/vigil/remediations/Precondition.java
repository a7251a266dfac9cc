package io.vigil.remediations;

import java.util.Map;

/**
 * Whether acting is safe now, why, and the facts that were checked (for the timeline), e.g.
 * {@code reachable=true, in_recovery=true, streaming=true, lag_bytes=0}.
 */
public record Precondition(boolean ok, String why, Map<String, String> facts) {

  public Precondition {
    facts = facts == null ? Map.of() : Map.copyOf(facts);
  }

  public static Precondition holds(String why, Map<String, String> facts) {
    return new Precondition(true, why, facts);
  }

  public static Precondition refused(String why, Map<String, String> facts) {
    return new Precondition(false, why, facts);
  }
}
