package io.vigil.controlplane.planner.policy;

import static io.vigil.probes.CheckState.CRITICAL;
import static io.vigil.probes.CheckState.OK;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.planner.health.CheckHealth;
import io.vigil.controlplane.planner.health.HealthRules;
import io.vigil.controlplane.planner.health.Topology;
import io.vigil.controlplane.planner.policy.Decision.Outcome;
import io.vigil.controlplane.planner.policy.Planner.ActionKey;
import io.vigil.probes.CheckState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlannerTest {

  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final HealthRules RULES = new HealthRules(3, 5, 20, Duration.ofSeconds(30));

  private final Map<String, CheckHealth> health = new HashMap<>();
  private final Map<String, List<String>> dependsOn = new HashMap<>();
  private final List<Hold> holds = new java.util.ArrayList<>();
  private final Map<ActionKey, RemediationBudget> budgets = new HashMap<>();
  private final Set<ActionKey> inFlight = new HashSet<>();
  private final Set<ActionKey> approved = new HashSet<>();
  private final Map<String, BlastRadius> tiers = new HashMap<>();
  private final Map<String, Set<String>> tierMembers = new HashMap<>();
  private Policy.Mode mode = Policy.Mode.AUTO;

  private static CheckHealth after(CheckState... results) {
    CheckHealth h = CheckHealth.unseen();
    Instant at = NOW.minusSeconds(results.length);
    for (CheckState r : results) {
      h = h.observe(r, at, RULES).after();
      at = at.plusSeconds(1);
    }
    return h;
  }

  private static CheckHealth hardCritical() {
    return after(OK, CRITICAL, CRITICAL, CRITICAL);
  }

  private Policy restartWorkers() {
    return new Policy("restart-celery", "celery", Set.of(CRITICAL), "celery_restart", mode, "workers",
        BudgetRules.DEFAULT, Duration.ofMinutes(10));
  }

  private List<Decision> decide(Policy... policies) {
    return Planner.decide(new Planner.Input(NOW, health, Map.of("w1", Set.of("pdf-worker"), "w2", Set.of("pdf-worker")),
        Map.of(), Topology.of(dependsOn), List.of(policies), holds, budgets, inFlight, approved, tiers, tierMembers));
  }

  private Decision only(Policy policy) {
    List<Decision> d = decide(policy);
    assertThat(d).hasSize(1);
    return d.get(0);
  }

  @Test
  void aHardProblemWithBudgetAndNoHold_isActedOn() {
    health.put("w1/celery", hardCritical());
    Decision d = only(restartWorkers());
    assertThat(d.outcome()).isEqualTo(Outcome.ACT);
    assertThat(d).extracting(Decision::action, Decision::target).containsExactly("celery_restart", "w1");
  }

  @Test
  void aSoftProblem_isNotActedOn_yet() {
    health.put("w1/celery", after(OK, CRITICAL));
    assertThat(only(restartWorkers())).extracting(Decision::outcome, Decision::why)
        .containsExactly(Outcome.NOT_ACTIONABLE, "SOFT CRITICAL, attempt 1");
  }

  @Test
  void workersAreNotRestarted_whenTheBrokerIsTheRootCause() {
    health.put("w1/celery", hardCritical());
    health.put("mq1/queues", hardCritical());
    dependsOn.put("w1/celery", List.of("mq1/queues"));
    assertThat(only(restartWorkers())).extracting(Decision::outcome, Decision::why)
        .containsExactly(Outcome.SUPPRESSED_BY_ROOT_CAUSE, "caused by mq1/queues");
  }

  @Test
  void aHoldBlocksTheAction_andSaysWhichHold() {
    health.put("w1/celery", hardCritical());
    holds.add(new Hold("m1", "w1", null, null, null, NOW.plusSeconds(600), "patching", "bob"));
    assertThat(only(restartWorkers())).extracting(Decision::outcome, Decision::why)
        .containsExactly(Outcome.BLOCKED_BY_HOLD, "blocked by hold m1 on host w1 until 2026-11-22T10:10:00Z by bob: patching");
    holds.clear();
    holds.add(new Hold("m2", "w1", null, null, null, NOW, "ended", null));
    assertThat(only(restartWorkers()).outcome()).as("an expired hold").isEqualTo(Outcome.ACT);
  }

  @Test
  void anExhaustedBudget_escalatesInsteadOfActing_andABackoffWaits() {
    health.put("w1/celery", hardCritical());
    ActionKey key = new ActionKey("celery_restart", "w1");
    budgets.put(key, RemediationBudget.fresh().attempted(NOW.minusSeconds(5), BudgetRules.DEFAULT));
    assertThat(only(restartWorkers()).outcome()).isEqualTo(Outcome.BACKOFF);

    RemediationBudget spent = RemediationBudget.fresh();
    for (int i = 3; i > 0; i--) {
      spent = spent.attempted(NOW.minus(Duration.ofMinutes(i * 10)), BudgetRules.DEFAULT);
    }
    budgets.put(key, spent);
    Decision d = only(restartWorkers());
    assertThat(d.outcome()).isEqualTo(Outcome.BUDGET_EXHAUSTED);
    assertThat(d.why()).startsWith("budget exhausted: 3 attempts within PT1H; escalating");
  }

  @Test
  void theSameActionAlreadyRunning_isNotStartedTwice() {
    health.put("w1/celery", hardCritical());
    inFlight.add(new ActionKey("celery_restart", "w1"));
    assertThat(only(restartWorkers()).outcome()).isEqualTo(Outcome.IN_PROGRESS);
  }

  @Test
  void atMostOneOfTheTierIsRepairedAtOnce_evenWithinOneRound() {
    health.put("w1/celery", hardCritical());
    health.put("w2/celery", hardCritical());
    tierMembers.put("workers", Set.of("w1", "w2", "w3", "w4"));
    List<Decision> d = decide(restartWorkers());
    assertThat(d).extracting(Decision::outcome).containsExactlyInAnyOrder(Outcome.ACT, Outcome.BLAST_RADIUS);
    assertThat(d).filteredOn(x -> x.outcome() == Outcome.BLAST_RADIUS).singleElement()
        .extracting(Decision::why).asString().contains("already has 1 action(s) under way (max 1)");
  }

  @Test
  void neverRepairMoreThanTheAllowedFractionOfATier_countingLiveFailures() {
    tiers.put("workers", new BlastRadius(5, 0.5, false));
    tierMembers.put("workers", Set.of("w1", "w2", "w3"));
    health.put("w1/celery", hardCritical());
    health.put("w2/celery", hardCritical());
    List<Decision> d = decide(restartWorkers());
    // acting on one leaves 2 of 3 (67%) impaired: over the 50% cap
    assertThat(d).extracting(Decision::outcome).containsOnly(Outcome.BLAST_RADIUS);
    assertThat(d.get(0).why()).contains("would leave 2 of 3 members of tier workers down or in repair (max 50%)");
  }

  @Test
  void anExclusiveTier_neverActsOnThePrimaryAndAReplicaTogether() {
    tiers.put("pg", new BlastRadius(2, 1.0, true));
    tierMembers.put("pg", Set.of("db1", "db2"));
    health.put("db2/pg_replication", hardCritical());
    inFlight.add(new ActionKey("pg_resume_replay", "db1"));
    Policy resume = new Policy("resume", "pg_replication", Set.of(CRITICAL), "pg_resume_replay", Policy.Mode.AUTO, "pg",
        BudgetRules.DEFAULT, Duration.ofMinutes(5));
    assertThat(only(resume)).extracting(Decision::outcome, Decision::why)
        .containsExactly(Outcome.BLAST_RADIUS, "tier pg is exclusive and pg_resume_replay on db1 is under way");
  }

  @Test
  void eachModeDoesOnlyWhatItAllows() {
    health.put("w1/celery", hardCritical());
    mode = Policy.Mode.OBSERVE;
    assertThat(only(restartWorkers()).outcome()).isEqualTo(Outcome.OBSERVE);
    mode = Policy.Mode.DRY_RUN;
    assertThat(only(restartWorkers()).outcome()).isEqualTo(Outcome.DRY_RUN);
    mode = Policy.Mode.APPROVE;
    assertThat(only(restartWorkers()).outcome()).isEqualTo(Outcome.AWAITING_APPROVAL);
    approved.add(new ActionKey("celery_restart", "w1"));
    assertThat(only(restartWorkers())).extracting(Decision::outcome, Decision::why)
        .containsExactly(Outcome.ACT, "approved by an operator");
  }

  @Test
  void okChecks_andChecksWithoutAPolicy_produceNoDecision() {
    health.put("w1/celery", after(OK, OK));
    health.put("w1/disk_root", hardCritical());
    assertThat(decide(restartWorkers())).isEmpty();
  }
}
