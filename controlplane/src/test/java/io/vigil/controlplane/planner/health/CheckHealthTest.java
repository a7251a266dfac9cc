package io.vigil.controlplane.planner.health;

import static io.vigil.probes.CheckState.CRITICAL;
import static io.vigil.probes.CheckState.OK;
import static io.vigil.probes.CheckState.UNKNOWN;
import static io.vigil.probes.CheckState.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.planner.health.CheckHealth.Event;
import io.vigil.controlplane.planner.health.CheckHealth.StateType;
import io.vigil.probes.CheckState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckHealthTest {

  private static final Instant T0 = Instant.parse("2026-11-22T07:00:00Z");
  private static final HealthRules RULES = new HealthRules(3, 5, 20, Duration.ofSeconds(30));

  private CheckHealth health = CheckHealth.unseen();
  private int second;
  private final List<Set<Event>> events = new ArrayList<>();

  private CheckHealth see(CheckState... states) {
    for (CheckState s : states) {
      CheckHealth.Transition t = health.observe(s, T0.plusSeconds(second++), RULES);
      events.add(t.events());
      health = t.after();
    }
    return health;
  }

  @Test
  void aProblemIsSoftUntilMaxCheckAttempts_thenHard_andOnlyThenActionable() {
    see(OK);
    assertThat(see(CRITICAL)).extracting(CheckHealth::type, CheckHealth::attempt).containsExactly(StateType.SOFT, 1);
    assertThat(health.actionable()).isFalse();
    assertThat(see(CRITICAL)).extracting(CheckHealth::type, CheckHealth::attempt).containsExactly(StateType.SOFT, 2);
    assertThat(see(CRITICAL)).extracting(CheckHealth::type, CheckHealth::attempt).containsExactly(StateType.HARD, 3);
    assertThat(health.actionable()).isTrue();
    assertThat(events).containsExactly(Set.of(), Set.of(Event.SOFT_PROBLEM), Set.of(Event.SOFT_PROBLEM), Set.of(Event.HARD_PROBLEM));

    see(WARNING);
    assertThat(events.get(4)).containsExactly(Event.STATE_CHANGE);
    assertThat(health.type()).isEqualTo(StateType.HARD);
  }

  @Test
  void aSoftProblemThatClears_isASoftRecovery_andNeverActionable() {
    see(OK, CRITICAL, CRITICAL, OK);
    assertThat(events.get(3)).containsExactly(Event.SOFT_RECOVERY);
    assertThat(health.state()).isEqualTo(OK);
    assertThat(see(OK).type()).isEqualTo(StateType.HARD);
    assertThat(see(CRITICAL).attempt()).as("confirmation starts afresh").isEqualTo(1);
  }

  @Test
  void aHardProblemThatClears_isAHardRecovery() {
    see(OK, CRITICAL, CRITICAL, CRITICAL, OK);
    assertThat(events.get(4)).containsExactly(Event.HARD_RECOVERY);
    assertThat(health).extracting(CheckHealth::state, CheckHealth::type).containsExactly(OK, StateType.HARD);
  }

  @Test
  void maxCheckAttemptsOfOne_isHardAtOnce() {
    CheckHealth.Transition t = CheckHealth.unseen().observe(CRITICAL, T0, new HealthRules(1, 5, 20, Duration.ofSeconds(30)));
    assertThat(t.after().actionable()).isTrue();
    assertThat(t.events()).containsExactly(Event.HARD_PROBLEM);
  }

  @Test
  void aCheckThatFlips_startsFlapping_isNotActionable_andStopsWhenItSettles() {
    see(OK, OK, OK);
    for (int i = 0; i < 6; i++) {
      see(CRITICAL, OK);
    }
    assertThat(health.flapping()).isTrue();
    assertThat(events.stream().filter(e -> e.contains(Event.FLAP_START)).count()).isEqualTo(1);
    see(CRITICAL, CRITICAL, CRITICAL);
    assertThat(health.type()).isEqualTo(StateType.HARD);
    assertThat(health.actionable()).as("flapping blocks action").isFalse();

    for (int i = 0; i < 21; i++) {
      see(CRITICAL);
    }
    assertThat(health.flapping()).isFalse();
    assertThat(health.actionable()).isTrue();
    assertThat(events.stream().filter(e -> e.contains(Event.FLAP_STOP)).count()).isEqualTo(1);
  }

  @Test
  void percentStateChange_weightsRecentChangesMore_asNagiosDoes() {
    List<CheckState> oldChange = new ArrayList<>(List.of(CRITICAL));
    List<CheckState> newChange = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      oldChange.add(OK);
      newChange.add(OK);
    }
    newChange.add(CRITICAL);
    // one change at x=1 weighs 0.75, at x=20 weighs 1.25; percent = weight * 100 / 20
    assertThat(CheckHealth.percentStateChange(oldChange)).isEqualTo(3.75);
    assertThat(CheckHealth.percentStateChange(newChange)).isEqualTo(6.25);
  }

  @Test
  void noResultWithinTheTtl_isStaleUnknown_neverActionable_untilAFreshResultReconfirms() {
    see(CRITICAL, CRITICAL, CRITICAL);
    assertThat(health.actionable()).isTrue();

    assertThat(health.expire(T0.plusSeconds(30), RULES).events()).isEmpty();
    CheckHealth.Transition stale = health.expire(T0.plusSeconds(40), RULES);
    assertThat(stale.events()).containsExactly(Event.STALE);
    health = stale.after();
    assertThat(health).extracting(CheckHealth::state, CheckHealth::stale).containsExactly(UNKNOWN, true);
    assertThat(health.actionable()).isFalse();

    second = 50;
    assertThat(see(CRITICAL).attempt()).as("a fresh result after staleness starts confirmation again").isEqualTo(1);
    assertThat(health.actionable()).isFalse();
  }

  @Test
  void anOutOfOrderResult_changesNothing() {
    see(OK, CRITICAL);
    CheckHealth.Transition late = health.observe(OK, T0.minusSeconds(5), RULES);
    assertThat(late.after()).isSameAs(health);
    assertThat(late.events()).isEmpty();
  }
}
