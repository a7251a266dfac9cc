package io.vigil.remediations.internal;

import io.vigil.remediations.ActionTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a remediation knows per target, by inventory host name, e.g. the pgpool node of each
 * database host. A host that is not configured is refused with the configured names listed.
 */
public final class Targets<T> {

  private final String type;
  private final String what;
  private final Map<String, T> byHost;

  public Targets(String type, String what, Map<String, T> byHost) {
    this.type = type;
    this.what = what;
    this.byHost = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byHost));
  }

  /** The target's configuration, or null. */
  public T find(ActionTarget target) {
    return byHost.get(target.host());
  }

  /** The target's configuration. */
  public T require(ActionTarget target) {
    T t = byHost.get(target.host());
    if (t == null) {
      throw new IllegalArgumentException(missing(target));
    }
    return t;
  }

  /** {@code pgpool_attach has no pgpool node for host 'x' (configured: a, b)}. */
  public String missing(ActionTarget target) {
    return type + " has no " + what + " for host '" + target.host() + "' (configured: "
        + String.join(", ", byHost.keySet().stream().sorted().toList()) + ")";
  }

  public Map<String, T> all() {
    return byHost;
  }

  public void forEach(Consumer<T> action) {
    byHost.values().forEach(action);
  }
}
