package io.vigil.controlplane.agent;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.serde.ObjectMapper;
import io.vigil.controlplane.config.VigilConfig;
import io.vigil.nagios.nrpe.NrpeServer;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeRunner;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: builds this host's probes from its roles and overrides, runs them on the scheduler and
 * keeps their latest results in the {@link SnapshotStore} that NRPE, /metrics and reports read.
 * Enabled by {@code vigil agent} and {@code vigil run}.
 */
@Context
@Requires(property = "vigil.agent.enabled", value = "true")
public final class Agent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentSettings settings;
  private final SnapshotStore store = new SnapshotStore();
  private final ProbeRunner runner = new ProbeRunner();
  private final ProbeScheduler scheduler;
  private final AgentNrpeCommands nrpeCommands;

  private final ReportSender sender;
  private final NrpeServer nrpe;
  private final List<AutoCloseable> closeables = new java.util.ArrayList<>();

  @jakarta.inject.Inject
  public Agent(VigilConfig config, ObjectMapper json) {
    this(config.agent(), () -> json);
  }

  /** An agent started outside the application context; the JSON mapper is made only if it reports. */
  public Agent(AgentSettings settings, java.util.function.Supplier<ObjectMapper> json) {
    this.settings = settings;
    ProbeCatalog catalog = ProbeCatalog.standard();
    Map<String, Duration> staleAfter = new LinkedHashMap<>();
    List<ProbeScheduler.Scheduled> scheduled = settings.probes().stream().map(spec -> {
      var probe = catalog.create(spec.type(), spec.name(), spec.options());
      staleAfter.put(spec.name(), AgentNrpeCommands.staleBound(spec.interval(), probe.timeout()));
      return new ProbeScheduler.Scheduled(probe, spec.interval());
    }).toList();
    this.scheduler = new ProbeScheduler(scheduled, runner, store, 2, new Random());
    this.nrpeCommands = new AgentNrpeCommands(store, staleAfter, Clock.systemUTC());
    Map<String, String> types = new LinkedHashMap<>();
    settings.probes().forEach(spec -> types.put(spec.name(), spec.type()));
    this.sender = settings.report().map(report -> new ReportSender(report, settings.host(),
        ReportHttp.client(settings.reportCa()), json.get(), Clock.systemUTC())).orElse(null);
    if (sender != null) {
      store.onResult((probe, result) -> sender.offer(probe, types.get(probe), result));
      sender.start();
      LOG.info("agent {} reports to {}", settings.host(), settings.report().get().url());
    }
    scheduler.start();
    this.nrpe = settings.nrpe().map(n -> {
      try {
        NrpeServer server = NrpeServer.start(n.server(), n.commands(nrpeCommands, closeables));
        LOG.info("agent {} answers NRPE on {} ({})", settings.host(), server.localAddress(), n.server().tlsMode());
        return server;
      } catch (java.io.IOException e) {
        scheduler.close();
        throw new IllegalStateException(e.getMessage(), e); // already names the address and the cause
      }
    }).orElse(null);
    LOG.info("agent {} (roles {}) runs {} probes: {}", settings.host(), settings.roles(), scheduled.size(),
        settings.probes().stream().map(ProbeSpec::name).toList());
  }

  public AgentSettings settings() {
    return settings;
  }

  public SnapshotStore snapshots() {
    return store;
  }

  public ProbeScheduler scheduler() {
    return scheduler;
  }

  public AgentNrpeCommands nrpeCommands() {
    return nrpeCommands;
  }

  /** The sender to the planner, when this agent reports to one over HTTP. */
  public java.util.Optional<ReportSender> sender() {
    return java.util.Optional.ofNullable(sender);
  }

  /** The NRPE server, when configured. */
  public java.util.Optional<NrpeServer> nrpe() {
    return java.util.Optional.ofNullable(nrpe);
  }

  @PreDestroy
  @Override
  public void close() {
    if (nrpe != null) {
      nrpe.close();
    }
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("closing {}: {}", c, e.toString());
      }
    }
    if (sender != null) {
      sender.close();
    }
    scheduler.close();
    runner.close();
  }
}
