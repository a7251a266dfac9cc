package io.vigil.controlplane.planner.policy;

import io.vigil.controlplane.planner.health.CheckHealth;
import io.vigil.controlplane.planner.health.Topology;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The planner's decision function: pure, over a snapshot of everything it needs, so every rule is
 * tested without a network or a clock. For each check with a problem that a policy covers, it
 * decides in this order: is it a confirmed problem; is a failing ancestor the root cause; is it
 * held; is the same action already running; does the budget allow it; does the tier's blast radius;
 * and finally what the policy's mode allows.
 */
public final class Planner {

  /** Everything one decision round looks at. Keys of {@code health} are {@code host/check}. */
  public record Input(Instant now, Map<String, CheckHealth> health, Map<String, Set<String>> hostRoles,
      Map<String, String> hostCluster, Topology topology, List<Policy> policies, Collection<Hold> holds,
      Map<ActionKey, RemediationBudget> budgets, Set<ActionKey> inFlight, Set<ActionKey> approved,
      Map<String, BlastRadius> tiers, Map<String, Set<String>> tierMembers) {
  }

  /** One action on one target host. */
  public record ActionKey(String action, String target) {
  }

  private Planner() {
  }

  public static List<Decision> decide(Input in) {
    return decide(in, in.health().keySet());
  }

  /**
   * Decides only about {@code checks} (keys of {@code in.health()}), looking at everything else for
   * root causes, holds and blast radius: what the engine calls for the checks a new result touched.
   */
  public static List<Decision> decide(Input in, java.util.Collection<String> checks) {
    List<Decision> decisions = new ArrayList<>();
    Predicate<String> failing = node -> {
      CheckHealth h = in.health().get(node);
      return h != null && h.state() != io.vigil.probes.CheckState.OK && !h.stale();
    };
    List<ActionKey> actingThisRound = new ArrayList<>();
    for (String check : checks) {
      CheckHealth health = in.health().get(check);
      if (health == null) {
        continue;
      }
      String host = check.substring(0, check.indexOf('/'));
      String probe = check.substring(check.indexOf('/') + 1);
      for (Policy policy : in.policies()) {
        if (!policy.check().equals(probe) || !policy.on().contains(health.state())) {
          continue;
        }
        decisions.add(decideOne(in, check, host, health, policy, failing, actingThisRound));
      }
    }
    return decisions;
  }

  private static Decision decideOne(Input in, String check, String host, CheckHealth health, Policy policy,
      Predicate<String> failing, List<ActionKey> actingThisRound) {
    ActionKey key = new ActionKey(policy.action(), host);
    if (!health.actionable()) {
      String why = health.stale() ? "stale: no fresh result" : health.flapping()
          ? String.format(java.util.Locale.ROOT, "flapping (%.1f%% state change)", health.percentStateChange())
          : "SOFT " + health.state() + ", attempt " + health.attempt();
      return decision(check, Decision.Outcome.NOT_ACTIONABLE, policy, host, why);
    }
    List<String> roots = in.topology().rootCauses(check, failing);
    if (!roots.isEmpty()) {
      return decision(check, Decision.Outcome.SUPPRESSED_BY_ROOT_CAUSE, policy, host,
          "caused by " + String.join(", ", roots));
    }
    Hold.Target target = new Hold.Target(host, in.hostRoles().getOrDefault(host, Set.of()),
        in.hostCluster().get(host), policy.action());
    var hold = Hold.blocking(in.holds(), target, in.now());
    if (hold.isPresent()) {
      return decision(check, Decision.Outcome.BLOCKED_BY_HOLD, policy, host, "blocked by " + hold.get().describe());
    }
    if (in.inFlight().contains(key)) {
      return decision(check, Decision.Outcome.IN_PROGRESS, policy, host, policy.action() + " on " + host + " is running");
    }
    RemediationBudget budget = in.budgets().getOrDefault(key, RemediationBudget.fresh());
    RemediationBudget.Verdict verdict = budget.check(in.now(), policy.budget());
    if (verdict instanceof RemediationBudget.Exhausted e) {
      return decision(check, Decision.Outcome.BUDGET_EXHAUSTED, policy, host, "budget exhausted: " + e.attempts()
          + " attempts within " + e.window() + "; escalating, no further attempt until healthy for "
          + policy.budget().resetAfterHealthy());
    }
    if (verdict instanceof RemediationBudget.Backoff b) {
      return decision(check, Decision.Outcome.BACKOFF, policy, host, "backing off after attempt " + b.attemptsSoFar()
          + " until " + b.until());
    }
    String capped = blastRadius(in, policy, host, key, actingThisRound, failing);
    if (capped != null) {
      return decision(check, Decision.Outcome.BLAST_RADIUS, policy, host, capped);
    }
    Decision byMode = switch (policy.mode()) {
      case OBSERVE -> decision(check, Decision.Outcome.OBSERVE, policy, host, "observe mode: would run " + policy.action());
      case DRY_RUN -> decision(check, Decision.Outcome.DRY_RUN, policy, host, "dry-run: would run " + policy.action());
      case APPROVE -> in.approved().contains(key)
          ? decision(check, Decision.Outcome.ACT, policy, host, "approved by an operator")
          : decision(check, Decision.Outcome.AWAITING_APPROVAL, policy, host, "waiting for approval");
      case AUTO -> decision(check, Decision.Outcome.ACT, policy, host, health.state() + " HARD on " + check);
    };
    if (byMode.outcome() == Decision.Outcome.ACT) {
      actingThisRound.add(key);
    }
    return byMode;
  }

  /** The reason acting would exceed the tier's caps, or null. */
  private static String blastRadius(Input in, Policy policy, String host, ActionKey key, List<ActionKey> actingThisRound,
      Predicate<String> failing) {
    if (policy.tier() == null) {
      return null;
    }
    BlastRadius caps = in.tiers().getOrDefault(policy.tier(), BlastRadius.DEFAULT);
    Set<String> members = in.tierMembers().getOrDefault(policy.tier(), Set.of(host));
    List<ActionKey> active = new ArrayList<>();
    for (ActionKey k : in.inFlight()) {
      if (members.contains(k.target())) {
        active.add(k);
      }
    }
    for (ActionKey k : actingThisRound) {
      if (members.contains(k.target())) {
        active.add(k);
      }
    }
    if (caps.exclusive() && !active.isEmpty()) {
      return "tier " + policy.tier() + " is exclusive and " + active.get(0).action() + " on " + active.get(0).target()
          + " is under way";
    }
    if (active.size() >= caps.maxConcurrent()) {
      return "tier " + policy.tier() + " already has " + active.size() + " action(s) under way (max "
          + caps.maxConcurrent() + ")";
    }
    // live health: members failing now or under repair (each counted once), plus this one
    Set<String> impaired = new java.util.HashSet<>();
    for (String m : members) {
      if (!m.equals(host) && in.health().keySet().stream().anyMatch(c -> c.startsWith(m + "/") && failing.test(c))) {
        impaired.add(m);
      }
    }
    active.stream().map(ActionKey::target).filter(t -> !t.equals(host)).forEach(impaired::add);
    long down = impaired.size();
    double fraction = (down + 1.0) / members.size();
    if (members.size() > 1 && fraction > caps.maxUnhealthyFraction()) {
      return String.format(java.util.Locale.ROOT, "acting on %s would leave %d of %d members of tier %s down or in repair"
          + " (max %.0f%%)", host, down + 1, members.size(), policy.tier(), caps.maxUnhealthyFraction() * 100);
    }
    return null;
  }

  private static Decision decision(String check, Decision.Outcome outcome, Policy policy, String host, String why) {
    return new Decision(check, outcome, policy.name(), policy.action(), host, why);
  }
}
