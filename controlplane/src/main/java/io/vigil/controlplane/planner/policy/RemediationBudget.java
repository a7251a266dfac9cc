package io.vigil.controlplane.planner.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The attempts of one action on one target, as an immutable value: whether another attempt is
 * allowed now, and if not, why and until when. Time comes in as an argument, so tests advance a
 * clock instead of sleeping.
 *
 * <p>Once exhausted, the budget stays exhausted (no further attempts, an escalation instead) until
 * the target has been healthy for {@code resetAfterHealthy}: never on a timer alone, so a target
 * that keeps failing is never retried in a loop.
 */
public record RemediationBudget(List<Instant> attempts, boolean exhausted, Instant healthySince) {

  /** What the budget says about acting now. */
  public sealed interface Verdict {
  }

  /** Another attempt is allowed; {@code remaining} includes this one. */
  public record Allowed(int remaining) implements Verdict {
  }

  /** Wait: the backoff after the last attempt runs until {@code until}. */
  public record Backoff(Instant until, int attemptsSoFar) implements Verdict {
  }

  /** No more attempts until the target has been healthy long enough. */
  public record Exhausted(int attempts, Duration window) implements Verdict {
  }

  public RemediationBudget {
    attempts = List.copyOf(attempts);
  }

  public static RemediationBudget fresh() {
    return new RemediationBudget(List.of(), false, null);
  }

  public Verdict check(Instant now, BudgetRules rules) {
    if (exhausted) {
      return new Exhausted(attempts.size(), rules.window());
    }
    List<Instant> recent = recent(now, rules);
    if (recent.size() >= rules.maxAttempts()) {
      return new Exhausted(recent.size(), rules.window());
    }
    if (!recent.isEmpty()) {
      Instant until = recent.get(recent.size() - 1).plus(rules.backoffAfter(recent.size()));
      if (now.isBefore(until)) {
        return new Backoff(until, recent.size());
      }
    }
    return new Allowed(rules.maxAttempts() - recent.size());
  }

  /** After an attempt; exhausts the budget when it was the last one allowed. */
  public RemediationBudget attempted(Instant at, BudgetRules rules) {
    List<Instant> next = new ArrayList<>(recent(at, rules));
    next.add(at);
    // an attempt breaks any healthy period: the target needed fixing again
    return new RemediationBudget(next, next.size() >= rules.maxAttempts(), null);
  }

  /**
   * After a verified-healthy observation of the target: the first one starts the healthy period,
   * and once it lasts {@code resetAfterHealthy} the budget is fresh again.
   */
  public RemediationBudget healthy(Instant at, BudgetRules rules) {
    Instant since = healthySince == null ? at : healthySince;
    if (Duration.between(since, at).compareTo(rules.resetAfterHealthy()) >= 0) {
      return fresh();
    }
    return new RemediationBudget(attempts, exhausted, since);
  }

  /** After an unhealthy observation: the healthy period, if any, is broken. */
  public RemediationBudget unhealthy() {
    return healthySince == null ? this : new RemediationBudget(attempts, exhausted, null);
  }

  private List<Instant> recent(Instant now, BudgetRules rules) {
    Instant from = now.minus(rules.window());
    return attempts.stream().filter(a -> a.isAfter(from)).toList();
  }
}
