package io.vigil.controlplane.agent;

import io.vigil.probes.Probe;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every probe on its own interval with a fixed delay (the next run is scheduled when the
 * previous one ends, so a slow probe never piles up), starting each at a random offset within its
 * interval so that probes and agents do not all fire at once. The scheduler's threads only start
 * runs; the probes' I/O runs on the {@link ProbeRunner}'s threads, bounded by each deadline, so one
 * slow or broken probe never delays another. The loop catches and counts its own failures and never
 * stops (HikariCP's house-keeper pattern).
 */
public final class ProbeScheduler implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProbeScheduler.class);

  /** A probe and its interval. */
  public record Scheduled(Probe probe, Duration interval) {
  }

  private final List<Scheduled> probes;
  private final ProbeRunner runner;
  private final SnapshotStore store;
  private final ScheduledExecutorService timer;
  private final RandomGenerator random;
  private final Map<String, AtomicLong> runs = new ConcurrentHashMap<>();
  private final AtomicLong loopErrors = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param threads scheduler threads; 2 is plenty on 2 cores since they only start runs
   */
  public ProbeScheduler(List<Scheduled> probes, ProbeRunner runner, SnapshotStore store, int threads,
      RandomGenerator random) {
    this.probes = List.copyOf(probes);
    this.runner = runner;
    this.store = store;
    this.random = random;
    AtomicInteger n = new AtomicInteger();
    this.timer = Executors.newScheduledThreadPool(threads, r -> {
      Thread t = new Thread(r, "vigil-scheduler-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    for (Scheduled p : probes) {
      runs.put(p.probe().name(), new AtomicLong());
      long jitter = random.nextLong(Math.max(1, p.interval().toMillis()));
      timer.schedule(() -> fire(p), jitter, TimeUnit.MILLISECONDS);
    }
  }

  private void fire(Scheduled p) {
    if (closed) {
      return;
    }
    try {
      runner.start(p.probe()).whenComplete((result, error) -> completed(p, result));
    } catch (Throwable t) {
      loopErrors.incrementAndGet();
      LOG.warn("probe {}: could not start a run: {}", p.probe().name(), t.toString());
      reschedule(p);
    }
  }

  private void completed(Scheduled p, ProbeResult result) {
    try {
      if (result != null) {
        store.put(p.probe().name(), result);
        runs.get(p.probe().name()).incrementAndGet();
      }
    } catch (Throwable t) {
      loopErrors.incrementAndGet();
      LOG.warn("probe {}: a result listener failed: {}", p.probe().name(), t.toString());
    } finally {
      reschedule(p);
    }
  }

  private void reschedule(Scheduled p) {
    if (!closed) {
      try {
        timer.schedule(() -> fire(p), p.interval().toMillis(), TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        if (!closed) {
          loopErrors.incrementAndGet();
          LOG.error("probe {}: cannot schedule the next run: {}", p.probe().name(), e.toString());
        }
      }
    }
  }

  /** Completed runs of a probe since start. */
  public long runs(String probe) {
    AtomicLong n = runs.get(probe);
    return n == null ? 0 : n.get();
  }

  /** Failures of the scheduling loop itself (not probe failures, which are results). */
  public long loopErrors() {
    return loopErrors.get();
  }

  public List<Scheduled> probes() {
    return probes;
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    for (Scheduled p : probes) {
      try {
        p.probe().close();
      } catch (Exception e) {
        LOG.debug("closing probe {}: {}", p.probe().name(), e.toString());
      }
    }
  }
}
