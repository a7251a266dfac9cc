package io.vigil.controlplane.agent.metrics;

import io.vigil.controlplane.agent.Agent;
import io.vigil.controlplane.agent.ProbeSpec;
import io.vigil.controlplane.agent.ReportSender;
import io.vigil.controlplane.agent.SnapshotStore;
import io.vigil.nagios.nrpe.NrpeServer;
import io.vigil.nagios.nrpe.NrpeServerCounters;
import io.vigil.probes.ProbeResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * What {@link AgentMetrics} reads from an agent at scrape time: its identity and configured probes,
 * the latest snapshots, and counters that other parts keep. Every method must be cheap and do no
 * I/O; {@link #of(Agent)} adapts the real agent, tests build one from snapshots in code.
 */
public interface AgentView {

  /** This agent's host name, as reports and the inventory name it. */
  String host();

  /** The host's roles ({@code database_master}, ...). */
  List<String> roles();

  /** Every configured probe: its name is the {@code check} label, its type and options say what its perfdata means. */
  List<ProbeSpec> probes();

  /** The latest result of every probe that has run at least once. */
  Map<String, ProbeResult> snapshots();

  /** Completed runs of {@code check} since start. */
  long runs(String check);

  /** Calls {@code listener} after every new result, on the scheduler's thread. */
  void onResult(BiConsumer<String, ProbeResult> listener);

  /** The NRPE server's counters, when this agent answers NRPE. */
  Optional<NrpeServerCounters> nrpe();

  /** The report sender's counters, when this agent reports to a planner. */
  Optional<ReportCounts> reports();

  /**
   * @param buffered results waiting to be sent
   * @param sent     results delivered
   * @param retries  failed send attempts, each followed by a backoff
   * @param dropped  results dropped (buffer overflow, or refused as malformed)
   */
  record ReportCounts(long buffered, long sent, long retries, long dropped) {
  }

  /** A view of a running agent. */
  static AgentView of(Agent agent) {
    return new AgentView() {
      @Override
      public String host() {
        return agent.settings().host();
      }

      @Override
      public List<String> roles() {
        return agent.settings().roles();
      }

      @Override
      public List<ProbeSpec> probes() {
        return agent.settings().probes();
      }

      @Override
      public Map<String, ProbeResult> snapshots() {
        return agent.snapshots().all();
      }

      @Override
      public long runs(String check) {
        return agent.scheduler().runs(check);
      }

      @Override
      public void onResult(BiConsumer<String, ProbeResult> listener) {
        agent.snapshots().onResult(listener);
      }

      @Override
      public Optional<NrpeServerCounters> nrpe() {
        return agent.nrpe().map(NrpeServer::counters);
      }

      @Override
      public Optional<ReportCounts> reports() {
        return agent.sender().map(AgentView::counts);
      }
    };
  }

  /**
   * A view over {@code store} with a fixed identity and probes and counters read from suppliers:
   * snapshots built in code, for tests and benchmarks.
   */
  static AgentView over(String host, List<String> roles, List<ProbeSpec> probes, SnapshotStore store,
      ToLongFunction<String> runs, Supplier<Optional<NrpeServerCounters>> nrpe,
      Supplier<Optional<ReportCounts>> reports) {
    return new AgentView() {
      @Override
      public String host() {
        return host;
      }

      @Override
      public List<String> roles() {
        return roles;
      }

      @Override
      public List<ProbeSpec> probes() {
        return probes;
      }

      @Override
      public Map<String, ProbeResult> snapshots() {
        return store.all();
      }

      @Override
      public long runs(String check) {
        return runs.applyAsLong(check);
      }

      @Override
      public void onResult(BiConsumer<String, ProbeResult> listener) {
        store.onResult(listener);
      }

      @Override
      public Optional<NrpeServerCounters> nrpe() {
        return nrpe.get();
      }

      @Override
      public Optional<ReportCounts> reports() {
        return reports.get();
      }
    };
  }

  private static ReportCounts counts(ReportSender s) {
    return new ReportCounts(s.buffered(), s.sent(), s.failures(), s.dropped());
  }
}
