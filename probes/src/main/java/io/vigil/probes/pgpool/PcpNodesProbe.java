package io.vigil.probes.pgpool;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeOptions;
import io.vigil.probes.ProbeType;
import io.vigil.probes.internal.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * pgpool-II's backend nodes over PCP, by running {@code pcp_node_info -a} (an argv list, no shell)
 * with the password taken from a pcppass file, the only way pcp accepts one without a prompt. It
 * sees pgpool even when pgpool's SQL port is saturated, which is why it exists next to
 * {@link PgpoolNodesProbe}; both are judged by the same {@link NodeVerdict} rules.
 *
 * <pre>{@code
 * vigil check pgpool_pcp_nodes -p 59898 --user pcpadmin --pcppass /tmp/vigil-lab/pgpool/pcppass
 * CRITICAL: 1 of 2 nodes up: node 1 127.0.0.1:55433 standby down (streaming async, 0 B behind): since ...
 * }</pre>
 *
 * <p>Options: {@code host} (127.0.0.1), {@code port} (9898), {@code user} (required: the pcp.conf
 * user), {@code pcppass} (as {@code PCPPASSFILE}; default: pcp's own, {@code ~/.pcppass}),
 * {@code node} (one node id; default: all nodes, {@code -a}), {@code command} (/usr/sbin/pcp_node_info), {@code down} (critical, warning or ok),
 * {@code delay_warning}/{@code delay_critical} (bytes), {@code timeout} (5s).
 *
 * <p>pcp's failures as they really come (lab recipe, section 2): an authentication failure (wrong
 * password, or a pcppass that is not 0600, which pcp silently ignores) and an unreachable pgpool
 * exit 1 and are CRITICAL; any other {@code ERROR:}, even with exit status 0, is UNKNOWN with pcp's
 * text; a missing binary is UNKNOWN.
 */
public final class PcpNodesProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("pgpool_pcp_nodes",
      "pgpool-II backend nodes via pcp_node_info (options: host, port, user, pcppass, node, command, "
          + "down=critical|warning|ok, delay_warning, delay_critical in bytes, timeout)",
      (name, o) -> new PcpNodesProbe(name, o.string("host", "127.0.0.1"), pcpPort(o), o.string("user"),
          Optional.ofNullable(o.string("pcppass", null)).map(Path::of), nodeOption(o),
          o.string("command", "/usr/sbin/pcp_node_info"), NodeVerdict.Policy.from(o),
          o.duration("timeout", Duration.ofSeconds(5))));

  private static final int MAX_OUTPUT = 64 * 1024;

  private final String name;
  private final String host;
  private final int port;
  private final String user;
  private final Optional<Path> pcppass;
  private final OptionalInt node;
  private final String command;
  private final NodeVerdict.Policy policy;
  private final Duration timeout;

  PcpNodesProbe(String name, String host, int port, String user, Optional<Path> pcppass, OptionalInt node,
      String command, NodeVerdict.Policy policy, Duration timeout) {
    if (!command.startsWith("/")) {
      // monitoring-plugins guidelines: never execute a command without its full path
      throw new IllegalArgumentException("option 'command': must be an absolute path, got '" + command + "'");
    }
    this.name = name;
    this.host = host;
    this.port = port;
    this.user = user;
    this.pcppass = pcppass;
    this.node = node;
    this.command = command;
    this.policy = policy;
    this.timeout = timeout;
  }

  private static int pcpPort(ProbeOptions o) {
    int port = o.port("port", 9898);
    if (port < 1024) {
      // pcp itself refuses it ("Invalid port number"), printing no ERROR and exiting 0
      throw new IllegalArgumentException("option 'port': " + port + " (expected: 1024..65535, as pcp requires)");
    }
    return port;
  }

  private static OptionalInt nodeOption(ProbeOptions o) {
    int node = o.integer("node", -1);
    if (node < -1 || node > 127) {
      // pgpool's MAX_NUM_BACKENDS is 128
      throw new IllegalArgumentException("option 'node': " + node + " (expected: 0..127)");
    }
    return node < 0 ? OptionalInt.empty() : OptionalInt.of(node);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    // a little more than pcp's own deadline, so the kill below reports, not the runner
    return timeout.plusMillis(500);
  }

  @Override
  public Observation check() throws InterruptedException {
    List<String> argv = new ArrayList<>(List.of(command, "-h", host, "-p", Integer.toString(port), "-U", user, "-w"));
    if (node.isPresent()) {
      argv.addAll(List.of("-n", Integer.toString(node.getAsInt())));
    } else {
      argv.add("-a");
    }
    Map<String, String> env = pcppass.map(p -> Map.of("PCPPASSFILE", p.toString())).orElse(Map.of());
    Subprocess.Outcome run;
    try {
      run = Subprocess.run(argv, env, timeout, MAX_OUTPUT);
    } catch (IOException e) {
      String reason = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
      return Observation.of(CheckState.UNKNOWN, "cannot run " + command + ": " + reason);
    }
    String where = "pcp " + host + ":" + port;
    if (run.timedOut()) {
      return Observation.of(CheckState.CRITICAL, where + ": " + command + " did not answer within "
          + timeout.toMillis() + "ms and was killed");
    }
    Optional<String> error = PcpOutput.error(run.stdout(), run.stderr());
    if (error.isPresent()) {
      String text = error.get();
      if (text.contains("authentication failed")) {
        return Observation.of(CheckState.CRITICAL, where + ": " + text + passFileHint());
      }
      if (text.contains("connection to host") || text.contains("Connection refused") || text.contains("timed out")) {
        return Observation.of(CheckState.CRITICAL, where + ": " + text);
      }
      return Observation.of(CheckState.UNKNOWN, where + ": " + text + " (exit status " + run.exitCode() + ")");
    }
    if (run.exitCode() != 0) {
      String stderr = run.stderr().strip();
      return Observation.of(CheckState.UNKNOWN, where + ": " + command + " exited " + run.exitCode()
          + (stderr.isEmpty() ? " with no message" : ": " + stderr.lines().findFirst().orElse("")));
    }
    try {
      List<PgpoolNode> nodes = PcpOutput.nodes(run.stdout(), node.orElse(0));
      if (nodes.isEmpty()) {
        // e.g. "Invalid port number" for a port below 1024, on stderr with exit status 0
        String stderr = run.stderr().strip();
        return Observation.of(CheckState.UNKNOWN, where + ": " + command + " printed no node"
            + (stderr.isEmpty() ? "" : ": " + stderr.lines().findFirst().orElse("")) + " (exit status 0)");
      }
      return NodeVerdict.judge(nodes, policy, node.isEmpty());
    } catch (IllegalArgumentException e) {
      return Observation.of(CheckState.UNKNOWN, where + ": " + e.getMessage());
    }
  }

  /** Why authentication may have failed without pcp saying so: pcp ignores a bad pcppass silently. */
  private String passFileHint() {
    Path file = pcppass.or(() -> Optional.ofNullable(System.getenv("PCPPASSFILE")).map(Path::of))
        .orElse(Path.of(System.getProperty("user.home"), ".pcppass"));
    if (!Files.exists(file)) {
      return " (pcppass " + file + " does not exist)";
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        return " (pcppass " + file + " is " + PosixFilePermissions.toString(mode)
            + ": pcp ignores a pcppass that others can read; chmod 600 it)";
      }
      return " (pcppass " + file + ": check the password for this user, host and port)";
    } catch (IOException | UnsupportedOperationException e) {
      return " (pcppass " + file + " unreadable: " + e.getMessage() + ")";
    }
  }
}
