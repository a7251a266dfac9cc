package io.vigil.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProbeRunnerTest {

  private final AtomicLong nanos = new AtomicLong();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC);
  private final ProbeRunner runner = new ProbeRunner(clock, nanos::get);

  @AfterEach
  void close() {
    runner.close();
  }

  @Test
  void stampsTheObservation_withWhenAndHowLong() {
    ProbeResult result = runner.run(probe(Duration.ofSeconds(1), () -> {
      nanos.addAndGet(7_000_000);
      return Observation.of(CheckState.OK, "fine", Perfdata.of("x", 1, ""));
    }));

    assertThat(result.state()).isEqualTo(CheckState.OK);
    assertThat(result.summary()).isEqualTo("fine");
    assertThat(result.at()).isEqualTo(clock.instant());
    assertThat(result.took()).isEqualTo(Duration.ofMillis(7));
  }

  @Test
  void aRefusedConnection_isCritical_namingTheCause() {
    ProbeResult result = runner.run(probe(Duration.ofSeconds(1), () -> {
      throw new ConnectException("Connection refused");
    }));
    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("ConnectException: Connection refused");
  }

  @Test
  void aSqlConnectionFailure_isCritical_butABadQueryIsUnknown() {
    ProbeResult down = runner.run(probe(Duration.ofSeconds(1), () -> {
      throw new SQLException("Connection to 127.0.0.1:55432 refused", "08001");
    }));
    ProbeResult bug = runner.run(probe(Duration.ofSeconds(1), () -> {
      throw new SQLException("column \"x\" does not exist", "42703");
    }));
    assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(bug.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(bug.summary()).contains("column \"x\" does not exist");
  }

  @Test
  void aProbeThatBlocks_isCutAtItsDeadline_asCritical_andItsStuckThreadBlocksNewRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Probe stuck = probe(Duration.ofMillis(100), () -> {
      entered.countDown();
      while (true) {
        try {
          release.await(); // ignores interrupts, like a thread in an uninterruptible FUSE call
          return Observation.of(CheckState.OK, "late");
        } catch (InterruptedException ignored) {
          // keep blocking
        }
      }
    });

    ProbeResult first = runner.run(stuck);
    assertThat(entered.await(1, TimeUnit.SECONDS)).isTrue();
    assertThat(first.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(first.summary()).isEqualTo("timed out after 100ms");
    assertThat(runner.timeouts()).isEqualTo(1);

    ProbeResult second = runner.run(stuck);
    assertThat(second.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(second.summary()).contains("earlier run has not returned");

    release.countDown();
    // once the stuck thread really returns, runs are admitted again
    ProbeResult next = runner.run(stuck);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (next.summary().contains("earlier run") && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      next = runner.run(stuck);
    }
    assertThat(next.summary()).isEqualTo("late");
  }

  @Test
  void start_returnsAtOnce_whileTheProbeBlocks_andCompletesAtTheDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Probe slow = probe(Duration.ofMillis(200), () -> {
      release.await();
      return Observation.of(CheckState.OK, "late");
    });

    var future = runner.start(slow);
    assertThat(future).isNotDone();
    ProbeResult result = future.get(5, TimeUnit.SECONDS);
    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("timed out after 200ms");
    release.countDown();
  }

  @Test
  void aBugInTheProbe_isUnknown_notAStackTrace() {
    ProbeResult result = runner.run(probe(Duration.ofSeconds(1), () -> {
      throw new IllegalStateException("unexpected reply 'garbage'");
    }));
    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).isEqualTo("IllegalStateException: unexpected reply 'garbage'");
  }

  @Test
  void aNullObservation_isUnknown() {
    assertThat(runner.run(probe(Duration.ofSeconds(1), () -> null)).state()).isEqualTo(CheckState.UNKNOWN);
  }


  private static Probe probe(Duration timeout, Probe.Check body) {
    return Probe.of("test_probe", timeout, body);
  }
}
