package io.vigil.controlplane.agent.runtime;

import io.micronaut.serde.ObjectMapper;
import io.vigil.controlplane.VigilVersion;
import io.vigil.controlplane.agent.Agent;
import io.vigil.controlplane.agent.AgentSettings;
import io.vigil.controlplane.agent.metrics.AgentMetrics;
import io.vigil.controlplane.config.ConfigException;
import io.vigil.nagios.nrpe.NrpeServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * {@code vigil agent} without the Micronaut application: the {@link Agent} (probes, scheduler,
 * snapshots, NRPE, reports) and {@link AgentHttp} for {@code /health} and {@code /metrics} (JVM
 * meters, {@code vigil_build_info} and {@link AgentMetrics}), nothing else. An agent sits on every host next to the services it watches, so it is kept small: this
 * runtime loads about a third of the classes the full application does, which is most of the
 * difference between 115 MB and well under 90 MB resident. {@code vigil run} and
 * {@code vigil planner} keep the application.
 *
 * <pre>{@code
 * int code = AgentRuntime.start(Path.of("/etc/vigil/agent.yml"), config.agent(), System.err);
 * }</pre>
 */
public final class AgentRuntime implements AutoCloseable {

  private final Agent agent;
  private final AgentMeters meters;
  private final AgentHttp http;

  private AgentRuntime(Agent agent, AgentMeters meters, AgentHttp http) {
    this.agent = agent;
    this.meters = meters;
    this.http = http;
  }

  /**
   * Starts the agent from already validated settings, NRPE first, then HTTP; stops it on JVM
   * shutdown. Returns -1 when it runs, 2 for a bad {@code micronaut.server} section, 1 when it cannot
   * start (a port in use), after printing one line to {@code err}.
   *
   * @param configFile the file the settings came from, or null for the bundled example
   */
  public static int start(Path configFile, AgentSettings settings, PrintStream err) {
    HttpListen listen;
    try {
      listen = HttpListen.of(configFile);
    } catch (ConfigException e) {
      err.println("vigil: bad configuration: " + e.getMessage());
      return 2;
    }
    AgentRuntime runtime;
    try {
      runtime = open(settings, listen);
    } catch (IOException | RuntimeException e) {
      err.println("vigil: failed to start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "vigil-shutdown"));
    LoggerFactory.getLogger(AgentRuntime.class).info("Vigil {} agent serving on http://{}:{} (config {})",
        VigilVersion.get(), listen.host(), runtime.httpAddress().getPort(),
        configFile == null ? "classpath:" + io.vigil.controlplane.config.ConfigFile.BUNDLED_EXAMPLE : "file:" + configFile);
    return -1;
  }

  /** Starts everything, or nothing: what started is closed again when a later part fails. */
  static AgentRuntime open(AgentSettings settings, HttpListen listen) throws IOException {
    // The agent (probes, NRPE) first, so Nagios gets answers before the HTTP side is up.
    Agent agent = new Agent(settings, ObjectMapper::getDefault);
    AgentMeters meters = null;
    try {
      meters = new AgentMeters();
      AgentMetrics.register(meters.registry(), agent);
      AgentHttp http = AgentHttp.start(listen, meters.registry(), new AgentHealth(agent));
      return new AgentRuntime(agent, meters, http);
    } catch (IOException | RuntimeException e) {
      if (meters != null) {
        meters.close();
      }
      agent.close();
      throw e;
    }
  }

  Agent agent() {
    return agent;
  }

  java.net.InetSocketAddress httpAddress() {
    return http.localAddress();
  }

  @Override
  public void close() {
    http.close();
    agent.close();
    meters.close();
  }

  /** UP while the agent's NRPE server, when it has one, still listens. */
  private record AgentHealth(Agent agent) implements AgentHttp.Health {
    @Override
    public boolean up() {
      return agent.nrpe().map(NrpeServer::isRunning).orElse(true);
    }

    @Override
    public String details() {
      return "\"host\":" + quote(agent.settings().host()) + ",\"probes\":" + agent.settings().probes().size()
          + ",\"nrpe\":" + agent.nrpe().map(n -> quote(n.localAddress().getHostString() + ":"
              + n.localAddress().getPort())).orElse("null");
    }

    private static String quote(String s) {
      StringBuilder out = new StringBuilder(s.length() + 2).append('"');
      for (char c : s.toCharArray()) {
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append('"').toString();
    }
  }
}
