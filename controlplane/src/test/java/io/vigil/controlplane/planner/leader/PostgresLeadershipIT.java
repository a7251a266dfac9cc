package io.vigil.controlplane.planner.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.FencedOutException;
import io.vigil.controlplane.planner.store.LabDatabase;
import io.vigil.controlplane.planner.store.PostgresStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two planners campaigning on the lab's PostgreSQL primary: exactly one leads; killing the leader's
 * lock session deposes it, the other takes over in a greater term, and the old term's writes are
 * refused by the store.
 */
class PostgresLeadershipIT {

  private static final Duration INTERVAL = Duration.ofMillis(200);

  private LabDatabase db;
  private PostgresStore storeA;
  private PostgresStore storeB;
  private Node a;
  private Node b;
  private final long lockKey = ThreadLocalRandom.current().nextLong(1L << 40, 1L << 50); // apart from other tests

  /** One planner: its leadership and what its callbacks saw. */
  private static final class Node {
    final PostgresLeadership leadership;
    final List<String> events = new CopyOnWriteArrayList<>();

    Node(PostgresLeadership leadership) {
      this.leadership = leadership;
      leadership.start(term -> events.add("elected " + term), () -> events.add("deposed"));
    }
  }

  @BeforeEach
  void start() throws Exception {
    db = LabDatabase.create();
    storeA = PostgresStore.open(db.endpoint());
    storeB = PostgresStore.open(db.endpoint());
    a = new Node(new PostgresLeadership(db.endpoint(), storeA, "pa", lockKey, INTERVAL));
    b = new Node(new PostgresLeadership(db.endpoint(), storeB, "pb", lockKey, INTERVAL));
  }

  @AfterEach
  void stop() throws Exception {
    for (Node n : new Node[] {a, b}) {
      if (n != null) {
        n.leadership.close();
      }
    }
    for (PostgresStore s : new PostgresStore[] {storeA, storeB}) {
      if (s != null) {
        s.close();
      }
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void exactlyOneLeads_andAKilledLeaderIsDeposedAndFenced() throws Exception {
    await(() -> a.leadership.isLeader() || b.leadership.isLeader());
    Thread.sleep(INTERVAL.toMillis() * 3); // several rounds: the follower must stay a follower
    assertThat(a.leadership.isLeader() ^ b.leadership.isLeader()).as("exactly one leader").isTrue();
    Node leader = a.leadership.isLeader() ? a : b;
    Node follower = leader == a ? b : a;
    PostgresStore leaderStore = leader == a ? storeA : storeB;
    long oldTerm = leader.leadership.term();
    assertThat(leader.events).containsExactly("elected " + oldTerm);
    assertThat(follower.events).isEmpty();
    leaderStore.recordIntent(intent("a-1", oldTerm));

    assertThat(db.terminate("vigil-leader " + leader.leadership.node())).isEqualTo(1);

    await(() -> leader.events.contains("deposed"));
    await(follower.leadership::isLeader);
    long newTerm = follower.leadership.term();
    assertThat(newTerm).isGreaterThan(oldTerm);
    assertThat(follower.events).containsExactly("elected " + newTerm);
    assertThat(leader.leadership.isLeader()).isFalse();

    // the deposed planner's late writes, e.g. from an action that was still running
    assertThatThrownBy(() -> leaderStore.updateAction("a-1", ActionRecord.Status.SUCCEEDED, "late", oldTerm))
        .isInstanceOf(FencedOutException.class);
    assertThatThrownBy(() -> leaderStore.recordIntent(intent("a-2", oldTerm)))
        .isInstanceOf(FencedOutException.class);

    // the deposed one campaigns again but stays a follower while the other holds the lock
    Thread.sleep(INTERVAL.toMillis() * 3);
    assertThat(leader.leadership.isLeader()).isFalse();
    assertThat(follower.leadership.isLeader()).isTrue();
  }

  @Test
  void closingTheLeaderHandsLeadershipOver() throws Exception {
    await(() -> a.leadership.isLeader() || b.leadership.isLeader());
    Node leader = a.leadership.isLeader() ? a : b;
    Node follower = leader == a ? b : a;
    long oldTerm = leader.leadership.term();
    leader.leadership.close();
    await(follower.leadership::isLeader);
    assertThat(follower.leadership.term()).isGreaterThan(oldTerm);
    assertThat(leader.events).doesNotContain("deposed");
  }

  private static ActionRecord intent(String id, long term) {
    Instant now = Instant.parse("2026-12-06T10:00:00Z");
    return new ActionRecord(id, "key-" + id, "reattach", "pgpool_attach", "db2", "pgpool_node", "pcp_attach_node",
        ActionRecord.Status.INTENT, term, "p", now, now, "");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(20);
    }
  }
}
