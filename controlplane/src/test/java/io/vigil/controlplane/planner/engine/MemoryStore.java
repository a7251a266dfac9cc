package io.vigil.controlplane.planner.engine;

import io.vigil.controlplane.planner.policy.Hold;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.Approval;
import io.vigil.controlplane.planner.store.FencedOutException;
import io.vigil.controlplane.planner.store.PlannerStore;
import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A store in memory for unit tests of the engine's logic (the real stores have contract tests). */
final class MemoryStore implements PlannerStore {

  private long term;
  private final Map<String, ActionRecord> actions = new LinkedHashMap<>();
  private final List<TimelineEvent> timeline = new ArrayList<>();
  private final Map<String, Hold> holds = new LinkedHashMap<>();
  private final Map<String, Approval> approvals = new LinkedHashMap<>();

  @Override
  public synchronized long beginTerm(String node) {
    return ++term;
  }

  @Override
  public synchronized long currentTerm() {
    return term;
  }

  @Override
  public synchronized ActionRecord recordIntent(ActionRecord intent) throws FencedOutException {
    if (intent.term() < term) {
      throw new FencedOutException(intent.term(), term);
    }
    for (ActionRecord a : actions.values()) {
      if (a.idempotencyKey().equals(intent.idempotencyKey())) {
        return a;
      }
    }
    actions.put(intent.id(), intent);
    return intent;
  }

  @Override
  public synchronized ActionRecord updateAction(String id, ActionRecord.Status status, String detail, long t)
      throws FencedOutException {
    if (t < term) {
      throw new FencedOutException(t, term);
    }
    ActionRecord a = actions.get(id);
    if (a == null) {
      throw new IllegalArgumentException("no action " + id);
    }
    ActionRecord next = a.with(status, detail, Instant.now());
    actions.put(id, next);
    return next;
  }

  @Override
  public synchronized Optional<ActionRecord> action(String id) {
    return Optional.ofNullable(actions.get(id));
  }

  @Override
  public synchronized List<ActionRecord> unfinishedActions() {
    return actions.values().stream().filter(a -> !a.status().isFinal()).toList();
  }

  @Override
  public synchronized List<ActionRecord> actions(TimelineQuery q) {
    return actions.values().stream().filter(a -> q.matches(a.host(), a.check(), a.createdAt()))
        .sorted(Comparator.comparing(ActionRecord::createdAt).reversed()).limit(q.limit()).toList();
  }

  @Override
  public synchronized TimelineEvent append(TimelineEvent event) {
    TimelineEvent e = event.withSeq(timeline.size() + 1);
    timeline.add(e);
    return e;
  }

  @Override
  public synchronized List<TimelineEvent> timeline(TimelineQuery q) {
    List<TimelineEvent> m = timeline.stream().filter(e -> q.matches(e.host(), e.check(), e.at())).toList();
    return List.copyOf(m.subList(Math.max(0, m.size() - q.limit()), m.size()));
  }

  @Override
  public synchronized void putHold(Hold hold) {
    holds.put(hold.id(), hold);
  }

  @Override
  public synchronized boolean endHold(String id, Instant at, String by) {
    Hold h = holds.get(id);
    if (h == null || !h.activeAt(at)) {
      return false;
    }
    holds.put(id, new Hold(h.id(), h.host(), h.role(), h.cluster(), h.action(), at, h.reason(), h.by()));
    return true;
  }

  @Override
  public synchronized List<Hold> holds(Instant now) {
    return holds.values().stream().filter(h -> h.activeAt(now)).toList();
  }

  @Override
  public synchronized void putApproval(Approval approval) {
    approvals.put(approval.id(), approval);
  }

  @Override
  public synchronized Optional<Approval> approval(String id) {
    return Optional.ofNullable(approvals.get(id));
  }

  @Override
  public synchronized List<Approval> approvals() {
    return List.copyOf(approvals.values());
  }

  @Override
  public void close() {
  }
}
