package io.vigil.remediations.pgpool;

import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.internal.Options;
import io.vigil.remediations.internal.Targets;
import io.vigil.remediations.postgres.PostgresBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code type: pgpool_attach}: puts a detached standby back into pgpool-II with
 * {@code pcp_attach_node}, only when fresh facts say it is safe (see {@link AttachPreconditions}),
 * then verifies with {@code pcp_node_info} until pgpool reports the node {@code waiting} or
 * {@code up}: pcp returns before the failback, which takes about half a second (lab recipe, section 2).
 *
 * <pre>{@code
 * remediations:
 *   reattach:
 *     type: pgpool_attach
 *     options:
 *       pcp_host: 127.0.0.1
 *       pcp_port: 9898
 *       pcp_user: vigil
 *       pcppass: /var/lib/vigil/pcppass            # written 0600 from pcp_password_file
 *       pcp_password_file: /etc/vigil/secrets/pcp
 *       max_lag_bytes: 16777216
 *       targets:                                    # every pgpool backend, by inventory host
 *         db-master:  {node_id: 0, host: 10.0.0.10, port: 5432}
 *         db-replica: {node_id: 1, host: 10.0.0.11, port: 5432, application_name: replica1}
 * }</pre>
 *
 * <p>The seed's {@code pgpool_failover.sh} (002, 7.12) polled the node with {@code nc} and then
 * attached it blindly, whatever its replication state; this refuses instead and says why.
 */
public final class PgpoolAttach implements Remediation {

  public static final String TYPE = "pgpool_attach";
  static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._-]{0,62}");

  /** One pgpool backend: its pgpool node id and the address Vigil reaches PostgreSQL on. */
  record Backend(String target, int nodeId, String host, int port, Optional<String> applicationName,
      PostgresBackend db) {
  }

  private final PcpClient pcp;
  private final Targets<Backend> backends;
  private final AttachPreconditions checks;
  private final Duration pcpTimeout;

  PgpoolAttach(PcpClient pcp, Map<String, Backend> backends, long maxLagBytes, boolean fencedFailover,
      Duration pcpTimeout) {
    this.pcp = pcp;
    this.backends = new Targets<>(TYPE, "pgpool node", backends);
    this.pcpTimeout = pcpTimeout;
    this.checks = new AttachPreconditions(backends, maxLagBytes, fencedFailover, this::pgpoolStatus);
  }

  /** The {@code pgpool_attach} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, options -> configure(Options.of(options)));
  }

  static PgpoolAttach configure(Options o) {
    String pcpHost = o.matching("pcp_host", "127.0.0.1", HOST, "a host name or address");
    int pcpPort = o.integer("pcp_port", 9898, 1024, 65535);   // pcp refuses ports below 1024, printing no ERROR
    String pcpUser = o.matching("pcp_user", null, NAME, "a pcp.conf user name");
    if (pcpUser == null) {
      throw new IllegalArgumentException("option 'pcp_user': required (the pcp.conf user)");
    }
    Path pcppass = o.absolutePath("pcppass", null);
    if (pcppass == null) {
      throw new IllegalArgumentException("option 'pcppass': required (the pcppass file handed to pcp as PCPPASSFILE)");
    }
    Optional<Path> passwordFile = Optional.ofNullable(o.absolutePath("pcp_password_file", null));
    Path binDir = o.absolutePath("pcp_bin_dir", "/usr/sbin");
    Duration pcpTimeout = o.duration("pcp_timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
    String dbUser = o.matching("db_user", "postgres", NAME, "a PostgreSQL role name");
    String database = o.matching("db_name", "postgres", NAME, "a database name");
    Duration dbTimeout = o.duration("db_timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
    long maxLag = o.longValue("max_lag_bytes", 16L * 1024 * 1024, 0, Long.MAX_VALUE);
    String primaryPolicy = o.choice("primary_policy", "refuse", List.of("refuse", "fenced_failover"));
    Map<String, Options> targets = o.requiredSections("targets", "every pgpool backend by inventory host name, "
        + "e.g. {db-replica1: {node_id: 1, host: 10.0.0.11, port: 5432}}");
    o.rejectUnknown();
    Map<String, Backend> backends = new LinkedHashMap<>();
    Map<Integer, String> ids = new LinkedHashMap<>();
    for (Map.Entry<String, Options> e : targets.entrySet()) {
      Options t = e.getValue();
      if (!t.has("node_id")) {
        throw new IllegalArgumentException("option '" + t.path("node_id") + "': required (pgpool's backend number)");
      }
      int id = t.integer("node_id", -1, 0, 127);   // pgpool's MAX_NUM_BACKENDS is 128
      String host = t.matching("host", null, HOST, "a host name or address");
      if (host == null) {
        throw new IllegalArgumentException("option '" + t.path("host") + "': required (the backend's address)");
      }
      int port = t.port("port", 5432);
      Optional<String> app = Optional.ofNullable(t.matching("application_name", null, NAME, "an application_name"));
      t.rejectUnknown();
      String other = ids.put(id, e.getKey());
      if (other != null) {
        throw new IllegalArgumentException("option '" + t.path("node_id") + "': node " + id + " is also "
            + "targets." + other);
      }
      backends.put(e.getKey(), new Backend(e.getKey(), id, host, port, app,
          new PostgresBackend(host, port, database, dbUser, "pgpool-attach", dbTimeout)));
    }
    PcpClient pcp = new PcpClient(binDir, pcpHost, pcpPort, pcpUser, pcppass, passwordFile);
    return new PgpoolAttach(pcp, Map.copyOf(backends), maxLag, primaryPolicy.equals("fenced_failover"), pcpTimeout);
  }

  @Override
  public String render(ActionTarget target) {
    Backend b = backends.require(target);
    return pcp.render("pcp_attach_node", "-n", Integer.toString(b.nodeId())) + "   # pgpool node " + b.nodeId()
        + " = " + target.host() + " (" + b.host() + ":" + b.port() + "), run on the planner's host";
  }

  @Override
  public Precondition preconditions(ActionTarget target) throws TransientActionException, InterruptedException {
    Backend b = backends.find(target);
    if (b == null) {
      return Precondition.refused(backends.missing(target), Map.of());
    }
    return checks.check(b);
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException, InterruptedException {
    Backend b = backends.find(target);
    if (b == null) {
      return ActionResult.failed(backends.missing(target));
    }
    PcpClient.Run run;
    try {
      run = pcp.run(min(timeout, pcpTimeout), "pcp_attach_node", "-n", Integer.toString(b.nodeId()));
    } catch (IllegalStateException e) {
      return ActionResult.failed(e.getMessage());
    }
    return attachResult(pcp.endpoint() + ", node " + b.nodeId() + " (" + target.host() + ")", run);
  }

  /**
   * Judges what {@code pcp_attach_node} printed: pcp's {@code ERROR:}/{@code FATAL:} text decides
   * before the exit status (it exits 0 on several errors), and success needs its "Command
   * Successful" line (an out-of-range node id prints only a usage complaint, with exit 0).
   */
  static ActionResult attachResult(String where, PcpClient.Run run) {
    if (run.error().isPresent()) {
      String text = run.error().get();
      String hint = text.contains("authentication failed")
          ? " (check pcp_user and the password in the pcppass for this host and port)" : "";
      return new ActionResult(false, run.exitCode(), run.stdout(), run.stderr(),
          where + ": pcp_attach_node failed: " + text + hint + " (exit status " + run.exitCode() + ")");
    }
    if (run.exitCode() != 0) {
      return new ActionResult(false, run.exitCode(), run.stdout(), run.stderr(),
          where + ": pcp_attach_node exited " + run.exitCode());
    }
    if (!run.stdout().contains("Command Successful")) {
      return new ActionResult(false, run.exitCode(), run.stdout(), run.stderr(),
          where + ": pcp_attach_node did not report success");
    }
    return new ActionResult(true, 0, run.stdout(), run.stderr(), where + ": pcp_attach_node succeeded; "
        + "pgpool fails the node back within moments (verify waits for waiting or up)");
  }

  /** Healthy once pgpool reports the node waiting (1) or up (2); pcp answers before the failback. */
  @Override
  public Verdict verify(ActionTarget target) throws InterruptedException {
    Backend b = backends.find(target);
    if (b == null) {
      return Verdict.USE_PROBE;
    }
    try {
      String status = pgpoolStatus(b);
      return status.equals("up") || status.equals("waiting") ? Verdict.HEALTHY : Verdict.NOT_YET;
    } catch (TransientActionException | IllegalStateException e) {
      return Verdict.NOT_YET;
    }
  }

  /**
   * pgpool's status of the node from {@code pcp_node_info -n}: {@code waiting}, {@code up},
   * {@code down} (the third field, 1, 2 or 3).
   *
   * @throws IllegalStateException with pcp's own words when it reports an error (even with exit 0)
   */
  String pgpoolStatus(Backend b) throws TransientActionException, InterruptedException {
    PcpClient.Run run = pcp.run(pcpTimeout, "pcp_node_info", "-n", Integer.toString(b.nodeId()));
    if (run.error().isPresent()) {
      throw new IllegalStateException(pcp.endpoint() + ": pcp_node_info -n " + b.nodeId() + ": " + run.error().get());
    }
    String line = run.stdout().strip();
    String[] fields = line.split(" ", -1);
    if (run.exitCode() != 0 || fields.length < 3) {
      throw new IllegalStateException(pcp.endpoint() + ": pcp_node_info -n " + b.nodeId() + " exited "
          + run.exitCode() + " printing '" + (line.length() > 80 ? line.substring(0, 80) : line) + "'");
    }
    // pgpool's BACKEND_STATUS codes (pool.h): 0 unused, 1 waiting (CON_CONNECT_WAIT), 2 up, 3 down
    return switch (fields[2]) {
      case "0" -> "unused";
      case "1" -> "waiting";
      case "2" -> "up";
      case "3" -> "down";
      default -> "code " + fields[2];
    };
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    backends.forEach(b -> b.db().close());
  }
}
