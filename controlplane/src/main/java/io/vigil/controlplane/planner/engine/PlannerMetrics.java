package io.vigil.controlplane.planner.engine;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vigil.controlplane.planner.store.ActionRecord;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The planner's metrics, named as docs/metrics.md lists them. Counters and gauges are updated by
 * the engine and executor; per-check gauges are read from the engine's state at scrape time.
 */
public final class PlannerMetrics {

  private final Counter decisions;
  private final Counter remediations;
  private final Counter retries;
  private final Counter escalations;
  private final Counter refused;
  private final Counter ingested;
  private final Counter alerts;
  private final Histogram duration;
  private final Gauge inFlight;
  private final Gauge breakerOpen;
  private final Gauge budget;
  private final Gauge escalationActive;
  private final Gauge holds;
  private final Gauge leader;
  private final Gauge leaderTerm;
  private final PrometheusRegistry registry;

  public PlannerMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    decisions = Counter.builder().name("vigil_decisions_total").help("Planner decisions by outcome")
        .labelNames("outcome").register(registry);
    remediations = Counter.builder().name("vigil_remediations_total")
        .help("Finished remediation actions by action and outcome").labelNames("action", "outcome").register(registry);
    retries = Counter.builder().name("vigil_remediation_retries_total")
        .help("Retries of transient action errors").labelNames("action").register(registry);
    escalations = Counter.builder().name("vigil_escalations_total")
        .help("Escalations raised (budget exhausted)").labelNames("policy").register(registry);
    refused = Counter.builder().name("vigil_remediation_refused_total")
        .help("Actions refused by their preconditions").labelNames("action").register(registry);
    ingested = Counter.builder().name("vigil_results_ingested_total").help("Check results taken into the health state")
        .register(registry);
    alerts = Counter.builder().name("vigil_alertmanager_notifications_total")
        .help("Alertmanager webhook alerts by result").labelNames("result").register(registry);
    duration = Histogram.builder().name("vigil_remediation_duration_seconds").unit(Unit.SECONDS)
        .help("From intent to verified end of an action").labelNames("action")
        .classicUpperBounds(0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120).register(registry);
    inFlight = Gauge.builder().name("vigil_remediations_in_flight").help("Actions running now").register(registry);
    breakerOpen = Gauge.builder().name("vigil_circuit_breaker_open").help("1 while the target's circuit breaker is open")
        .labelNames("action", "target").register(registry);
    budget = Gauge.builder().name("vigil_budget_remaining").help("Attempts left in the budget window")
        .labelNames("policy", "target").register(registry);
    escalationActive = Gauge.builder().name("vigil_escalation_active").help("1 while an escalation is open")
        .labelNames("policy", "target").register(registry);
    holds = Gauge.builder().name("vigil_holds_active").help("Maintenance holds in effect").register(registry);
    leader = Gauge.builder().name("vigil_leader").help("1 on the planner that holds leadership").register(registry);
    leaderTerm = Gauge.builder().name("vigil_leader_term").help("The fencing term of the current leadership")
        .register(registry);
  }

  /** Live per-check gauges over the engine's state. */
  void bind(Supplier<List<PlannerOperations.CheckView>> states) {
    GaugeWithCallback.builder().name("vigil_check_state").help("Check state as the planner sees it (0 OK, 1 WARNING,"
        + " 2 CRITICAL, 3 UNKNOWN)").labelNames("host", "check").callback(cb -> {
          for (var v : states.get()) {
            cb.call(stateValue(v.state()), v.host(), v.check());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("vigil_check_hard").help("1 when the check's state is HARD")
        .labelNames("host", "check").callback(cb -> {
          for (var v : states.get()) {
            cb.call("HARD".equals(v.stateType()) ? 1 : 0, v.host(), v.check());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("vigil_check_stale").help("1 when no fresh result arrived within the TTL")
        .labelNames("host", "check").callback(cb -> {
          for (var v : states.get()) {
            cb.call(v.stale() ? 1 : 0, v.host(), v.check());
          }
        }).register(registry);
    GaugeWithCallback.builder().name("vigil_check_suppressed")
        .help("1 when the check's problem is attributed to a failing parent").labelNames("host", "check").callback(cb -> {
          for (var v : states.get()) {
            cb.call(v.suppressedBy() == null || v.suppressedBy().isEmpty() ? 0 : 1, v.host(), v.check());
          }
        }).register(registry);
  }

  static double stateValue(String state) {
    return switch (state) {
      case "OK" -> 0;
      case "WARNING" -> 1;
      case "CRITICAL" -> 2;
      default -> 3;
    };
  }

  void decision(String outcome) {
    decisions.labelValues(outcome).inc();
  }

  void ingested() {
    ingested.inc();
  }

  void alert(String result) {
    alerts.labelValues(result).inc();
  }

  void refused(String action) {
    refused.labelValues(action).inc();
  }

  void retry(String action) {
    retries.labelValues(action).inc();
  }

  void escalation(String policy, String target) {
    escalations.labelValues(policy).inc();
    escalationActive.labelValues(policy, target).set(1);
  }

  void escalationActive(String policy, String target, boolean active) {
    escalationActive.labelValues(policy, target).set(active ? 1 : 0);
  }

  /** A finished action; {@code status} null means fenced. */
  void remediation(String action, ActionRecord.Status status, double seconds) {
    String outcome = status == null ? "fenced" : status.name().toLowerCase(Locale.ROOT);
    remediations.labelValues(action, outcome).inc();
    if (status != null) {
      duration.labelValues(action).observe(seconds);
    }
  }

  void inFlight(int delta) {
    inFlight.inc(delta);
  }

  void breaker(String action, String target, boolean open) {
    breakerOpen.labelValues(action, target).set(open ? 1 : 0);
  }

  void budget(String policy, String target, int remaining) {
    budget.labelValues(policy, target).set(remaining);
  }

  void holds(int n) {
    holds.set(n);
  }

  void leader(boolean isLeader, long term) {
    leader.set(isLeader ? 1 : 0);
    leaderTerm.set(term);
  }
}
