package io.vigil.controlplane.planner.actions;

import io.vigil.remediations.RemediationType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every remediation type a configuration may name: the standard catalog plus {@code command}. */
public final class Remediations {

  private Remediations() {
  }

  public static Map<String, RemediationType> types() {
    Map<String, RemediationType> types = new LinkedHashMap<>(io.vigil.remediations.RemediationCatalog.standard());
    types.put(CommandRemediation.TYPE, CommandRemediation.type());
    return types;
  }
}
