package io.vigil.probes;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs probes so that they never throw and never hang their caller: each run gets the probe's hard
 * deadline, and a timeout or exception becomes a result that names the cause.
 *
 * <p>Following the Monitoring Plugins guidelines, failures outside the plugin's control (refused
 * connections, timeouts, unknown hosts) are CRITICAL; a probe's own error is UNKNOWN. A run whose
 * thread is still stuck (e.g. in a hung FUSE call) blocks new runs of that probe, so stuck threads
 * never pile up; such runs answer CRITICAL until the thread returns.
 */
public final class ProbeRunner implements AutoCloseable {

  private final ExecutorService executor;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final LongSupplier nanoTime;
  // names of probes whose run is still executing: a cancelled Future reports "done" at once, but
  // its thread may still be blocked, so a run leaves this set only when its thread really returns
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicLong timeouts = new AtomicLong();

  public ProbeRunner() {
    this(Clock.systemUTC(), System::nanoTime);
  }

  public ProbeRunner(Clock clock, LongSupplier nanoTime) {
    this.clock = clock;
    this.nanoTime = nanoTime;
    this.executor = Executors.newCachedThreadPool(namedDaemons("vigil-probe-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(namedDaemons("vigil-probe-deadline-"));
  }

  /** Runs one check of {@code probe} within its deadline and waits for it; never throws. */
  public ProbeResult run(Probe probe) {
    try {
      return start(probe).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.of(Observation.of(CheckState.UNKNOWN, "interrupted"), clock.instant(), Duration.ZERO);
    } catch (ExecutionException e) {
      // start() completes its future only normally; this is a bug if it happens
      return ProbeResult.of(failure(e.getCause()), clock.instant(), Duration.ZERO);
    }
  }

  /**
   * Starts one check of {@code probe} and returns at once; the future completes with the result
   * when the check returns or at its deadline, whichever comes first, and never exceptionally.
   * The caller's thread never waits on the probe's I/O, so a scheduler can start many probes
   * from a couple of threads.
   */
  public CompletableFuture<ProbeResult> start(Probe probe) {
    Instant at = clock.instant();
    long started = nanoTime.getAsLong();
    String name = probe.name();
    if (!inFlight.add(name)) {
      return CompletableFuture.completedFuture(result(Observation.of(CheckState.CRITICAL,
          "an earlier run has not returned and is still blocked (hung I/O?)"), at, started));
    }
    CompletableFuture<ProbeResult> outcome = new CompletableFuture<>();
    Future<?> task;
    try {
      task = executor.submit(() -> {
        Observation observation;
        try {
          observation = probe.check();
          if (observation == null) {
            observation = Observation.of(CheckState.UNKNOWN, "the probe returned nothing");
          }
        } catch (InterruptedException e) {
          observation = Observation.of(CheckState.UNKNOWN, "interrupted");
        } catch (Throwable e) {
          observation = failure(e);
        }
        // leave the in-flight set before completing: completion may start the next run at once
        inFlight.remove(name);
        outcome.complete(result(observation, at, started));
      });
    } catch (RuntimeException e) {
      inFlight.remove(name);
      return CompletableFuture.completedFuture(
          result(Observation.of(CheckState.UNKNOWN, "cannot start the probe: " + describe(e)), at, started));
    }
    ScheduledFuture<?> deadline = timer.schedule(() -> {
      ProbeResult timedOut = result(Observation.of(CheckState.CRITICAL, "timed out after " + human(probe.timeout())),
          at, started);
      // count before completing: completion wakes callers who may read the count at once
      timeouts.incrementAndGet();
      if (outcome.complete(timedOut)) {
        task.cancel(true);
      } else {
        timeouts.decrementAndGet(); // the check returned first
      }
    }, probe.timeout().toNanos(), TimeUnit.NANOSECONDS);
    outcome.whenComplete((r, e) -> deadline.cancel(false));
    return outcome;
  }

  /**
   * The time a probe should give its own I/O so that it fails with its own cause ("no complete
   * answer within 0.5s", "statfs did not return") before this runner's deadline replaces it with
   * "timed out after": a quarter of {@code timeout} less, at most 250 ms less. The margin covers
   * HttpFetch's watchdog tick (50 ms) and a busy machine's scheduling delays; 50 ms was not
   * enough on a loaded 2-core CI machine.
   */
  public static Duration ownDeadline(Duration timeout) {
    return timeout.minusMillis(Math.min(250, timeout.toMillis() / 4));
  }

  /** How many runs hit their deadline since start. */
  public long timeouts() {
    return timeouts.get();
  }

  /** CRITICAL for what is outside a probe's control (network, timeouts), UNKNOWN for its own errors. */
  static Observation failure(Throwable cause) {
    CheckState state = isEnvironmental(cause) ? CheckState.CRITICAL : CheckState.UNKNOWN;
    return Observation.of(state, describe(cause));
  }

  private static boolean isEnvironmental(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof NoRouteToHostException
          || c instanceof UnknownHostException || c instanceof SocketTimeoutException
          || c instanceof HttpTimeoutException) {
        return true;
      }
      // SQLSTATE class 08: connection exception
      if (c instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** {@code ConnectException: Connection refused}, with the root cause appended when it differs. */
  public static String describe(Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    String text = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != t && root.getMessage() != null && !text.contains(root.getMessage())) {
      text += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }
    return text;
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private ProbeResult result(Observation observation, Instant at, long started) {
    long took = Math.max(0, nanoTime.getAsLong() - started);
    return ProbeResult.of(observation, at, Duration.ofNanos(took));
  }

  private static ThreadFactory namedDaemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    executor.shutdownNow();
    timer.shutdownNow();
  }
}
