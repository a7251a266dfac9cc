package io.vigil.controlplane.planner.engine;

import io.vigil.controlplane.planner.policy.Hold;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.Approval;
import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the REST API and the CLI may ask of the planner: the facade over the engine and its store.
 * Every mutating call names who asks ({@code by}: the API token's name) for the timeline. Invalid
 * requests throw {@link IllegalArgumentException} with a message for the caller (HTTP 400); a
 * missing id throws {@link java.util.NoSuchElementException} (404); a request that conflicts with the
 * current state (approving an expired request) throws {@link IllegalStateException} (409).
 */
public interface PlannerOperations {

  /** Current check states, optionally only one host's (null for all), ordered by host then check. */
  List<CheckView> states(String host);

  List<TimelineEvent> timeline(TimelineQuery query);

  List<ActionRecord> actions(TimelineQuery query);

  /** The policies in effect, as configured. */
  List<PolicyView> policies();

  LeaderView leader();

  /** Creates a hold; {@code id} is assigned when the request has none. */
  Hold createHold(HoldRequest request, String by);

  /** Holds in effect now. */
  List<Hold> holds();

  /** Ends a hold now; throws NoSuchElementException when no such active hold exists. */
  void endHold(String id, String by);

  /** Every approval request, newest first. */
  List<Approval> approvals();

  /** Approves or rejects a PENDING request. */
  Approval decideApproval(String id, boolean approve, String by, String comment);

  /**
   * Records an external event (e.g. {@code batch_loaded} from a loader host) and lets event policies
   * act on it. Returns the timeline event written.
   */
  TimelineEvent event(String host, String name, Map<String, String> params, String by);

  /**
   * One alert of an Alertmanager webhook (payload version 4). Idempotent per fingerprint and
   * status: a repeated notification returns false and changes nothing.
   */
  boolean alert(AlertNotice alert);

  /** One row of {@code GET /api/v1/states}. */
  record CheckView(String host, String check, String state, String stateType, int attempt, int maxAttempts,
      boolean flapping, boolean stale, String suppressedBy, Instant lastResultAt, String output) {
  }

  /** One row of {@code GET /api/v1/policies}. */
  record PolicyView(String name, String trigger, List<String> on, String action, String mode, String tier,
      int budgetAttempts, Duration budgetWindow, Duration backoff, Duration resetAfterHealthy) {
  }

  /** {@code GET /api/v1/leader}. */
  record LeaderView(String node, boolean leader, long term, String store) {
  }

  /** {@code POST /api/v1/holds}: a scope (at least one of host, role, cluster, action) and a duration. */
  record HoldRequest(String id, String host, String role, String cluster, String action, Duration duration,
      String reason) {
  }

  /** One alert of an Alertmanager notification. */
  record AlertNotice(String fingerprint, String status, Map<String, String> labels, Map<String, String> annotations,
      Instant startsAt, Instant endsAt) {
  }
}
