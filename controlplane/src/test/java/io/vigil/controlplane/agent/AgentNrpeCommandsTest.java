package io.vigil.controlplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.nagios.nrpe.NrpeCommands.NrpeAnswer;
import io.vigil.probes.CheckState;
import io.vigil.probes.Perfdata;
import io.vigil.probes.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentNrpeCommandsTest {

  private static final Instant NOW = Instant.parse("2026-11-22T05:00:00Z");
  private final SnapshotStore store = new SnapshotStore();
  private final AgentNrpeCommands commands = new AgentNrpeCommands(store,
      Map.of("memcached", Duration.ofSeconds(20)), Clock.fixed(NOW, ZoneOffset.UTC));

  private NrpeAnswer ask(String command) {
    return commands.answer(command, List.of()).orElseThrow().toCompletableFuture().join();
  }

  @Test
  void answersFromTheLatestSnapshot_inPluginFormat() {
    store.put("memcached", new ProbeResult(CheckState.WARNING, "memory 91% used", List.of(Perfdata.of("used", 91, "%")),
        NOW.minusSeconds(3), Duration.ofMillis(2)));
    assertThat(ask("check_memcached")).isEqualTo(new NrpeAnswer(1, "WARNING: memory 91% used | used=91%"));
  }

  @Test
  void noResultYet_orAStaleOne_isUnknown_andSaysWhy() {
    assertThat(ask("check_memcached")).isEqualTo(new NrpeAnswer(3, "UNKNOWN: memcached has no result yet (agent starting)"));
    store.put("memcached", new ProbeResult(CheckState.OK, "fine", List.of(), NOW.minusSeconds(60), Duration.ZERO));
    assertThat(ask("check_memcached").resultCode()).isEqualTo(3);
    assertThat(ask("check_memcached").output()).isEqualTo("UNKNOWN: memcached result is stale (60s old, probe not completing); last: OK: fine");
  }

  @Test
  void unknownCommands_areNotDefinedHere() {
    assertThat(commands.answer("check_nothing", List.of())).isEmpty();
    assertThat(commands.answer("memcached", List.of())).isEmpty();
    assertThat(commands.acceptsArguments("check_memcached")).isFalse();
  }
}
