package io.vigil.controlplane.planner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.controlplane.planner.policy.Hold;
import io.vigil.controlplane.planner.store.ActionRecord.Status;
import io.vigil.controlplane.planner.store.TimelineEvent.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link PlannerStore} must do, run against each implementation: {@code FileStoreTest}
 * (unit) and {@code PostgresStoreIT} (the lab's PostgreSQL).
 */
abstract class PlannerStoreContract {

  static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  protected PlannerStore store;

  /** A fresh, empty store. */
  protected abstract PlannerStore openFresh() throws Exception;

  /** Closes {@link #store} and opens the same store again. */
  protected abstract PlannerStore reopen() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = openFresh();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static ActionRecord intent(String id, String key, String host, long term, Instant at) {
    return new ActionRecord(id, key, "reattach", "pgpool_attach", host, "pgpool_node", "pcp_attach_node -n 1",
        Status.INTENT, term, "p1", at, at, "about to run");
  }

  static TimelineEvent event(Instant at, String host, String check, String what) {
    return TimelineEvent.of(at, Kind.STATE_CHANGE, host, check, "agent:" + host, what, "because");
  }

  static Hold hold(String id, String host, Instant until) {
    return new Hold(id, host, null, null, null, until, "kernel upgrade", "alice");
  }

  @Test
  void termsIncreaseFromOne() {
    assertThat(store.currentTerm()).isZero();
    assertThat(store.beginTerm("p1")).isEqualTo(1);
    assertThat(store.beginTerm("p2")).isEqualTo(2);
    assertThat(store.currentTerm()).isEqualTo(2);
  }

  @Test
  void recordsAnIntentOncePerIdempotencyKey() throws Exception {
    long term = store.beginTerm("p1");
    ActionRecord first = store.recordIntent(intent("a-1", "k1", "db2", term, T0));
    ActionRecord again = store.recordIntent(intent("a-2", "k1", "db2", term, T0.plusSeconds(5)));
    assertThat(again).isEqualTo(first);
    assertThat(again.id()).isEqualTo("a-1");
    assertThat(store.action("a-2")).isEmpty();
    assertThat(store.actions(TimelineQuery.all())).extracting(ActionRecord::id).containsExactly("a-1");
  }

  @Test
  void refusesWritesOfAnOlderTerm_acceptsEqualAndNewer() throws Exception {
    long old = store.beginTerm("p1");
    store.recordIntent(intent("a-1", "k1", "db2", old, T0));
    long current = store.beginTerm("p2");
    assertThatThrownBy(() -> store.recordIntent(intent("a-2", "k2", "db2", old, T0)))
        .isInstanceOfSatisfying(FencedOutException.class, e -> {
          assertThat(e.writerTerm()).isEqualTo(old);
          assertThat(e.currentTerm()).isEqualTo(current);
        });
    assertThatThrownBy(() -> store.updateAction("a-1", Status.SUCCEEDED, "late", old))
        .isInstanceOf(FencedOutException.class);
    assertThat(store.action("a-1").orElseThrow().status()).isEqualTo(Status.INTENT);
    assertThat(store.action("a-2")).isEmpty();

    store.recordIntent(intent("a-3", "k3", "db2", current, T0));
    store.recordIntent(intent("a-4", "k4", "db2", current + 1, T0));
    assertThat(store.updateAction("a-1", Status.RUNNING, "resolving", current).status()).isEqualTo(Status.RUNNING);
    assertThat(store.updateAction("a-1", Status.SUCCEEDED, "verified", current + 5).detail()).isEqualTo("verified");
  }

  @Test
  void updatingAnUnknownActionIsRefused() {
    long term = store.beginTerm("p1");
    assertThatThrownBy(() -> store.updateAction("nope", Status.FAILED, "x", term))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
  }

  @Test
  void listsUnfinishedActionsForTheNextLeader() throws Exception {
    long term = store.beginTerm("p1");
    store.recordIntent(intent("a-1", "k1", "db1", term, T0));
    store.recordIntent(intent("a-2", "k2", "db2", term, T0.plusSeconds(1)));
    store.recordIntent(intent("a-3", "k3", "db3", term, T0.plusSeconds(2)));
    store.updateAction("a-2", Status.RUNNING, "started", term);
    store.updateAction("a-3", Status.TIMED_OUT, "no answer in 30s", term);
    assertThat(store.unfinishedActions()).extracting(ActionRecord::id, ActionRecord::status)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a-1", Status.INTENT),
            org.assertj.core.groups.Tuple.tuple("a-2", Status.RUNNING));
  }

  @Test
  void listsActionsNewestFirst_filteredByHostCheckAndTime() throws Exception {
    long term = store.beginTerm("p1");
    for (int i = 0; i < 6; i++) {
      store.recordIntent(intent("a-" + i, "k" + i, i % 2 == 0 ? "db1" : "db2", term, T0.plusSeconds(i)));
    }
    assertThat(store.actions(TimelineQuery.all())).extracting(ActionRecord::id)
        .containsExactly("a-5", "a-4", "a-3", "a-2", "a-1", "a-0");
    assertThat(store.actions(new TimelineQuery("db1", null, null, null, 2))).extracting(ActionRecord::id)
        .containsExactly("a-4", "a-2");
    assertThat(store.actions(new TimelineQuery(null, "pgpool_node", T0.plusSeconds(1), T0.plusSeconds(3), 0)))
        .extracting(ActionRecord::id).containsExactly("a-2", "a-1");
    assertThat(store.actions(new TimelineQuery(null, "other", null, null, 0))).isEmpty();
  }

  @Test
  void appendsEventsWithIncreasingSequenceNumbers() {
    TimelineEvent a = store.append(event(T0, "db1", "pg", "CRITICAL SOFT"));
    TimelineEvent b = store.append(event(T0, "db1", "pg", "CRITICAL HARD"));
    assertThat(a.seq()).isPositive();
    assertThat(b.seq()).isGreaterThan(a.seq());
    assertThat(b.what()).isEqualTo("CRITICAL HARD");
  }

  @Test
  void appendsABurstInOrder() throws Exception {
    store.append(event(T0, "db1", "pg", "first"));
    List<TimelineEvent> burst = store.appendAll(List.of(event(T0, "db1", "pg", "b1"), event(T0, "db2", "pg", "b2"),
        event(T0, "db3", "pg", "b3")));
    assertThat(burst).extracting(TimelineEvent::what).containsExactly("b1", "b2", "b3");
    assertThat(burst.get(1).seq()).isGreaterThan(burst.get(0).seq());
    assertThat(burst.get(2).seq()).isGreaterThan(burst.get(1).seq());
    assertThat(store.appendAll(List.of())).isEmpty();
    store = reopen();
    assertThat(whats(TimelineQuery.all())).containsExactly("first", "b1", "b2", "b3");
    assertThat(store.timeline(TimelineQuery.all()).subList(1, 4)).isEqualTo(burst);
  }

  @Test
  void filtersTheTimelineByHostCheckAndTime_oldestFirst() {
    store.append(event(T0, "db1", "pg", "e0"));
    store.append(event(T0.plusSeconds(1), "db2", "pg", "e1"));
    store.append(event(T0.plusSeconds(2), "db1", "lag", "e2"));
    store.append(event(T0.plusSeconds(3), "db1", "pg", "e3"));
    store.append(event(T0.plusSeconds(4), "web1", "heartbeat", "e4"));
    assertThat(whats(TimelineQuery.all())).containsExactly("e0", "e1", "e2", "e3", "e4");
    assertThat(whats(new TimelineQuery("db1", null, null, null, 0))).containsExactly("e0", "e2", "e3");
    assertThat(whats(new TimelineQuery(null, "pg", null, null, 0))).containsExactly("e0", "e1", "e3");
    assertThat(whats(new TimelineQuery("db1", "pg", null, null, 0))).containsExactly("e0", "e3");
    // since is inclusive, until exclusive
    assertThat(whats(new TimelineQuery(null, null, T0.plusSeconds(1), T0.plusSeconds(3), 0)))
        .containsExactly("e1", "e2");
    assertThat(whats(new TimelineQuery("nohost", null, null, null, 0))).isEmpty();
  }

  @Test
  void aTimelineLimitKeepsTheNewestEvents() {
    for (int i = 0; i < 10; i++) {
      store.append(event(T0.plusSeconds(i), "db1", "pg", "e" + i));
    }
    assertThat(whats(new TimelineQuery(null, null, null, null, 3))).containsExactly("e7", "e8", "e9");
    assertThat(whats(new TimelineQuery(null, null, null, T0.plusSeconds(5), 2))).containsExactly("e3", "e4");
  }

  @Test
  void keepsEventDetailsAndAwkwardText() {
    TimelineEvent e = new TimelineEvent(0, T0, Kind.ACTION, "db2", "pgpool_node", "a-1", "planner:p1",
        "act pgpool_attach", "line one\nline \"two\"\t\u00e9\u2713 \\ end",
        Map.of("command", "pcp_attach_node -n 1", "exit", "0", "output", "{\"json\": true}\n"));
    TimelineEvent stored = store.append(e);
    assertThat(store.timeline(TimelineQuery.all())).containsExactly(stored);
    assertThat(stored).isEqualTo(e.withSeq(stored.seq()));
  }

  @Test
  void holdsLastUntilEndedOrExpired() {
    store.putHold(hold("h1", "db1", T0.plusSeconds(3600)));
    store.putHold(hold("h2", "db2", T0.plusSeconds(60)));
    assertThat(store.holds(T0)).extracting(Hold::id).containsExactlyInAnyOrder("h1", "h2");
    assertThat(store.holds(T0.plusSeconds(60))).extracting(Hold::id).containsExactly("h1");

    assertThat(store.endHold("h1", T0.plusSeconds(10), "bob")).isTrue();
    assertThat(store.endHold("h1", T0.plusSeconds(11), "bob")).isFalse();
    assertThat(store.endHold("unknown", T0, "bob")).isFalse();
    assertThat(store.endHold("h2", T0.plusSeconds(61), "bob")).as("already expired").isFalse();
    assertThat(store.holds(T0.plusSeconds(10))).extracting(Hold::id).containsExactly("h2");
  }

  @Test
  void replacesAHoldWithTheSameId() {
    store.putHold(hold("h1", "db1", T0.plusSeconds(60)));
    store.putHold(hold("h1", "db1", T0.plusSeconds(600)));
    assertThat(store.holds(T0.plusSeconds(300))).extracting(Hold::until).containsExactly(T0.plusSeconds(600));
  }

  @Test
  void upsertsApprovals() {
    Approval pending = new Approval("ap-1", "reattach", "pgpool_attach", "db2", "pgpool_node",
        "pcp_attach_node -n 1", T0, T0.plusSeconds(600), Approval.Status.PENDING, null, null, null);
    store.putApproval(pending);
    Approval other = new Approval("ap-2", "restart", "worker_restart", "worker1", "", "systemctl restart w",
        T0, T0.plusSeconds(60), Approval.Status.PENDING, null, null, null);
    store.putApproval(other);
    Approval approved = pending.decide(Approval.Status.APPROVED, "alice", T0.plusSeconds(30), "go ahead");
    store.putApproval(approved);
    assertThat(store.approval("ap-1")).contains(approved);
    assertThat(store.approval("nope")).isEmpty();
    assertThat(store.approvals()).containsExactlyInAnyOrder(approved, other);
  }

  @Test
  void keepsEverythingAcrossAReopen() throws Exception {
    long term = store.beginTerm("p1");
    store.recordIntent(intent("a-1", "k1", "db1", term, T0));
    store.recordIntent(intent("a-2", "k2", "db2", term, T0.plusSeconds(1)));
    ActionRecord done = store.updateAction("a-1", Status.SUCCEEDED, "verified healthy", term);
    TimelineEvent e = store.append(new TimelineEvent(0, T0, Kind.DECISION, "db1", "pg", "", "planner:p1",
        "suppressed", "root cause db0/pg", Map.of("k", "v")));
    Hold h = hold("h1", "db1", T0.plusSeconds(3600));
    store.putHold(h);
    store.putHold(hold("h2", "db2", T0.plusSeconds(3600)));
    store.endHold("h2", T0.plusSeconds(5), "bob");
    Approval ap = new Approval("ap-1", "reattach", "pgpool_attach", "db2", "pgpool_node", "cmd", T0,
        T0.plusSeconds(600), Approval.Status.REJECTED, "carol", T0.plusSeconds(1), "not now");
    store.putApproval(ap);

    store = reopen();

    assertThat(store.currentTerm()).isEqualTo(term);
    assertThat(store.beginTerm("p2")).isEqualTo(term + 1);
    assertThat(store.action("a-1")).contains(done);
    assertThat(store.unfinishedActions()).extracting(ActionRecord::id).containsExactly("a-2");
    assertThat(store.recordIntent(intent("a-9", "k2", "db2", term + 1, T0)).id()).as("idempotent after reopen")
        .isEqualTo("a-2");
    assertThat(store.timeline(TimelineQuery.all())).containsExactly(e);
    assertThat(store.append(event(T0, "db1", "pg", "next")).seq()).isGreaterThan(e.seq());
    assertThat(store.holds(T0.plusSeconds(10))).containsExactly(h);
    assertThat(store.approvals()).containsExactly(ap);
  }

  private List<String> whats(TimelineQuery q) {
    return store.timeline(q).stream().map(TimelineEvent::what).toList();
  }
}
