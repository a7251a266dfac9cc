package io.vigil.controlplane.planner.health;

import io.vigil.probes.CheckState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The health of one (host, check), as Nagios defines it, as an immutable value with a pure
 * transition function: {@link #observe} for a new result, {@link #expire} for the passing of time.
 *
 * <ul>
 *   <li>SOFT and HARD: a non-OK result starts a SOFT state at attempt 1; each further non-OK result
 *       counts up, and at {@code max_check_attempts} the state is HARD. Only HARD problems are acted on.
 *   <li>Recovery: from HARD it is a hard recovery; from SOFT a soft one, made HARD by the next OK.
 *   <li>Flapping: the last 21 states, weighted from 0.75 (oldest change) to 1.25 (newest), as
 *       nagios-core's flapping.c computes the percent state change; flapping starts at or over the
 *       high threshold and stops under the low one. A flapping check is not acted on.
 *   <li>Staleness: no result within the TTL makes the check UNKNOWN and stale; never acted on.
 * </ul>
 */
public record CheckHealth(CheckState state, StateType type, int attempt, List<CheckState> history,
    double percentStateChange, boolean flapping, boolean stale, Instant lastResultAt, Instant lastStateChange) {

  /** SOFT (still being confirmed) or HARD (confirmed). */
  public enum StateType { SOFT, HARD }

  /** What a transition did, for the timeline. */
  public enum Event { SOFT_PROBLEM, HARD_PROBLEM, SOFT_RECOVERY, HARD_RECOVERY, STATE_CHANGE, FLAP_START, FLAP_STOP, STALE }

  /** A transition: the state before, after, and what happened. */
  public record Transition(CheckHealth before, CheckHealth after, Set<Event> events) {
  }

  static final int HISTORY = 21; // nagios MAX_STATE_HISTORY_ENTRIES
  private static final double LOW_CURVE = 0.75;
  private static final double HIGH_CURVE = 1.25;

  public CheckHealth {
    history = List.copyOf(history);
  }

  /** A check with no result yet: UNKNOWN, not acted on. */
  public static CheckHealth unseen() {
    return new CheckHealth(CheckState.UNKNOWN, StateType.SOFT, 0, List.of(), 0, false, true, null, null);
  }

  /** True when this is a confirmed problem that a policy may act on. */
  public boolean actionable() {
    return state != CheckState.OK && type == StateType.HARD && !flapping && !stale;
  }

  public Transition observe(CheckState observed, Instant at, HealthRules rules) {
    if (lastResultAt != null && at.isBefore(lastResultAt)) {
      return new Transition(this, this, EnumSet.noneOf(Event.class)); // an out-of-order result changes nothing
    }
    Set<Event> events = EnumSet.noneOf(Event.class);
    boolean wasProblem = attempt > 0 && state != CheckState.OK && !stale;
    StateType nextType;
    int nextAttempt;
    if (observed == CheckState.OK) {
      nextAttempt = 1;
      if (wasProblem) {
        nextType = type;
        events.add(type == StateType.HARD ? Event.HARD_RECOVERY : Event.SOFT_RECOVERY);
      } else {
        nextType = StateType.HARD; // OK after OK (or after a soft recovery, or from unseen) is hard
      }
    } else if (!wasProblem) {
      nextAttempt = 1;
      nextType = rules.maxCheckAttempts() == 1 ? StateType.HARD : StateType.SOFT;
      events.add(nextType == StateType.HARD ? Event.HARD_PROBLEM : Event.SOFT_PROBLEM);
    } else if (type == StateType.HARD) {
      nextAttempt = attempt;
      nextType = StateType.HARD;
      if (observed != state) {
        events.add(Event.STATE_CHANGE);
      }
    } else {
      nextAttempt = Math.min(attempt + 1, rules.maxCheckAttempts());
      nextType = nextAttempt >= rules.maxCheckAttempts() ? StateType.HARD : StateType.SOFT;
      events.add(nextType == StateType.HARD ? Event.HARD_PROBLEM : Event.SOFT_PROBLEM);
    }
    List<CheckState> nextHistory = new ArrayList<>(history);
    if (nextHistory.isEmpty()) {
      // nagios fills the history with the first state, so a new check does not start out flapping
      for (int i = 0; i < HISTORY - 1; i++) {
        nextHistory.add(observed);
      }
    }
    nextHistory.add(observed);
    while (nextHistory.size() > HISTORY) {
      nextHistory.remove(0);
    }
    double change = percentStateChange(nextHistory);
    boolean nextFlapping = flapping ? change >= rules.flapLow() : change >= rules.flapHigh();
    if (nextFlapping != flapping) {
      events.add(nextFlapping ? Event.FLAP_START : Event.FLAP_STOP);
    }
    Instant changed = observed != state || lastStateChange == null ? at : lastStateChange;
    return new Transition(this, new CheckHealth(observed, nextType, nextAttempt, nextHistory, change, nextFlapping,
        false, at, changed), events);
  }

  /** With no result within the TTL, the check is stale: UNKNOWN, and not acted on until a fresh result. */
  public Transition expire(Instant now, HealthRules rules) {
    if (stale || lastResultAt == null || Duration.between(lastResultAt, now).compareTo(rules.ttl()) <= 0) {
      return new Transition(this, this, EnumSet.noneOf(Event.class));
    }
    CheckHealth after = new CheckHealth(CheckState.UNKNOWN, type, attempt, history, percentStateChange, flapping, true,
        lastResultAt, now);
    return new Transition(this, after, EnumSet.of(Event.STALE));
  }

  /** nagios-core flapping.c: weighted changes over the history, as a percentage. */
  static double percentStateChange(List<CheckState> history) {
    double changes = 0;
    for (int x = 1; x < history.size(); x++) {
      if (history.get(x) != history.get(x - 1)) {
        changes += ((x - 1) * (HIGH_CURVE - LOW_CURVE)) / (HISTORY - 2) + LOW_CURVE;
      }
    }
    return changes * 100.0 / (HISTORY - 1);
  }
}
