package io.vigil.controlplane.agent.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vigil.controlplane.agent.Agent;
import io.vigil.controlplane.agent.ProbeSpec;
import io.vigil.controlplane.agent.metrics.Families.Family;
import io.vigil.nagios.nrpe.NrpeServerCounters;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import io.vigil.probes.CheckState;
import io.vigil.probes.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's metrics, named as docs/metrics.md lists them, as one collector that reads the agent's
 * snapshots and counters at scrape time. A scrape does no probe I/O: it copies the snapshot map once
 * and turns every result into samples.
 *
 * <pre>{@code
 * AgentMetrics.register(registry, agent);   // Micronaut does this in AgentMetricsBinder
 * }</pre>
 */
public final class AgentMetrics implements MultiCollector {

  static final Family PROBE_STATE = new Family("vigil_probe_state",
      "Latest state of the probe (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)", false, "check");
  static final Family PROBE_DURATION = new Family("vigil_probe_duration_seconds",
      "Wall time of the probe's latest run in seconds", false, "check");
  static final Family PROBE_RUNS = new Family("vigil_probe_runs_total", "Probe runs finished", true, "check");
  static final Family PROBE_ERRORS = new Family("vigil_probe_errors_total",
      "Probe runs that ended UNKNOWN or at the deadline because the probe itself failed", true, "check");
  static final Family PROBE_LAST_RUN = new Family("vigil_probe_last_run_timestamp_seconds",
      "End of the probe's latest run, Unix seconds", false, "check");
  static final Family NRPE_REQUESTS = new Family("vigil_nrpe_requests_total",
      "NRPE requests by packet version and result (ok: answered; rejected connections have version unknown)",
      true, "version", "result");
  static final Family REPORTS_BUFFERED = new Family("vigil_reports_buffered",
      "Results waiting to be sent to the planner", false);
  static final Family REPORTS_SENT = new Family("vigil_reports_sent_total",
      "Report deliveries to the planner by result (ok: results delivered, retry: failed attempts, dropped: results lost)",
      true, "result");
  static final Family HOST_ROLE = new Family("vigil_host_role", "1 for every role this agent's host has", false,
      "host", "role");

  /** ProbeRunner's summary for a run it ended at the deadline (it answers CRITICAL, after the guidelines). */
  private static final String TIMED_OUT = "timed out after ";

  private final AgentView agent;
  private final List<Family> families;
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Families.LabelCache labels = new Families.LabelCache();

  private AgentMetrics(AgentView agent) {
    this.agent = agent;
    List<Family> all = new ArrayList<>(List.of(PROBE_STATE, PROBE_DURATION, PROBE_RUNS, PROBE_ERRORS, PROBE_LAST_RUN));
    all.addAll(ProbeMeasurements.ALL);
    all.addAll(List.of(NRPE_REQUESTS, REPORTS_BUFFERED, REPORTS_SENT, HOST_ROLE));
    this.families = List.copyOf(all);
    agent.probes().forEach(p -> errors.put(p.name(), new LongAdder()));
    agent.onResult(this::count);
  }

  /** Registers the metrics of a running agent; the stable entry point for any runtime that serves {@code registry}. */
  public static AgentMetrics register(PrometheusRegistry registry, Agent agent) {
    return register(registry, AgentView.of(agent));
  }

  /** Registers the metrics of whatever {@code agent} views; tests build the view from snapshots in code. */
  public static AgentMetrics register(PrometheusRegistry registry, AgentView agent) {
    AgentMetrics metrics = new AgentMetrics(agent);
    registry.register(metrics);
    return metrics;
  }

  private void count(String check, ProbeResult result) {
    if (isError(result)) {
      errors.computeIfAbsent(check, c -> new LongAdder()).increment();
    }
  }

  static boolean isError(ProbeResult result) {
    return result.state() == CheckState.UNKNOWN || result.summary().startsWith(TIMED_OUT);
  }

  @Override
  public MetricSnapshots collect() {
    Families out = new Families(families, labels);
    Map<String, ProbeResult> snapshots = agent.snapshots();
    String host = agent.host();
    for (ProbeSpec spec : agent.probes()) {
      String check = spec.name();
      out.add(PROBE_RUNS, agent.runs(check), check);
      LongAdder e = errors.get(check);
      out.add(PROBE_ERRORS, e == null ? 0 : e.sum(), check);
      ProbeResult result = snapshots.get(check);
      if (result == null) {
        continue;
      }
      out.add(PROBE_STATE, result.state().exitCode(), check);
      out.add(PROBE_DURATION, result.took().toNanos() / 1e9, check);
      out.add(PROBE_LAST_RUN, result.at().plus(result.took()).toEpochMilli() / 1e3, check);
      ProbeMeasurements.add(spec, result, host, out);
    }
    agent.nrpe().ifPresent(counters -> nrpe(counters, out));
    agent.reports().ifPresent(r -> {
      out.add(REPORTS_BUFFERED, r.buffered());
      out.add(REPORTS_SENT, r.sent(), "ok");
      out.add(REPORTS_SENT, r.retries(), "retry");
      out.add(REPORTS_SENT, r.dropped(), "dropped");
    });
    for (String role : agent.roles()) {
      out.add(HOST_ROLE, 1, host, role);
    }
    return out.snapshots();
  }

  /**
   * Answered queries per packet version count as {@code ok} whatever the plugin's state (that is in
   * {@code vigil_probe_state}); refused arguments and every other rejection are counted apart.
   * The server counts rejections without the packet version (most happen before a packet is read).
   */
  private static void nrpe(NrpeServerCounters c, Families out) {
    for (int version = 2; version <= 4; version++) {
      long answered = 0;
      for (NrpeServerCounters.Result r : NrpeServerCounters.Result.values()) {
        answered += c.requests(version, r);
      }
      out.add(NRPE_REQUESTS, answered, Integer.toString(version), "ok");
    }
    long argumentsRefused = c.rejected(RejectReason.ARGUMENTS_REFUSED);
    out.add(NRPE_REQUESTS, argumentsRefused, "unknown", "arguments_refused");
    out.add(NRPE_REQUESTS, c.rejectedTotal() - argumentsRefused, "unknown", "rejected");
  }

  @Override
  public List<String> getPrometheusNames() {
    return families.stream().map(Family::modelName).toList();
  }
}
