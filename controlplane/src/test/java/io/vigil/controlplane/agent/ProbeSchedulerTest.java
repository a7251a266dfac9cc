package io.vigil.controlplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeRunner;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProbeSchedulerTest {

  private static Probe probe(String name, Duration timeout, Probe.Check body) {
    return Probe.of(name, timeout, body);
  }


  @Test
  void aHungProbe_neverDelaysTheOthers_andABrokenOneKeepsBeingRetried() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger fastRuns = new AtomicInteger();
    AtomicInteger brokenRuns = new AtomicInteger();
    SnapshotStore store = new SnapshotStore();
    try (ProbeRunner runner = new ProbeRunner();
         ProbeScheduler scheduler = new ProbeScheduler(List.of(
             new ProbeScheduler.Scheduled(probe("hung", Duration.ofMillis(300), () -> {
               never.await();
               return null;
             }), Duration.ofMillis(20)),
             new ProbeScheduler.Scheduled(probe("broken", Duration.ofSeconds(1), () -> {
               brokenRuns.incrementAndGet();
               throw new IllegalStateException("boom");
             }), Duration.ofMillis(20)),
             new ProbeScheduler.Scheduled(probe("fast", Duration.ofSeconds(1), () -> {
               fastRuns.incrementAndGet();
               return Observation.of(CheckState.OK, "fine");
             }), Duration.ofMillis(20))),
             runner, store, 1, new Random(7))) {
      scheduler.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while ((fastRuns.get() < 10 || store.latest("hung").isEmpty()) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }

      // one scheduler thread, yet the fast probe ran ten times while the hung one blocked
      assertThat(fastRuns.get()).isGreaterThanOrEqualTo(10);
      assertThat(brokenRuns.get()).isGreaterThanOrEqualTo(3);
      assertThat(store.latest("fast").orElseThrow().summary()).isEqualTo("fine");
      assertThat(store.latest("broken").orElseThrow().state()).isEqualTo(CheckState.UNKNOWN);
      assertThat(store.latest("hung").orElseThrow().summary()).isIn("timed out after 300ms",
          "an earlier run has not returned and is still blocked (hung I/O?)");
      assertThat(scheduler.loopErrors()).isZero();
    } finally {
      never.countDown();
    }
  }
}
