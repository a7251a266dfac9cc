package io.vigil.controlplane.planner.leader;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.planner.store.FileStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleNodeLeadershipTest {

  @TempDir
  Path dir;

  @Test
  void leadsFromStart_inANewTermEachTime() {
    List<Long> elected = new ArrayList<>();
    try (FileStore store = FileStore.open(dir)) {
      SingleNodeLeadership first = new SingleNodeLeadership(store, "solo");
      first.start(elected::add, () -> elected.add(-1L));
      assertThat(first.isLeader()).isTrue();
      first.close();
      assertThat(first.isLeader()).isFalse();
      assertThat(first.term()).isEqualTo(1);

      SingleNodeLeadership second = new SingleNodeLeadership(store, "solo");
      second.start(elected::add, () -> elected.add(-1L));
      assertThat(second.term()).isEqualTo(2);
      assertThat(second.node()).isEqualTo("solo");
    }
    assertThat(elected).containsExactly(1L, 2L);
  }
}
