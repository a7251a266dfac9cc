package io.vigil.controlplane.planner.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One line of the audit timeline: who did what, to what, and why.
 *
 * @param seq      assigned by the store on append (0 before)
 * @param host     the host concerned, or "" for the planner itself
 * @param check    the check concerned, or ""
 * @param actionId the action concerned, or ""
 * @param who      {@code planner:<node>}, {@code agent:<name>}, {@code api:<token name>}, {@code alertmanager}
 * @param what     a short statement, e.g. {@code CRITICAL HARD (attempt 3/3)}, {@code act pgpool_attach}
 * @param why      the reason, e.g. {@code suppressed by root cause rabbit/rabbitmq_queue}
 * @param details  bounded extra facts (rendered command, exit code, precondition facts)
 */
public record TimelineEvent(long seq, Instant at, Kind kind, String host, String check, String actionId, String who,
    String what, String why, Map<String, String> details) {

  /** What sort of event it is. */
  public enum Kind {
    STATE_CHANGE, DECISION, APPROVAL, ACTION, VERIFICATION, HOLD, ESCALATION, ALERT, LEADERSHIP, EVENT
  }

  public TimelineEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    host = host == null ? "" : host;
    check = check == null ? "" : check;
    actionId = actionId == null ? "" : actionId;
    who = who == null ? "" : who;
    what = what == null ? "" : what;
    why = why == null ? "" : why;
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  public static TimelineEvent of(Instant at, Kind kind, String host, String check, String who, String what,
      String why) {
    return new TimelineEvent(0, at, kind, host, check, "", who, what, why, Map.of());
  }

  public TimelineEvent withSeq(long newSeq) {
    return new TimelineEvent(newSeq, at, kind, host, check, actionId, who, what, why, details);
  }
}
