package io.vigil.controlplane.planner.api;

import io.vigil.controlplane.planner.engine.PlannerOperations.AlertNotice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An Alertmanager webhook notification, version 4 (prometheus/alertmanager notify/webhook/webhook.go:
 * {@code template.Data} plus {@code version}, {@code groupKey}, {@code truncatedAlerts}). Only what
 * the planner uses is checked; extra fields (Grafana's {@code orgId}, {@code values}) are ignored.
 */
final class AlertmanagerPayload {

  private static final Set<String> STATUSES = Set.of("firing", "resolved");
  /** Alertmanager writes the zero time for an alert that has not ended. */
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private AlertmanagerPayload() {
  }

  /** The alerts of {@code body}; throws IllegalArgumentException naming the field at fault. */
  static List<AlertNotice> alerts(JsonBody body) {
    String version = body.requiredString("version");
    if (!version.equals("4")) {
      throw body.invalid("version", "'" + version + "' is not supported (expected \"4\", Alertmanager 0.x's webhook)");
    }
    status(body);
    List<AlertNotice> alerts = new ArrayList<>();
    for (JsonBody alert : body.objects("alerts")) {
      alerts.add(new AlertNotice(alert.requiredString("fingerprint"), status(alert), alert.stringMap("labels"),
          alert.stringMap("annotations"), alert.instant("startsAt").orElseThrow(() -> alert.invalid("startsAt",
          "required")), alert.instant("endsAt").filter(at -> !at.equals(GO_ZERO_TIME)).orElse(null)));
    }
    return alerts;
  }

  private static String status(JsonBody body) {
    String status = body.requiredString("status");
    if (!STATUSES.contains(status)) {
      throw body.invalid("status", "'" + status + "' (expected firing or resolved)");
    }
    return status;
  }
}
