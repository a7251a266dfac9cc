package io.vigil.controlplane.planner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL store against the lab's primary: the contract (each test in a fresh schema of a
 * database made for this class), plus migration, fencing across planners and reconnection.
 */
class PostgresStoreIT extends PlannerStoreContract {

  private static LabDatabase db;
  private static final AtomicInteger SCHEMAS = new AtomicInteger();

  private PostgresEndpoint endpoint;

  @BeforeAll
  static void createDatabase() throws Exception {
    db = LabDatabase.create();
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @Override
  protected PlannerStore openFresh() throws Exception {
    String schema = "t" + SCHEMAS.incrementAndGet();
    db.sql("CREATE SCHEMA " + schema);
    endpoint = db.endpoint("?currentSchema=" + schema);
    return PostgresStore.open(endpoint, java.time.Clock.fixed(T0, java.time.ZoneOffset.UTC));
  }

  @Override
  protected PlannerStore reopen() {
    store.close();
    return PostgresStore.open(endpoint);
  }

  @Test
  void twoPlannersOpeningAtOnceMigrateOnce() throws Exception {
    String schema = "race" + SCHEMAS.incrementAndGet();
    db.sql("CREATE SCHEMA " + schema);
    PostgresEndpoint e = db.endpoint("?currentSchema=" + schema);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Callable<PostgresStore> open = () -> PostgresStore.open(e);
      java.util.List<Future<PostgresStore>> opened = pool.invokeAll(java.util.List.of(open, open, open, open));
      for (Future<PostgresStore> f : opened) {
        f.get().close();
      }
    } finally {
      pool.shutdownNow();
    }
    try (PostgresStore s = PostgresStore.open(e)) {
      assertThat(s.currentTerm()).isZero();
    }
    db.sql("DO $$ BEGIN IF (SELECT count(*) FROM " + schema + ".vigil_schema_version) <> "
        + PostgresSchema.MIGRATIONS.size() + " THEN RAISE 'migrated more than once'; END IF; END $$");
  }

  @Test
  void aDeposedPlannersLateWriteIsRefusedByTheDatabase() throws Exception {
    long old = store.beginTerm("p1");
    store.recordIntent(intent("a-1", "k1", "db2", old, T0));
    try (PlannerStore other = PostgresStore.open(endpoint)) {
      long current = other.beginTerm("p2");
      assertThat(current).isGreaterThan(old);
    }
    assertThatThrownBy(() -> store.updateAction("a-1", ActionRecord.Status.SUCCEEDED, "late", old))
        .isInstanceOf(FencedOutException.class);
    assertThatThrownBy(() -> store.recordIntent(intent("a-2", "k2", "db2", old, T0)))
        .isInstanceOf(FencedOutException.class);
  }

  @Test
  void reconnectsAfterItsConnectionsWereKilled() throws Exception {
    store.append(event(T0, "db1", "pg", "before"));
    assertThat(db.terminate("vigil-store")).isPositive();
    assertThat(store.timeline(TimelineQuery.all())).extracting(TimelineEvent::what).containsExactly("before");
    store.append(event(T0, "db1", "pg", "after"));
    assertThat(store.timeline(TimelineQuery.all())).hasSize(2);
  }

  @Test
  void refusesAnUnreachableServerClearly_withoutThePassword() {
    PostgresEndpoint nowhere = new PostgresEndpoint("jdbc:postgresql://127.0.0.1:1/vigil", "vigil", "s3cret-pw");
    assertThatThrownBy(() -> PostgresStore.open(nowhere))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/vigil")
        .hasMessageContaining("cannot connect")
        .hasMessageNotContaining("s3cret-pw");
    assertThat(nowhere.toString()).doesNotContain("s3cret-pw");
  }
}
