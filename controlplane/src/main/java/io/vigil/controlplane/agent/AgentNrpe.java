package io.vigil.controlplane.agent;

import io.vigil.controlplane.config.YamlSection;
import io.vigil.nagios.config.NrpeCfgCommands;
import io.vigil.nagios.config.NrpeConfig;
import io.vigil.nagios.config.NrpeConfigException;
import io.vigil.nagios.nrpe.AllowedHosts;
import io.vigil.nagios.nrpe.NrpeCommands;
import io.vigil.nagios.nrpe.NrpeServerConfig;
import io.vigil.probes.ProbeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's NRPE endpoint from {@code vigil.agent.nrpe}: Vigil's probes answer as
 * {@code check_<probe>} from their snapshots, and an existing nrpe.cfg's {@code command[...]} lines
 * keep working unchanged.
 *
 * <pre>{@code
 * nrpe:
 *   listen: 0.0.0.0:5666
 *   tls: tls                      # tls (default) | client-cert | plaintext | legacy-anon-dh (insecure)
 *   certificate: /etc/vigil/agent.pem
 *   key: /etc/vigil/agent.key     # PKCS#8 PEM
 *   client_ca: /etc/vigil/nagios-ca.pem   # with tls: client-cert
 *   allowed_hosts: [127.0.0.1, "::1", 10.0.0.0/8]
 *   read_timeout: 5s
 *   command_timeout: 60s
 *   nrpe_cfg: /etc/nagios/nrpe.cfg
 * }</pre>
 */
record AgentNrpe(NrpeServerConfig server, Optional<NrpeConfig> nrpeCfg) {

  static final Set<String> KEYS = Set.of("enabled", "listen", "tls", "certificate", "key", "client_ca", "allowed_hosts",
      "read_timeout", "command_timeout", "max_connections", "nrpe_cfg");

  /** Empty when the section is absent or {@code enabled: false}. */
  static Optional<AgentNrpe> parse(YamlSection nrpe) {
    if (nrpe.keys().isEmpty()) {
      return Optional.empty();
    }
    nrpe.rejectUnknown(KEYS);
    if (!nrpe.bool("enabled").orElse(true)) {
      return Optional.empty();
    }
    NrpeServerConfig.Builder b = NrpeServerConfig.builder();
    String listen = nrpe.string("listen").orElse("127.0.0.1:" + NrpeServerConfig.DEFAULT_PORT);
    int colon = listen.lastIndexOf(':');
    try {
      b.bind(listen.substring(0, colon).replaceAll("^\\[|]$", ""), Integer.parseInt(listen.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw nrpe.errorAt("listen", "listen: '" + listen + "' (expected HOST:PORT)");
    }
    String mode = nrpe.string("tls").orElse("tls");
    Optional<Path> cert = nrpe.string("certificate").map(Path::of);
    Optional<Path> key = nrpe.string("key").map(Path::of);
    try {
      switch (mode) {
        case "tls" -> b.tls(serverKey(nrpe, cert, key));
        case "client-cert" -> b.tlsWithClientCertificates(serverKey(nrpe, cert, key), nrpe.string("client_ca")
            .map(Path::of).orElseThrow(() -> nrpe.errorAt("client_ca", "tls: client-cert needs client_ca")));
        case "plaintext" -> b.plaintext();
        case "legacy-anon-dh" -> b.legacyAnonymousDh();
        default -> throw nrpe.errorAt("tls", "tls: '" + mode + "' (expected tls, client-cert, plaintext or legacy-anon-dh)");
      }
      List<String> hosts = nrpe.strings("allowed_hosts");
      b.allowedHosts(hosts.isEmpty() ? AllowedHosts.LOCALHOST : AllowedHosts.of(hosts));
      ProbeOptions o = ProbeOptions.of(nrpe.scalars());
      b.readTimeout(o.duration("read_timeout", NrpeServerConfig.DEFAULT_READ_TIMEOUT));
      b.commandTimeout(o.duration("command_timeout", NrpeServerConfig.DEFAULT_COMMAND_TIMEOUT));
      b.maxConnections(o.integer("max_connections", NrpeServerConfig.DEFAULT_MAX_CONNECTIONS));
      NrpeServerConfig server = b.build();
      Optional<NrpeConfig> cfg = Optional.empty();
      if (nrpe.has("nrpe_cfg")) {
        Path file = Path.of(nrpe.string("nrpe_cfg").orElseThrow());
        try {
          cfg = Optional.of(NrpeConfig.parse(file));
        } catch (NrpeConfigException e) {
          throw nrpe.errorAt("nrpe_cfg", "nrpe_cfg: " + String.join("; ", e.problems()));
        }
      }
      return Optional.of(new AgentNrpe(server, cfg));
    } catch (IllegalArgumentException e) {
      throw nrpe.errorAt("tls", "nrpe: " + e.getMessage());
    }
  }

  private static NrpeServerConfig.ServerKey serverKey(YamlSection nrpe, Optional<Path> cert, Optional<Path> key) {
    if (cert.isEmpty() || key.isEmpty()) {
      throw nrpe.errorAt("tls", "tls needs 'certificate' and 'key' (PEM); for check_nrpe -n use tls: plaintext");
    }
    return NrpeServerConfig.ServerKey.pem(cert.get(), key.get());
  }

  /** Vigil's snapshot commands first, then the nrpe.cfg commands. */
  NrpeCommands commands(AgentNrpeCommands snapshots, List<AutoCloseable> toClose) {
    List<NrpeCommands> sources = new ArrayList<>();
    sources.add(snapshots);
    nrpeCfg.ifPresent(cfg -> {
      NrpeCfgCommands commands = NrpeCfgCommands.of(cfg);
      toClose.add(commands);
      sources.add(commands);
    });
    return NrpeCommands.firstOf(sources);
  }
}
