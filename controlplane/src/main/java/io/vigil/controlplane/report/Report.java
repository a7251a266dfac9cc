package io.vigil.controlplane.report;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * What an agent pushes to the planner: its identity and a batch of probe results, each carrying
 * when it was measured so the planner can tell fresh from stale (and reject the future).
 *
 * <pre>{@code
 * POST /api/v1/reports   Authorization: Bearer <agent token>
 * {"agent":"db1","sentAt":"2026-11-22T03:00:00Z","results":[{"probe":"pg_replication","type":"pg_replication_lag",
 *   "state":"OK","summary":"replica1 streaming, 0 B behind","perfdata":[{"label":"replica1_lag_bytes","value":0,"unit":"B"}],
 *   "at":"2026-11-22T02:59:59.512Z","tookMillis":1.8}]}
 * }</pre>
 */
@Serdeable
public record Report(String agent, String sentAt, List<Result> results) {

  /** One probe result. {@code state} is OK, WARNING, CRITICAL or UNKNOWN. */
  @Serdeable
  public record Result(String probe, String type, String state, String summary, List<Value> perfdata, String at,
      double tookMillis) {
  }

  /** One perfdata value; {@code value} is null when undeterminable ({@code U}). */
  @Serdeable
  public record Value(String label, Double value, String unit) {
  }
}
