package io.vigil.controlplane.planner.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RemediationBudgetTest {

  private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
  private static final BudgetRules RULES = new BudgetRules(3, Duration.ofHours(1), Duration.ofSeconds(10), 2.0,
      Duration.ofSeconds(25), Duration.ofMinutes(10));

  @Test
  void allowsAttempts_withExponentialBackoffBetweenThem_cappedAtTheMax() {
    RemediationBudget b = RemediationBudget.fresh();
    assertThat(b.check(T0, RULES)).isEqualTo(new RemediationBudget.Allowed(3));

    b = b.attempted(T0, RULES);
    assertThat(b.check(T0.plusSeconds(9), RULES)).isEqualTo(new RemediationBudget.Backoff(T0.plusSeconds(10), 1));
    assertThat(b.check(T0.plusSeconds(10), RULES)).isEqualTo(new RemediationBudget.Allowed(2));

    b = b.attempted(T0.plusSeconds(10), RULES);
    // second backoff doubles to 20 s
    assertThat(b.check(T0.plusSeconds(29), RULES)).isEqualTo(new RemediationBudget.Backoff(T0.plusSeconds(30), 2));
    assertThat(b.check(T0.plusSeconds(30), RULES)).isEqualTo(new RemediationBudget.Allowed(1));
    assertThat(RULES.backoffAfter(3)).as("40 s capped at 25 s").isEqualTo(Duration.ofSeconds(25));
  }

  @Test
  void theLastAttemptExhaustsTheBudget_andTimeAloneNeverRestoresIt() {
    RemediationBudget b = RemediationBudget.fresh()
        .attempted(T0, RULES).attempted(T0.plusSeconds(10), RULES).attempted(T0.plusSeconds(30), RULES);
    assertThat(b.exhausted()).isTrue();
    assertThat(b.check(T0.plusSeconds(31), RULES)).isInstanceOf(RemediationBudget.Exhausted.class);
    assertThat(b.check(T0.plus(Duration.ofDays(2)), RULES)).as("no loop after the window").isInstanceOf(RemediationBudget.Exhausted.class);
  }

  @Test
  void onlyAVerifiedHealthyPeriodResetsIt_andAnUnhealthyBlipRestartsThatPeriod() {
    RemediationBudget b = RemediationBudget.fresh()
        .attempted(T0, RULES).attempted(T0.plusSeconds(10), RULES).attempted(T0.plusSeconds(30), RULES);

    b = b.healthy(T0.plusSeconds(60), RULES);
    b = b.healthy(T0.plusSeconds(60 + 300), RULES);
    assertThat(b.exhausted()).as("5 of 10 healthy minutes").isTrue();
    b = b.unhealthy();
    b = b.healthy(T0.plusSeconds(60 + 600), RULES);
    assertThat(b.exhausted()).as("the blip restarted the healthy period").isTrue();
    b = b.healthy(T0.plusSeconds(60 + 600 + 600), RULES);
    assertThat(b).isEqualTo(RemediationBudget.fresh());
    assertThat(b.check(T0.plusSeconds(1300), RULES)).isEqualTo(new RemediationBudget.Allowed(3));
  }

  @Test
  void attemptsOlderThanTheWindowNoLongerCount() {
    BudgetRules twoPerHour = new BudgetRules(2, Duration.ofHours(1), Duration.ZERO, 1.0, Duration.ZERO, Duration.ofMinutes(10));
    RemediationBudget b = RemediationBudget.fresh().attempted(T0, twoPerHour);
    assertThat(b.check(T0.plus(Duration.ofMinutes(61)), twoPerHour)).isEqualTo(new RemediationBudget.Allowed(2));
  }
}
