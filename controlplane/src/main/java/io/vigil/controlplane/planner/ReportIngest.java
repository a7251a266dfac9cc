package io.vigil.controlplane.planner;

import io.micronaut.serde.annotation.Serdeable;
import io.vigil.controlplane.report.Report;
import io.vigil.probes.CheckState;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes authenticated agent reports into the planner: each result is checked on its own (known
 * state, a parseable time neither in the future beyond the allowed clock skew nor older than the
 * retention), valid ones are kept as the latest per (agent, probe), and rejected ones are named in
 * the answer so the agent can log them; a bad result never costs the good ones of its batch.
 * A result older than the one already held for its probe is ignored, so a late retry of a buffered
 * batch never overwrites fresher state.
 */
@Singleton
public final class ReportIngest {

  static final Duration MAX_FUTURE_SKEW = Duration.ofSeconds(30);
  static final Duration MAX_AGE = Duration.ofHours(1);
  private static final Set<String> STATES = Set.of("OK", "WARNING", "CRITICAL", "UNKNOWN");

  /** The latest result of one probe of one agent. */
  public record Latest(String agent, String probe, CheckState state, String summary, Instant at, Instant receivedAt) {
  }

  /** What became of a report. */
  @Serdeable
  public record Outcome(int accepted, int ignoredOlder, List<Rejection> rejected) {
  }

  /** A result that was not taken, by its index in the report. */
  @Serdeable
  public record Rejection(int index, String reason) {
  }

  private final Clock clock;
  private final Map<String, Latest> latest = new ConcurrentHashMap<>();
  private final AtomicLong acceptedTotal = new AtomicLong();
  private final AtomicLong rejectedTotal = new AtomicLong();
  private final AtomicLong reportsTotal = new AtomicLong();
  private final Map<String, Instant> lastReport = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Told of every result taken (fresher than what was held), after validation. */
  @FunctionalInterface
  public interface Listener {
    void accepted(String agent, String probe, CheckState state, String summary, Instant at);
  }

  public void onAccepted(Listener listener) {
    listeners.add(listener);
  }

  public ReportIngest() {
    this(Clock.systemUTC());
  }

  ReportIngest(Clock clock) {
    this.clock = clock;
  }

  public Outcome accept(String agent, Report report) {
    Instant now = clock.instant();
    List<Rejection> rejected = new ArrayList<>();
    int accepted = 0;
    int older = 0;
    List<Report.Result> results = report.results() == null ? List.of() : report.results();
    for (int i = 0; i < results.size(); i++) {
      Report.Result r = results.get(i);
      String problem = problem(r, now);
      if (problem != null) {
        rejected.add(new Rejection(i, problem));
        continue;
      }
      Instant at = Instant.parse(r.at());
      Latest next = new Latest(agent, r.probe(), CheckState.valueOf(r.state()), r.summary(), at, now);
      Latest kept = latest.merge(agent + "/" + r.probe(), next, (old, neu) -> neu.at().isBefore(old.at()) ? old : neu);
      if (kept == next) {
        accepted++;
        for (Listener l : listeners) {
          l.accepted(agent, next.probe(), next.state(), next.summary(), next.at());
        }
      } else {
        older++;
      }
    }
    acceptedTotal.addAndGet(accepted);
    reportsTotal.incrementAndGet();
    lastReport.put(agent, now);
    rejectedTotal.addAndGet(rejected.size());
    return new Outcome(accepted, older, List.copyOf(rejected));
  }

  private static String problem(Report.Result r, Instant now) {
    if (r == null) {
      return "null result";
    }
    if (r.probe() == null || !r.probe().matches("[a-z][a-z0-9_]{0,62}")) {
      return "probe: '" + r.probe() + "' is not a probe name";
    }
    if (r.state() == null || !STATES.contains(r.state())) {
      return "state: '" + r.state() + "' (expected OK, WARNING, CRITICAL or UNKNOWN)";
    }
    Instant at;
    try {
      at = Instant.parse(String.valueOf(r.at()));
    } catch (DateTimeParseException e) {
      return "at: '" + r.at() + "' is not an ISO-8601 instant";
    }
    if (at.isAfter(now.plus(MAX_FUTURE_SKEW))) {
      return "at: " + at + " is " + Duration.between(now, at).toSeconds() + "s in the future (clock skew over "
          + MAX_FUTURE_SKEW.toSeconds() + "s)";
    }
    if (at.isBefore(now.minus(MAX_AGE))) {
      return "at: " + at + " is older than " + MAX_AGE.toMinutes() + " minutes";
    }
    return null;
  }

  public Map<String, Latest> latest() {
    return Map.copyOf(latest);
  }

  public long acceptedTotal() {
    return acceptedTotal.get();
  }

  /** Reports taken (authenticated and well-formed), whatever became of their results. */
  public long reportsTotal() {
    return reportsTotal.get();
  }

  /** When each agent last reported. */
  public Map<String, Instant> lastReports() {
    return Map.copyOf(lastReport);
  }

  public long rejectedTotal() {
    return rejectedTotal.get();
  }
}
