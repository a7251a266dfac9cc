package io.vigil.controlplane.planner.engine;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.vigil.controlplane.planner.engine.PlannerSettings.PolicySpec;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.ActionRecord.Status;
import io.vigil.controlplane.planner.store.FencedOutException;
import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineEvent.Kind;
import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.TransientActionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the planner's actions under the execution contract: the intent is written (with the
 * leader's fencing term) before anything runs; preconditions are checked against fresh data just
 * before; the attempt runs with a timeout inside a bulkhead, a circuit breaker per action and target
 * and a retry for transient errors only; then verification re-checks until healthy or the deadline;
 * every step goes to the timeline and the action ends SUCCEEDED, FAILED, TIMED_OUT or ESCALATED.
 */
public final class ActionExecutor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ActionExecutor.class);
  static final int MAX_CONCURRENT = 4;

  private final PlannerEngine engine;
  private final Clock clock;
  private final PlannerMetrics metrics;
  private final ExecutorService pool;
  private final Bulkhead bulkhead;
  private final CircuitBreakerRegistry breakers;
  private final RetryConfig retryConfig;
  private final Duration verifyPoll;

  public ActionExecutor(PlannerEngine engine, Clock clock, PlannerMetrics metrics) {
    this(engine, clock, metrics, Duration.ofMillis(200), Duration.ofMillis(500));
  }

  ActionExecutor(PlannerEngine engine, Clock clock, PlannerMetrics metrics, Duration verifyPoll, Duration retryWait) {
    this.engine = engine;
    this.clock = clock;
    this.metrics = metrics;
    this.verifyPoll = verifyPoll;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "vigil-action-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.bulkhead = Bulkhead.of("vigil-actions", BulkheadConfig.custom().maxConcurrentCalls(MAX_CONCURRENT)
        .maxWaitDuration(Duration.ofSeconds(30)).build());
    this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).slidingWindowSize(4)
        .minimumNumberOfCalls(3).failureRateThreshold(75).waitDurationInOpenState(Duration.ofSeconds(60))
        .permittedNumberOfCallsInHalfOpenState(1).recordExceptions(TransientActionException.class).build());
    // one listener per breaker, added when the registry creates it (named action@host)
    this.breakers.getEventPublisher().onEntryAdded(added -> {
      CircuitBreaker breaker = added.getAddedEntry();
      String name = breaker.getName();
      String action = name.substring(0, name.indexOf('@'));
      String host = name.substring(name.indexOf('@') + 1);
      breaker.getEventPublisher().onStateTransition(ev -> metrics.breaker(action, host,
          ev.getStateTransition().getToState() == CircuitBreaker.State.OPEN));
    });
    this.retryConfig = RetryConfig.custom().maxAttempts(3)
        .intervalFunction(IntervalFunction.ofExponentialBackoff(retryWait, 2.0))
        .retryExceptions(TransientActionException.class).build();
    engine.executor(this);
  }

  /** Runs the policy's action on {@code host} in the background. */
  public void submit(PolicySpec spec, String host, String check, String why, Instant incidentStart) {
    pool.execute(() -> {
      try {
        run(spec, host, check, why, incidentStart);
      } catch (RuntimeException e) {
        LOG.error("action {} on {} failed unexpectedly", spec.policy().action(), host, e);
        engine.ended(spec, host, check, false, clock.instant());
      }
    });
  }

  /** Runs the policy's action on each target in turn, the next one only when the last has ended. */
  public void submitInTurn(PolicySpec spec, List<String> hosts, String why, Instant incidentStart) {
    pool.execute(() -> {
      for (String host : hosts) {
        if (!engine.claim(spec, host)) {
          continue;
        }
        try {
          run(spec, host, "", why, incidentStart);
        } catch (RuntimeException e) {
          LOG.error("action {} on {} failed unexpectedly", spec.policy().action(), host, e);
          engine.ended(spec, host, "", false, clock.instant());
        }
      }
    });
  }

  private void run(PolicySpec spec, String host, String check, String why, Instant incidentStart) {
    String action = spec.policy().action();
    Remediation remediation = engine.settings().remediations().get(action).remediation();
    ActionTarget target = new ActionTarget(host, check, spec.params());
    long term = engine.term();
    String command;
    try {
      command = remediation.render(target);
    } catch (RuntimeException e) {
      engine.refused(spec, host, check, "cannot render the command: " + e.getMessage(), Map.of());
      return;
    }
    Precondition pre;
    try {
      pre = remediation.preconditions(target);
    } catch (TransientActionException e) {
      pre = Precondition.refused("could not check the preconditions: " + e.getMessage(), Map.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      pre = Precondition.refused("precondition check failed: " + e.getMessage(), Map.of());
    }
    if (!pre.ok()) {
      engine.refused(spec, host, check, pre.why(), pre.facts());
      return;
    }
    Instant now = clock.instant();
    String id = "a-" + term + "-" + UUID.randomUUID().toString().substring(0, 8);
    String key = spec.policy().name() + "|" + action + "|" + host + "|" + incidentStart.toEpochMilli() + "|"
        + (spec.policy().budget().maxAttempts() - engine.remaining(spec, host, now));
    ActionRecord intent = new ActionRecord(id, key, spec.policy().name(), action, host, check, command, Status.INTENT,
        term, engine.settings().node(), now, now, why);
    ActionRecord stored;
    try {
      stored = engine.store().recordIntent(intent);
    } catch (FencedOutException e) {
      fenced(spec, host, check, id, e);
      return;
    }
    if (!stored.id().equals(id)) {
      LOG.info("action {} already recorded as {} ({}): not run twice", key, stored.id(), stored.status());
      engine.ended(spec, host, check, false, clock.instant());
      return;
    }
    engine.attempted(spec, host, now);
    Map<String, String> preFacts = new LinkedHashMap<>(pre.facts());
    preFacts.put("command", command);
    engine.timeline(new TimelineEvent(0, now, Kind.ACTION, host, check, id, engine.who(), "intent " + action
        + " on " + host + " (" + spec.policy().name() + ")", why + "; preconditions: " + pre.why(), preFacts));
    long started = System.nanoTime();
    metrics.inFlight(1);
    Status end = Status.FAILED;
    String detail;
    try {
      engine.store().updateAction(id, Status.RUNNING, "running: " + command, term);
      ActionResult result = attempt(remediation, target, spec, id, host, check);
      Instant done = clock.instant();
      Map<String, String> out = new LinkedHashMap<>();
      out.put("exit_code", String.valueOf(result.exitCode()));
      out.put("stdout", result.stdout());
      out.put("stderr", result.stderr());
      engine.timeline(new TimelineEvent(0, done, Kind.ACTION, host, check, id, engine.who(),
          (result.ok() ? "ran " : "failed ") + action + " on " + host, result.summary(), out));
      if (!result.ok()) {
        detail = "failed: " + result.summary() + (result.exitCode() >= 0 ? " (exit " + result.exitCode() + ")" : "");
      } else {
        boolean healthy = verify(remediation, target, host, check, done, spec.verifyDeadline());
        end = healthy ? Status.SUCCEEDED : Status.TIMED_OUT;
        detail = healthy ? "verified healthy: " + engine.describeCheck(host, check)
            : "not healthy within " + spec.verifyDeadline() + ": " + engine.describeCheck(host, check);
        engine.timeline(new TimelineEvent(0, clock.instant(), Kind.VERIFICATION, host, check, id, engine.who(),
            healthy ? "verified: " + host + (check.isEmpty() ? "" : "/" + check) + " healthy" : "verification timed out",
            detail, Map.of()));
      }
      engine.store().updateAction(id, end, detail, term);
    } catch (FencedOutException e) {
      fenced(spec, host, check, id, e);
      end = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end = null;
    } finally {
      metrics.inFlight(-1);
    }
    if (end != null) {
      metrics.remediation(action, end, (System.nanoTime() - started) / 1e9);
    }
    engine.ended(spec, host, check, end == Status.SUCCEEDED, clock.instant());
  }

  private ActionResult attempt(Remediation remediation, ActionTarget target, PolicySpec spec, String id, String host,
      String check) throws InterruptedException {
    String action = spec.policy().action();
    CircuitBreaker breaker = breakers.circuitBreaker(action + "@" + host);
    Retry retry = Retry.of(action + "@" + host + "#" + id, retryConfig);
    retry.getEventPublisher().onRetry(ev -> {
      metrics.retry(action);
      engine.timeline(new TimelineEvent(0, clock.instant(), Kind.ACTION, host, check, id, engine.who(),
          "retry " + ev.getNumberOfRetryAttempts() + " of " + action, "transient error: "
          + (ev.getLastThrowable() == null ? "" : ev.getLastThrowable().getMessage()), Map.of()));
    });
    try {
      return Retry.decorateCheckedSupplier(retry, () -> Bulkhead.decorateCheckedSupplier(bulkhead,
          CircuitBreaker.decorateCheckedSupplier(breaker, () -> remediation.execute(target, spec.timeout()))).get())
          .get();
    } catch (CallNotPermittedException e) {
      return ActionResult.failed("circuit breaker open for " + action + " on " + host
          + ": recent attempts failed to connect; not trying again before it half-opens");
    } catch (BulkheadFullException e) {
      return ActionResult.failed("too many actions at once (bulkhead of " + MAX_CONCURRENT + ")");
    } catch (TransientActionException e) {
      return ActionResult.failed("gave up after " + retryConfig.getMaxAttempts() + " tries: " + e.getMessage());
    } catch (InterruptedException e) {
      throw e;
    } catch (Throwable e) {
      return ActionResult.failed("error: " + e);
    }
  }

  private boolean verify(Remediation remediation, ActionTarget target, String host, String check, Instant since,
      Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      Remediation.Verdict v;
      try {
        v = remediation.verify(target);
      } catch (RuntimeException e) {
        v = Remediation.Verdict.NOT_YET;
      }
      if (v == Remediation.Verdict.HEALTHY) {
        return true;
      }
      if (v == Remediation.Verdict.USE_PROBE && (check.isEmpty() || engine.healthySince(host, check, since))) {
        return true;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(verifyPoll.toNanos(), Math.max(1, end - System.nanoTime())));
    }
    return false;
  }

  private void fenced(PolicySpec spec, String host, String check, String id, FencedOutException e) {
    LOG.warn("action {} on {} refused by the store: {}", id, host, e.getMessage());
    metrics.remediation(spec.policy().action(), null, 0);
    try {
      engine.store().append(new TimelineEvent(0, clock.instant(), Kind.LEADERSHIP, host, check, id, engine.who(),
          "FENCED: late write refused", e.getMessage(), Map.of()));
    } catch (RuntimeException ignored) {
      // the store itself refused; nothing more to record
    }
    engine.deposed();
  }

  /**
   * A new leader's first duty: every action a previous leader left as INTENT or RUNNING is
   * verified (with its policy's verification deadline), never run again blindly, and marked with
   * what was found. Runs in the background; {@code done} runs when every one is resolved.
   */
  void resolve(List<ActionRecord> unfinished, long term, Runnable done) {
    pool.execute(() -> {
      try {
        for (ActionRecord a : unfinished) {
          if (!resolveOne(a, term)) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        done.run();
      }
    });
  }

  private boolean resolveOne(ActionRecord a, long term) throws InterruptedException {
    var configured = engine.settings().remediations().get(a.action());
    PolicySpec spec = engine.settings().policy(a.policy());
    boolean healthy = false;
    if (configured != null) {
      Duration deadline = spec == null ? Duration.ofSeconds(30) : spec.verifyDeadline();
      healthy = verify(configured.remediation(), new ActionTarget(a.host(), a.check(),
          spec == null ? java.util.Map.of() : spec.params()), a.host(), a.check(), a.createdAt(), deadline);
    }
    Status status = healthy ? Status.SUCCEEDED : Status.FAILED;
    String detail = "resolved by new leader " + engine.settings().node() + " (term " + term + "): "
        + (healthy ? "target verified healthy; not run again"
        : "not verified healthy (" + (configured == null ? "its remediation is no longer configured"
        : engine.describeCheck(a.host(), a.check())) + "); not run again blindly, the planner decides afresh");
    try {
      engine.store().updateAction(a.id(), status, detail, term);
    } catch (FencedOutException e) {
      LOG.warn("resolving {} was fenced: {}", a.id(), e.getMessage());
      return false;
    }
    engine.timeline(new TimelineEvent(0, clock.instant(), Kind.VERIFICATION, a.host(), a.check(), a.id(),
        engine.who(), "resolved " + a.status() + " action " + a.id() + " as " + status, detail, Map.of()));
    if (spec != null) {
      engine.attempted(spec, a.host(), a.createdAt());
      engine.ended(spec, a.host(), a.check(), healthy, clock.instant());
    }
    return true;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
