package io.vigil.controlplane.planner.engine;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.agent.ProbeScheduler;
import io.vigil.controlplane.agent.SnapshotStore;
import io.vigil.controlplane.planner.ReportIngest;
import io.vigil.controlplane.planner.leader.Leadership;
import io.vigil.controlplane.planner.store.PlannerStore;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeRunner;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running planner: store and leadership, the engine and its executor, the planner's own probes,
 * the periodic tick, and agent reports flowing in from {@link ReportIngest}. Built from the
 * configuration by {@link PlannerBeans} in the application, or directly by tests and benchmarks.
 */
public final class PlannerRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PlannerRuntime.class);

  private final PlannerSettings settings;
  private final PlannerStore store;
  private final Leadership leadership;
  private final PlannerEngine engine;
  private final ActionExecutor executor;
  private final PlannerMetrics metrics;
  private final ProbeScheduler probes;
  private final ProbeRunner runner;
  private final ScheduledExecutorService ticker;
  private final AtomicLong tickErrors = new AtomicLong();

  /**
   * Opens the store, starts the probes, the tick and the campaign for leadership.
   *
   * @param ingest where agent reports arrive (null when none do, as in a benchmark feeding the engine)
   */
  public PlannerRuntime(PlannerSettings settings, ReportIngest ingest, PrometheusRegistry registry, Clock clock) {
    this.settings = settings;
    this.store = Stores.open(settings);
    this.metrics = new PlannerMetrics(registry);
    this.engine = new PlannerEngine(settings, store, clock, metrics);
    engine.storeName(settings.store().type());
    this.executor = new ActionExecutor(engine, clock, metrics);
    metrics.bind(engine::allStates);
    if (ingest != null) {
      ingest.onAccepted((agent, probe, state, summary, at) -> engine.ingest(agent, probe, state, summary, at,
          "agent:" + agent));
      bindIngestMetrics(ingest, registry);
    }
    this.runner = new ProbeRunner();
    SnapshotStore snapshots = new SnapshotStore();
    Map<String, PlannerSettings.PlannerProbe> byName = new HashMap<>();
    List<ProbeScheduler.Scheduled> scheduled = new ArrayList<>();
    for (PlannerSettings.PlannerProbe p : settings.probes()) {
      byName.put(p.name(), p);
      scheduled.add(new ProbeScheduler.Scheduled(ProbeCatalog.standard().create(p.type(), p.name(), p.options()),
          p.interval()));
    }
    snapshots.onResult((name, result) -> {
      PlannerSettings.PlannerProbe p = byName.get(name);
      if (p != null) {
        engine.ingest(p.host(), p.check(), result.state(), result.summary(), result.at(), "planner-probe:" + name);
      }
    });
    this.probes = new ProbeScheduler(scheduled, runner, snapshots, 2, new Random());
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-planner-tick");
      t.setDaemon(true);
      return t;
    });
    this.leadership = Stores.leadership(settings, store);
    probes.start();
    long every = settings.interval().toMillis();
    ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    leadership.start(engine::elected, engine::deposed);
    LOG.info("planner {} started: store {}, {} policies, {} planner probes", settings.node(), settings.store().type(),
        settings.policies().size(), settings.probes().size());
  }

  private void tick() {
    try {
      engine.tick();
    } catch (RuntimeException e) {
      tickErrors.incrementAndGet();
      LOG.warn("planner tick failed: {}", e.toString());
    }
  }

  private static void bindIngestMetrics(ReportIngest ingest, PrometheusRegistry registry) {
    CounterWithCallback.builder().name("vigil_reports_received_total").help("Agent reports taken")
        .labelNames("result").callback(cb -> cb.call(ingest.reportsTotal(), "accepted")).register(registry);
    CounterWithCallback.builder().name("vigil_results_rejected_total").help("Check results refused")
        .callback(cb -> cb.call(ingest.rejectedTotal())).register(registry);
    GaugeWithCallback.builder().name("vigil_agent_last_report_timestamp_seconds")
        .help("When the agent last reported, Unix seconds").labelNames("agent").callback(cb -> {
          for (var e : ingest.lastReports().entrySet()) {
            cb.call(e.getValue().toEpochMilli() / 1000.0, e.getKey());
          }
        }).register(registry);
  }

  public PlannerOperations operations() {
    return engine;
  }

  public PlannerEngine engine() {
    return engine;
  }

  public PlannerSettings settings() {
    return settings;
  }

  public Leadership leadership() {
    return leadership;
  }

  public long tickErrors() {
    return tickErrors.get();
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    probes.close();
    runner.close();
    leadership.close();
    executor.close();
    engine.close();
    for (var r : settings.remediations().values()) {
      try {
        r.remediation().close();
      } catch (RuntimeException e) {
        LOG.debug("closing remediation {}", r.name(), e);
      }
    }
    store.close();
  }
}
