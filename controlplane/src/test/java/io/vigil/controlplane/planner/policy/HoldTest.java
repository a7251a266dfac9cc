package io.vigil.controlplane.planner.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldTest {

  private static final Instant NOW = Instant.parse("2026-11-22T09:00:00Z");
  private static final Hold.Target ATTACH_DB2 = new Hold.Target("db2", Set.of("database-replica"), "main", "pgpool_attach");

  @Test
  void aHoldBlocksOnlyWhatItsScopeMatches_untilItExpires() {
    Hold onHost = new Hold("h1", "db2", null, null, null, NOW.plusSeconds(600), "kernel upgrade", "alice");
    Hold onRole = new Hold("h2", null, "cache", null, null, NOW.plusSeconds(600), "resize", null);
    Hold onAction = new Hold("h3", null, null, null, "pgpool_attach", NOW.plusSeconds(60), "pgpool upgrade", null);

    assertThat(onHost.matches(ATTACH_DB2, NOW)).isTrue();
    assertThat(onRole.matches(ATTACH_DB2, NOW)).isFalse();
    assertThat(onAction.matches(ATTACH_DB2, NOW)).isTrue();
    assertThat(onAction.matches(ATTACH_DB2, NOW.plusSeconds(60))).as("expired").isFalse();
    assertThat(Hold.blocking(List.of(onRole, onHost), ATTACH_DB2, NOW)).hasValue(onHost);
    assertThat(onHost.describe()).isEqualTo("hold h1 on host db2 until 2026-11-22T09:10:00Z by alice: kernel upgrade");
  }

  @Test
  void aHoldMustExpire_haveAScope_andSayWhy() {
    assertThatThrownBy(() -> new Hold("h", "db2", null, null, null, null, "x", null)).hasMessageContaining("holds always expire");
    assertThatThrownBy(() -> new Hold("h", null, null, null, null, NOW, "x", null)).hasMessageContaining("needs a scope");
    assertThatThrownBy(() -> new Hold("h", "db2", null, null, null, NOW, " ", null)).hasMessageContaining("needs a reason");
  }
}
