package io.vigil.controlplane.planner.api;

import io.micronaut.serde.annotation.Serdeable;
import io.vigil.controlplane.planner.engine.PlannerOperations.CheckView;
import io.vigil.controlplane.planner.engine.PlannerOperations.LeaderView;
import io.vigil.controlplane.planner.engine.PlannerOperations.PolicyView;
import io.vigil.controlplane.planner.policy.Hold;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.Approval;
import io.vigil.controlplane.planner.store.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON the REST API answers with. Its own records rather than the store's, so the wire format
 * (docs/api.md) stays put when the store changes: instants and durations are ISO-8601 text.
 */
final class ApiViews {

  private ApiViews() {
  }

  /** Every error answer: {@code {"error": "..."}}. */
  @Serdeable
  record Problem(String error) {
  }

  @Serdeable
  record State(String host, String check, String state, String stateType, int attempt, int maxAttempts,
      boolean flapping, boolean stale, String suppressedBy, String lastResultAt, String output) {
    static State of(CheckView v) {
      return new State(v.host(), v.check(), v.state(), v.stateType(), v.attempt(), v.maxAttempts(), v.flapping(),
          v.stale(), v.suppressedBy(), text(v.lastResultAt()), v.output());
    }
  }

  @Serdeable
  record Event(long seq, String at, String kind, String host, String check, String actionId, String who, String what,
      String why, Map<String, String> details) {
    static Event of(TimelineEvent e) {
      return new Event(e.seq(), text(e.at()), e.kind().name(), e.host(), e.check(), e.actionId(), e.who(), e.what(),
          e.why(), e.details());
    }
  }

  @Serdeable
  record Action(String id, String idempotencyKey, String policy, String action, String host, String check,
      String command, String status, long term, String node, String createdAt, String updatedAt, String detail) {
    static Action of(ActionRecord a) {
      return new Action(a.id(), a.idempotencyKey(), a.policy(), a.action(), a.host(), a.check(), a.command(),
          a.status().name(), a.term(), a.node(), text(a.createdAt()), text(a.updatedAt()), a.detail());
    }
  }

  @Serdeable
  record Policy(String name, String trigger, List<String> on, String action, String mode, String tier,
      int budgetAttempts, String budgetWindow, String backoff, String resetAfterHealthy) {
    static Policy of(PolicyView p) {
      return new Policy(p.name(), p.trigger(), p.on(), p.action(), p.mode(), p.tier(), p.budgetAttempts(),
          text(p.budgetWindow()), text(p.backoff()), text(p.resetAfterHealthy()));
    }
  }

  @Serdeable
  record Leader(String node, boolean leader, long term, String store) {
    static Leader of(LeaderView l) {
      return new Leader(l.node(), l.leader(), l.term(), l.store());
    }
  }

  @Serdeable
  record HoldJson(String id, String host, String role, String cluster, String action, String until, String reason,
      String by) {
    static HoldJson of(Hold h) {
      return new HoldJson(h.id(), h.host(), h.role(), h.cluster(), h.action(), text(h.until()), h.reason(), h.by());
    }
  }

  @Serdeable
  record ApprovalJson(String id, String policy, String action, String host, String check, String command,
      String requestedAt, String deadline, String status, String by, String decidedAt, String comment) {
    static ApprovalJson of(Approval a) {
      return new ApprovalJson(a.id(), a.policy(), a.action(), a.host(), a.check(), a.command(), text(a.requestedAt()),
          text(a.deadline()), a.status().name(), a.by(), text(a.decidedAt()), a.comment());
    }
  }

  /** The answer to an Alertmanager notification. */
  @Serdeable
  record AlertsAnswer(int accepted, int duplicate) {
  }

  static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  static String text(Duration d) {
    return d == null ? null : d.toString();
  }
}
