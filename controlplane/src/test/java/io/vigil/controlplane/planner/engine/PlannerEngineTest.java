package io.vigil.controlplane.planner.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.config.YamlSection;
import io.vigil.controlplane.planner.engine.PlannerOperations.HoldRequest;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.Approval;
import io.vigil.controlplane.planner.store.PlannerStore;
import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineQuery;
import io.vigil.probes.CheckState;
import io.vigil.remediations.RemediationType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's decisions driven by hand with a fake clock and a fake action (pure logic): SOFT to
 * HARD, flapping, staleness, root-cause suppression and its grace, holds, budgets with backoff,
 * exhaustion and reset, blast-radius caps, each mode, refused preconditions, fencing.
 */
class PlannerEngineTest {

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(T0);
  private final FakeRemediation fix = new FakeRemediation();
  private String webFraction = "1.0";
  private PlannerStore store;
  private PlannerEngine engine;
  private ActionExecutor executor;

  private void start(String policies) throws Exception {
    String yaml = """
        vigil:
          node-name: test
          inventory:
            db1: {address: 127.0.0.1, cluster: c1}
            db2: {address: 127.0.0.2, cluster: c1}
            rabbit: {address: 127.0.0.3}
            worker1: {address: 127.0.0.4}
            web1: {address: 127.0.0.5}
            web2: {address: 127.0.0.6}
            web3: {address: 127.0.0.7}
          planner:
            health: {max_check_attempts: 3, ttl: 30s}
            root_cause_grace: 20s
            topology:
              "*/celery_queue": [rabbit/rabbitmq]
            tiers:
              web: {members: [web1, web2, web3], max_concurrent: 1, max_unhealthy_fraction: %s}
            remediations:
              fix: {type: fake}
            policies:
        """.formatted(webFraction) + policies.indent(6);
    Path file = dir.resolve("vigil.yml");
    Files.writeString(file, yaml);
    PlannerSettings settings = PlannerSettings.parse(YamlSection.load(file).section("vigil"),
        Map.<String, RemediationType>of("fake", FakeRemediation.type("fake", fix)));
    store = new MemoryStore();
    PlannerMetrics metrics = new PlannerMetrics(new PrometheusRegistry());
    engine = new PlannerEngine(settings, store, clock, metrics);
    executor = new ActionExecutor(engine, clock, metrics, Duration.ofMillis(20), Duration.ofMillis(10));
    engine.elected(store.beginTerm("test"));
  }

  @AfterEach
  void stop() {
    if (executor != null) {
      executor.close();
      engine.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private static final String AUTO = """
      - name: reattach
        check: pgpool_node
        on: [CRITICAL]
        action: fix
        mode: auto
        budget: {attempts: 2, window: 1h, backoff: 10s, reset_after_healthy: 1m}
        verify_deadline: 2s
      """;

  private void result(String host, String check, CheckState state) {
    clock.advance(Duration.ofSeconds(1));
    engine.ingest(host, check, state, state + " from test", clock.instant(), "agent:test");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 5 s");
      }
      Thread.sleep(10);
    }
  }

  private List<String> timelineWhat() {
    return engine.timeline(TimelineQuery.all()).stream().map(e -> e.kind() + " " + e.what()).toList();
  }

  private List<ActionRecord> actions() {
    return store.actions(TimelineQuery.all());
  }

  @Test
  void softProblemsWaitAndTheHardOneIsFixedAndVerified() throws Exception {
    start(AUTO);
    result("db2", "pgpool_node", CheckState.CRITICAL);
    result("db2", "pgpool_node", CheckState.CRITICAL);
    assertThat(fix.executed).isEmpty();
    result("db2", "pgpool_node", CheckState.CRITICAL);
    await(() -> fix.executed.size() == 1);
    result("db2", "pgpool_node", CheckState.OK);
    await(() -> actions().size() == 1 && actions().get(0).status() == ActionRecord.Status.SUCCEEDED);
    assertThat(timelineWhat()).anyMatch(w -> w.startsWith("ACTION intent fix on db2"))
        .anyMatch(w -> w.startsWith("VERIFICATION verified: db2/pgpool_node healthy"));
    assertThat(fix.executed).containsExactly("db2");
  }

  @Test
  void aResultFromBeforeTheActionNeverTriggersASecondOne() throws Exception {
    start(AUTO.replace("backoff: 10s", "backoff: 1ms"));
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
    }
    await(() -> fix.executed.size() == 1);
    // the verification times out; a result no newer than the action's end never triggers another
    await(() -> !actions().isEmpty() && actions().get(0).status().isFinal());
    engine.ingest("db2", "pgpool_node", CheckState.CRITICAL, "late", clock.instant(), "agent:test");
    engine.tick();
    Thread.sleep(100);
    assertThat(fix.executed).hasSize(1);
    result("db2", "pgpool_node", CheckState.CRITICAL); // a fresh result: still broken, act again
    await(() -> fix.executed.size() == 2);
  }

  @Test
  void staleChecksTurnUnknownAndAreNeverActedOn() throws Exception {
    start(AUTO.replace("on: [CRITICAL]", "on: [CRITICAL, UNKNOWN]"));
    result("db2", "pgpool_node", CheckState.OK);
    clock.advance(Duration.ofSeconds(31));
    engine.tick();
    assertThat(engine.states("db2").get(0).stale()).isTrue();
    assertThat(engine.states("db2").get(0).state()).isEqualTo("UNKNOWN");
    engine.tick();
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
    assertThat(timelineWhat()).anyMatch(w -> w.contains("UNKNOWN (stale)"));
  }

  @Test
  void flappingIsNotActionable() throws Exception {
    start(AUTO.replace("backoff: 10s", "backoff: 1ms").replace("attempts: 2", "attempts: 50"));
    // max_check_attempts 1 would act at once; with 3, alternating results never reach HARD anyway,
    // so drive it HARD first, then flap
    for (int i = 0; i < 3; i++) {
      result("db1", "pgpool_node", CheckState.OK);
    }
    for (int i = 0; i < 12; i++) {
      result("db1", "pgpool_node", i % 2 == 0 ? CheckState.CRITICAL : CheckState.OK);
    }
    assertThat(engine.states("db1").get(0).flapping()).isTrue();
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
  }

  @Test
  void aFailingParentSuppressesTheChildAndRecoveryGivesItAGracePeriod() throws Exception {
    start("""
        - name: restart-worker
          check: celery_queue
          action: fix
          mode: auto
        """);
    for (int i = 0; i < 3; i++) {
      result("rabbit", "rabbitmq", CheckState.CRITICAL);
      result("worker1", "celery_queue", CheckState.CRITICAL);
    }
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
    assertThat(engine.states("worker1").get(0).suppressedBy()).isEqualTo("rabbit/rabbitmq");
    assertThat(timelineWhat()).anyMatch(w -> w.startsWith("DECISION suppressed by root cause"));
    result("rabbit", "rabbitmq", CheckState.OK);
    result("worker1", "celery_queue", CheckState.CRITICAL);
    Thread.sleep(50);
    assertThat(fix.executed).as("within the grace period").isEmpty();
    result("worker1", "celery_queue", CheckState.OK);
    clock.advance(Duration.ofSeconds(30));
    engine.tick();
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
  }

  @Test
  void aHoldBlocksActionsUntilItEnds() throws Exception {
    start(AUTO);
    engine.createHold(new HoldRequest("maint-1", "db2", null, null, null, Duration.ofMinutes(10), "kernel upgrade"),
        "alice");
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
    }
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
    assertThat(timelineWhat()).anyMatch(w -> w.startsWith("DECISION blocked by hold"));
    assertThat(engine.states("db2").get(0).state()).as("checks keep flowing").isEqualTo("CRITICAL");
    engine.endHold("maint-1", "alice");
    await(() -> fix.executed.size() == 1);
  }

  @Test
  void aFailingActionStopsAtTheBudgetEscalatesOnceAndResetsAfterAHealthyPeriod() throws Exception {
    start(AUTO);
    fix.fail.set(true);
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
    }
    await(() -> fix.executed.size() == 1);
    await(() -> actions().size() == 1 && actions().get(0).status() == ActionRecord.Status.FAILED);
    result("db2", "pgpool_node", CheckState.CRITICAL);
    Thread.sleep(50);
    assertThat(fix.executed).as("backoff of 10 s").hasSize(1);
    clock.advance(Duration.ofSeconds(10));
    result("db2", "pgpool_node", CheckState.CRITICAL);
    await(() -> fix.executed.size() == 2);
    await(() -> actions().size() == 2 && actions().get(0).status().isFinal());
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofMinutes(1));
      result("db2", "pgpool_node", CheckState.CRITICAL);
      engine.tick();
    }
    Thread.sleep(50);
    assertThat(fix.executed).as("budget of 2").hasSize(2);
    assertThat(timelineWhat().stream().filter(w -> w.startsWith("ESCALATION escalation:"))).hasSize(1);
    // healthy for the reset period: the budget is fresh again
    fix.fail.set(false);
    result("db2", "pgpool_node", CheckState.OK);
    clock.advance(Duration.ofMinutes(2));
    result("db2", "pgpool_node", CheckState.OK);
    assertThat(timelineWhat()).anyMatch(w -> w.startsWith("ESCALATION escalation cleared"));
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
    }
    await(() -> fix.executed.size() == 3);
  }

  @Test
  void aRefusedPreconditionCostsNoAttemptAndSaysWhy() throws Exception {
    start(AUTO.replace("budget: {attempts: 2", "recheck: 5s\n  budget: {attempts: 2"));
    fix.refuse.set(true);
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
    }
    await(() -> timelineWhat().stream().anyMatch(w -> w.startsWith("ALERT fix on db2 refused")));
    assertThat(actions()).isEmpty();
    assertThat(fix.executed).isEmpty();
    fix.refuse.set(false);
    clock.advance(Duration.ofSeconds(6));
    result("db2", "pgpool_node", CheckState.CRITICAL);
    await(() -> fix.executed.size() == 1);
  }

  @Test
  void blastRadiusAllowsOneWebHeadAtATime() throws Exception {
    start("""
        - name: restart-web
          check: heartbeat
          action: fix
          mode: auto
          tier: web
          verify_deadline: 2s
        """);
    for (int i = 0; i < 3; i++) {
      result("web1", "heartbeat", CheckState.CRITICAL);
      result("web2", "heartbeat", CheckState.CRITICAL);
    }
    await(() -> fix.executed.size() == 1);
    Thread.sleep(100);
    assertThat(fix.executed).hasSize(1);
    assertThat(timelineWhat()).anyMatch(w -> w.startsWith("DECISION blast radius"));
  }

  @Test
  void blastRadiusNeverTakesMoreThanTheFractionOfATierDown() throws Exception {
    webFraction = "0.5";
    start("""
        - name: restart-web
          check: heartbeat
          action: fix
          mode: auto
          tier: web
        """);
    for (int i = 0; i < 3; i++) {
      result("web2", "heartbeat", CheckState.CRITICAL);
      result("web1", "heartbeat", CheckState.CRITICAL);
    }
    Thread.sleep(100);
    // restarting either would leave 2 of 3 web heads down or in repair: over half the tier
    assertThat(fix.executed).isEmpty();
    assertThat(engine.timeline(TimelineQuery.all())).anyMatch(e -> e.why().contains("2 of 3 members of tier web"));
  }

  @Test
  void observeAndDryRunRecordOnlyAndDryRunShowsTheCommand() throws Exception {
    start("""
        - name: watch
          check: pgpool_node
          action: fix
          mode: observe
        - name: rehearse
          check: heartbeat
          action: fix
          mode: dry-run
        """);
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
      result("web1", "heartbeat", CheckState.CRITICAL);
    }
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
    List<TimelineEvent> t = engine.timeline(TimelineQuery.all());
    assertThat(t).anyMatch(e -> e.what().startsWith("observe (watch)"));
    assertThat(t).anyMatch(e -> e.what().startsWith("dry run (rehearse)") && e.why().contains("fix web1"));
  }

  /** An approve-mode policy and a HARD problem: the approval request it waits on. */
  private Approval aPendingApproval() throws Exception {
    start(AUTO.replace("mode: auto", "mode: approve"));
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
    }
    await(() -> !engine.approvals().isEmpty());
    return engine.approvals().get(0);
  }

  @Test
  void approveModeWaitsForAnOperator() throws Exception {
    Approval pending = aPendingApproval();
    assertThat(pending.status()).isEqualTo(Approval.Status.PENDING);
    assertThat(pending.command()).isEqualTo("fix db2");
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
    engine.decideApproval(pending.id(), true, "alice", "go");
    await(() -> fix.executed.size() == 1);
  }

  @Test
  void anApprovalGivenThroughAnotherPlannerIsUsedAtTheNextTick() throws Exception {
    Approval pending = aPendingApproval();
    // what a follower's API writes: the shared store changes, this engine is not told
    store.putApproval(pending.decide(Approval.Status.APPROVED, "bob", clock.instant(), "via planner 2"));
    result("db2", "pgpool_node", CheckState.CRITICAL);
    Thread.sleep(50);
    assertThat(fix.executed).as("decisions read approvals from memory, not the store").isEmpty();
    engine.tick();
    await(() -> fix.executed.size() == 1);
  }

  private static final String EVENTS = """
      - name: restart-on-deploy
        event: deployed
        action: fix
        mode: auto
        verify_deadline: 1s
      - name: flush-after-load
        event: batch_loaded
        action: fix
        mode: auto
        targets: [web1, web2, web3]
        verify_deadline: 1s
      """;

  @Test
  void anEventActsOnItsOwnHostOrOnItsTargetsInTurnEachHeldOnItsOwn() throws Exception {
    start(EVENTS);
    engine.createHold(new HoldRequest("maint-web2", "web2", null, null, null, Duration.ofMinutes(10), "disk swap"),
        "alice");
    engine.event("worker1", "deployed", Map.of(), "ci");
    await(() -> fix.executed.contains("worker1"));
    engine.event("db1", "batch_loaded", Map.of("batch", "42"), "loader");
    await(() -> fix.executed.size() == 3);
    assertThat(fix.executed).containsExactly("worker1", "web1", "web3");
    await(() -> actions().stream().filter(a -> a.status() == ActionRecord.Status.SUCCEEDED).count() == 3);
    List<TimelineEvent> t = engine.timeline(TimelineQuery.all());
    assertThat(t).anyMatch(e -> e.what().equals("held (flush-after-load)") && e.host().equals("web2")
        && e.why().contains("maint-web2"));
  }

  @Test
  void anEventInDryRunRendersEveryTargetAndRunsNothing() throws Exception {
    start(EVENTS.replace("mode: auto", "mode: dry-run"));
    engine.event("db1", "batch_loaded", Map.of(), "loader");
    engine.event("worker1", "deployed", Map.of(), "ci");
    Thread.sleep(50);
    assertThat(fix.executed).isEmpty();
    List<TimelineEvent> t = engine.timeline(TimelineQuery.all());
    for (String host : List.of("web1", "web2", "web3")) {
      assertThat(t).anyMatch(e -> e.what().equals("dry run (flush-after-load)") && e.host().equals(host)
          && e.why().equals("would run fix " + host + " after event batch_loaded on db1"));
    }
    assertThat(t).anyMatch(e -> e.what().equals("dry run (restart-on-deploy)")
        && e.why().equals("would run fix worker1 after event deployed on worker1"));
  }

  @Test
  void aDeposedLeadersLateWriteIsFenced() throws Exception {
    start(AUTO);
    store.beginTerm("other"); // another planner became leader
    for (int i = 0; i < 3; i++) {
      result("db2", "pgpool_node", CheckState.CRITICAL);
    }
    await(() -> !engine.isLeader());
    assertThat(fix.executed).isEmpty();
    assertThat(actions()).isEmpty();
  }
}
