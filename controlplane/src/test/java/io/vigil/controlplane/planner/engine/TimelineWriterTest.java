package io.vigil.controlplane.planner.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineEvent.Kind;
import io.vigil.controlplane.planner.store.TimelineQuery;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimelineWriterTest {

  private static TimelineEvent event(String what) {
    return TimelineEvent.of(Instant.parse("2026-12-06T10:00:00Z"), Kind.ACTION, "db2", "pgpool_node", "planner:test",
        what, "test");
  }

  @Test
  void anInterruptedWriterStillQueuesItsEventAndKeepsItsInterrupt() {
    MemoryStore store = new MemoryStore();
    try (TimelineWriter writer = new TimelineWriter(store, "test")) {
      Thread.currentThread().interrupt();
      writer.write(event("action cancelled"));
      assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
      writer.write(event("after"));
      assertThat(writer.flush()).as("everything counted was queued and written").isTrue();
      assertThat(store.timeline(TimelineQuery.all())).extracting(TimelineEvent::what)
          .containsExactly("action cancelled", "after");
    }
  }
}
