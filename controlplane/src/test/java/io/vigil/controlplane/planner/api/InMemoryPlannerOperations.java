package io.vigil.controlplane.planner.api;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.vigil.controlplane.planner.engine.PlannerOperations;
import io.vigil.controlplane.planner.policy.Hold;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.Approval;
import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineQuery;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A small in-memory planner for the API's tests: the facade's documented behaviour (400/404/409 by
 * exception type, alert idempotency per fingerprint and status) without the engine. Only in
 * contexts started with {@code vigil.test.api-planner=true}; it replaces the engine's bean there.
 */
@Singleton
@Replaces(PlannerOperations.class)
@Requires(property = "vigil.test.api-planner", value = "true")
public final class InMemoryPlannerOperations implements PlannerOperations {

  static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

  public final Map<String, Hold> holds = new LinkedHashMap<>();
  public final Map<String, Approval> approvals = new LinkedHashMap<>();
  final List<TimelineEvent> events = new ArrayList<>();
  final List<ActionRecord> actions = new ArrayList<>();
  final List<AlertNotice> alerts = new ArrayList<>();
  public TimelineQuery lastQuery;
  private final Set<String> alertsSeen = new HashSet<>();
  private int nextHold = 1;

  InMemoryPlannerOperations() {
    reset();
  }

  public synchronized void reset() {
    holds.clear();
    approvals.clear();
    events.clear();
    actions.clear();
    alerts.clear();
    alertsSeen.clear();
    lastQuery = null;
    nextHold = 1;
    approvals.put("ap-1", new Approval("ap-1", "pgpool-reattach", "pgpool_attach", "db2", "pgpool_node", "pcp_attach_node -n 1",
        NOW.minusSeconds(60), NOW.plusSeconds(3600), Approval.Status.PENDING, null, null, null));
    events.add(new TimelineEvent(1, NOW.minusSeconds(120), TimelineEvent.Kind.STATE_CHANGE, "db2", "pgpool_node", "",
        "agent:db2", "CRITICAL HARD (attempt 3/3)", "node 1 detached", Map.of()));
    events.add(new TimelineEvent(2, NOW.minusSeconds(60), TimelineEvent.Kind.APPROVAL, "db2", "pgpool_node", "",
        "planner:vigil", "approval requested: ap-1", "policy pgpool-reattach in approve mode",
        Map.of("command", "pcp_attach_node -n 1")));
    actions.add(new ActionRecord("a-1-x", "pgpool-reattach|pgpool_attach|db2|t0", "pgpool-reattach", "pgpool_attach",
        "db2", "pgpool_node", "pcp_attach_node -n 1", ActionRecord.Status.SUCCEEDED, 1, "vigil", NOW.minusSeconds(30),
        NOW.minusSeconds(20), "verified healthy"));
  }

  @Override
  public List<CheckView> states(String host) {
    List<CheckView> all = List.of(
        new CheckView("db2", "pgpool_node", "CRITICAL", "HARD", 3, 3, false, false, "", NOW.minusSeconds(5),
            "node 1 is down"),
        new CheckView("web1", "heartbeat", "OK", "HARD", 1, 3, false, false, "", NOW.minusSeconds(2), "200 OK"));
    return all.stream().filter(v -> host == null || v.host().equals(host)).toList();
  }

  @Override
  public synchronized List<TimelineEvent> timeline(TimelineQuery query) {
    lastQuery = query;
    return events.stream().filter(e -> query.matches(e.host(), e.check(), e.at())).limit(query.limit()).toList();
  }

  @Override
  public synchronized List<ActionRecord> actions(TimelineQuery query) {
    lastQuery = query;
    return actions.stream().filter(a -> query.matches(a.host(), a.check(), a.createdAt())).limit(query.limit())
        .toList();
  }

  @Override
  public List<PolicyView> policies() {
    return List.of(new PolicyView("pgpool-reattach", "check:pgpool_node", List.of("CRITICAL"), "pgpool_attach",
        "approve", "database", 3, Duration.ofHours(1), Duration.ofSeconds(30), Duration.ofMinutes(10)));
  }

  @Override
  public LeaderView leader() {
    return new LeaderView("vigil", true, 7, "file");
  }

  @Override
  public synchronized Hold createHold(HoldRequest r, String by) {
    if (r.duration().compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("duration: at most 7 days (" + r.duration() + " asked)");
    }
    String id = r.id() == null ? "hold-" + nextHold++ : r.id();
    Hold hold = new Hold(id, r.host(), r.role(), r.cluster(), r.action(), NOW.plus(r.duration()), r.reason(), by);
    holds.put(id, hold);
    return hold;
  }

  @Override
  public synchronized List<Hold> holds() {
    return List.copyOf(holds.values());
  }

  @Override
  public synchronized void endHold(String id, String by) {
    if (holds.remove(id) == null) {
      throw new NoSuchElementException("no active hold '" + id + "'");
    }
  }

  @Override
  public synchronized List<Approval> approvals() {
    return List.copyOf(approvals.values());
  }

  @Override
  public synchronized Approval decideApproval(String id, boolean approve, String by, String comment) {
    Approval a = approvals.get(id);
    if (a == null) {
      throw new NoSuchElementException("no approval request '" + id + "'");
    }
    if (a.status() != Approval.Status.PENDING) {
      throw new IllegalStateException("approval " + id + " is " + a.status().name().toLowerCase(Locale.ROOT)
          + ", not pending");
    }
    Approval decided = a.decide(approve ? Approval.Status.APPROVED : Approval.Status.REJECTED, by, NOW, comment);
    approvals.put(id, decided);
    return decided;
  }

  @Override
  public synchronized TimelineEvent event(String host, String name, Map<String, String> params, String by) {
    if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("name: '" + name + "' (expected lower snake case)");
    }
    TimelineEvent e = new TimelineEvent(events.size() + 1, NOW, TimelineEvent.Kind.EVENT, host, "", "", "api:" + by,
        "event " + name, "reported by " + by, params);
    events.add(e);
    return e;
  }

  @Override
  public synchronized boolean alert(AlertNotice alert) {
    alerts.add(alert);
    return alertsSeen.add(alert.fingerprint() + "|" + alert.status());
  }
}
