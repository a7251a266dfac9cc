package io.vigil.remediations;

import java.util.Map;
import java.util.Objects;

/**
 * What an action is about: the target host as the inventory names it, the check that triggered it
 * (empty for an event-triggered action) and the event's or the policy's parameters ({@code service},
 * {@code queue}, {@code scope}), each already checked against the type's strict pattern before use.
 */
public record ActionTarget(String host, String check, Map<String, String> params) {

  public ActionTarget {
    Objects.requireNonNull(host, "host");
    check = check == null ? "" : check;
    params = params == null ? Map.of() : Map.copyOf(params);
  }

  public static ActionTarget of(String host, String check) {
    return new ActionTarget(host, check, Map.of());
  }
}
