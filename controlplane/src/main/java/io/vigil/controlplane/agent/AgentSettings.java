package io.vigil.controlplane.agent;

import io.vigil.controlplane.config.ConfigException;
import io.vigil.controlplane.config.YamlSection;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeOptions;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code vigil.agent} section: which host this is, its roles, and only what differs from the
 * roles' probes.
 *
 * <pre>{@code
 * vigil:
 *   agent:
 *     host: db1                      # default: this machine's hostname
 *     roles: [database-master, db-pool]
 *     probes:
 *       pg_replication_lag:          # a role's probe: override only what differs
 *         interval: 2s
 *         options: {expect: "replica1,replica2"}
 *       nightly_dump:                # a probe of this host only: needs a type
 *         type: file_freshness
 *         options: {path: /var/backups/pg}
 *     disabled: [memcached]          # role probes this host does not run
 * }</pre>
 *
 * Every probe is built once while parsing, so a bad option fails at start-up with its file and line.
 */
public record AgentSettings(String host, List<String> roles, List<ProbeSpec> probes, Optional<AgentNrpe> nrpe,
    Optional<ReportSender.ReportSettings> report, Optional<Path> reportCa) {

  static final Set<String> KEYS = Set.of("host", "roles", "probes", "disabled", "nrpe", "report");

  public static AgentSettings parse(YamlSection agent, RoleCatalog roleCatalog, ProbeCatalog probeCatalog) {
    agent.rejectUnknown(KEYS);
    String host = agent.string("host").orElseGet(AgentSettings::hostname);
    List<String> roles = agent.strings("roles");
    Map<String, ProbeSpec> probes;
    try {
      probes = new LinkedHashMap<>(roleCatalog.probesOf(roles));
    } catch (ConfigException e) {
      throw agent.errorAt("roles", e.getMessage());
    }
    YamlSection overrides = agent.section("probes");
    for (Map.Entry<String, YamlSection> entry : overrides.sections().entrySet()) {
      String name = entry.getKey();
      probes.put(name, RoleCatalog.spec(name, entry.getValue(), "vigil.agent.probes." + name, probes.get(name)));
    }
    for (String disabled : agent.strings("disabled")) {
      if (probes.remove(disabled) == null) {
        throw agent.errorAt("disabled", "no probe named '" + disabled + "' to disable (probes: "
            + String.join(", ", probes.keySet()) + ")");
      }
    }
    List<ProbeSpec> specs = new ArrayList<>(probes.values());
    for (ProbeSpec spec : specs) {
      try (Probe ignored = probeCatalog.create(spec.type(), spec.name(), spec.options())) {
        // built only to validate its options; the scheduler builds its own
      } catch (IllegalArgumentException e) {
        String where = overrides.has(spec.name()) ? null : spec.origin();
        ConfigException error = where == null
            ? overrides.section(spec.name()).errorAt("options", "probe " + spec.name() + ": " + e.getMessage())
            : agent.errorAt("roles", "probe " + spec.name() + " (" + where + "): " + e.getMessage());
        throw error;
      }
    }
    YamlSection report = agent.section("report");
    return new AgentSettings(host, List.copyOf(roles), List.copyOf(specs), AgentNrpe.parse(agent.section("nrpe")),
        report.keys().isEmpty() ? Optional.empty() : Optional.of(report(report)),
        report.string("ca").map(Path::of));
  }

  /**
   * {@code report: {url: https://planner:8480/api/v1/reports, token: ..., ca: /etc/vigil/ca.pem,
   * buffer: 10000, batch: 500, interval: 1s, timeout: 5s, max_backoff: 30s}}
   */
  static ReportSender.ReportSettings report(YamlSection report) {
    report.rejectUnknown(Set.of("url", "token", "ca", "buffer", "batch", "interval", "timeout", "max_backoff"));
    String url = report.string("url").orElseThrow(() -> report.errorAt("url", "report needs the planner's url"));
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw report.errorAt("url", "not a URL: " + url);
    }
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw report.errorAt("url", "the planner's url must be http or https: " + url);
    }
    String token = report.string("token").orElseThrow(() -> report.errorAt("token", "report needs this agent's token"));
    ProbeOptions o = ProbeOptions.of(report.scalars());
    try {
      return new ReportSender.ReportSettings(uri, token, o.integer("buffer", 10_000), o.integer("batch", 500),
          o.duration("interval", Duration.ofSeconds(1)), o.duration("timeout", Duration.ofSeconds(5)),
          Duration.ofMillis(500), o.duration("max_backoff", Duration.ofSeconds(30)));
    } catch (IllegalArgumentException e) {
      throw report.errorAt("url", "report: " + e.getMessage());
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
