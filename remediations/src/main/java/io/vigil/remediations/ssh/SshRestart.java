package io.vigil.remediations.ssh;

import com.jcraft.jsch.JSchException;
import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.internal.Options;
import io.vigil.remediations.internal.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code type: ssh_restart}: runs an allow-listed command on the target host over SSH, such as the
 * seed's {@code /etc/init.d/celeryd-services restart} (002, section 8). Keys only, the host key
 * checked strictly against a managed known_hosts, one kept session per host. The command is a
 * {@link CommandTemplate} chosen by the target's configuration; only its placeholders take values,
 * from the target's {@code params} or else the action's parameters, each checked against
 * {@link CommandTemplate#VALUE} and single-quoted.
 *
 * <pre>{@code
 * remediations:
 *   restart-pdf-worker:
 *     type: ssh_restart
 *     options:
 *       identity: /etc/vigil/ssh/id_ed25519
 *       known_hosts: /etc/vigil/ssh/known_hosts
 *       templates:
 *         celeryd: /etc/init.d/celeryd-services restart
 *         systemd: systemctl restart {service}
 *       targets:
 *         pdf-worker-1: {address: 10.0.1.21, template: celeryd}
 *         omero-1: {address: 10.0.2.5, template: systemd, params: {service: omero-web}}
 * }</pre>
 */
public final class SshRestart implements Remediation {

  public static final String TYPE = "ssh_restart";
  static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
  static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");

  /** Where and what: the host's SSH address, login, template and fixed parameters. */
  record Host(String name, String address, int port, String user, String templateName, CommandTemplate template,
      Map<String, String> params) {
  }

  private final SshSessions sessions;
  private final Targets<Host> hosts;
  private final Path identity;
  private final Path knownHosts;
  private final Duration commandTimeout;

  SshRestart(String type, SshSessions sessions, Map<String, Host> hosts, Path identity, Path knownHosts,
      Duration commandTimeout) {
    this.sessions = sessions;
    this.hosts = new Targets<>(type, "SSH target", hosts);
    this.identity = identity;
    this.knownHosts = knownHosts;
    this.commandTimeout = commandTimeout;
  }

  /** The {@code ssh_restart} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, options -> {
      Options o = Options.of(options);
      SshRestart r = read(TYPE, o);
      o.rejectUnknown();
      return r;
    });
  }

  /** Reads the SSH options shared with {@code celery_restart}; the caller rejects unknown keys. */
  static SshRestart read(String type, Options o) {
    String user = o.matching("user", "root", USER, "a login name");
    Path identity = o.absolutePath("identity", null);
    Path knownHosts = o.absolutePath("known_hosts", null);
    if (identity == null) {
      throw new IllegalArgumentException("option 'identity': required (the private key file; keys are the only login)");
    }
    if (knownHosts == null) {
      throw new IllegalArgumentException("option 'known_hosts': required (host keys are always checked strictly)");
    }
    for (Path p : new Path[] {identity, knownHosts}) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("option '" + (p == identity ? "identity" : "known_hosts") + "': " + p
            + " is not a readable file");
      }
    }
    Duration connect = o.duration("connect_timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
    Duration command = o.duration("command_timeout", Duration.ofSeconds(60), Duration.ofMillis(100), Duration.ofMinutes(30));
    Map<String, String> templateTexts = o.strings("templates");
    if (templateTexts.isEmpty()) {
      throw new IllegalArgumentException("option 'templates': required: the allowed commands by name, "
          + "e.g. {celeryd: /etc/init.d/celeryd-services restart}");
    }
    Map<String, CommandTemplate> templates = new LinkedHashMap<>();
    templateTexts.forEach((name, text) -> templates.put(name, CommandTemplate.parse("templates." + name, text)));
    Map<String, Options> targets = o.requiredSections("targets", "each host by inventory name, "
        + "e.g. {pdf-worker-1: {address: 10.0.1.21, template: celeryd}}");
    Map<String, Host> hosts = new LinkedHashMap<>();
    for (Map.Entry<String, Options> e : targets.entrySet()) {
      Options t = e.getValue();
      String address = t.matching("address", null, ADDRESS, "a host name or address");
      if (address == null) {
        throw new IllegalArgumentException("option '" + t.path("address") + "': required (where sshd listens)");
      }
      int port = t.port("port", 22);
      String login = t.matching("user", user, USER, "a login name");
      String templateName = t.string("template", templates.size() == 1 ? templates.keySet().iterator().next() : null);
      if (templateName == null || !templates.containsKey(templateName)) {
        throw new IllegalArgumentException("option '" + t.path("template") + "': "
            + (templateName == null ? "required" : "unknown template '" + templateName + "'")
            + " (templates: " + String.join(", ", templates.keySet().stream().sorted().toList()) + ")");
      }
      Map<String, String> params = t.strings("params");
      params.forEach((name, value) -> {
        try {
          CommandTemplate.checkValue(name, value);
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("option '" + t.path("params") + "." + name + "': " + ex.getMessage());
        }
      });
      t.rejectUnknown();
      hosts.put(e.getKey(), new Host(e.getKey(), address, port, login, templateName, templates.get(templateName),
          Map.copyOf(params)));
    }
    return new SshRestart(type, new SshSessions(identity, knownHosts, connect), hosts, identity, knownHosts, command);
  }

  /** The target's configuration (for celery_restart's queue). */
  Host host(ActionTarget target) {
    return hosts.require(target);
  }

  Host find(ActionTarget target) {
    return hosts.find(target);
  }

  /** The remote command line: the template with the target's, then the action's, values, quoted. */
  String command(ActionTarget target) {
    Host h = hosts.require(target);
    Map<String, String> values = new HashMap<>(target.params());
    values.putAll(h.params());   // configuration wins over anything the event or policy brought
    return h.template().command(values);
  }

  @Override
  public String render(ActionTarget target) {
    Host h = hosts.require(target);
    return "ssh -p " + h.port() + " " + h.user() + "@" + h.address() + " " + command(target)
        + "   # " + h.name() + ", template " + h.templateName() + "; key " + identity + ", known_hosts "
        + knownHosts + " (strict)";
  }

  @Override
  public Precondition preconditions(ActionTarget target) {
    Host h = hosts.find(target);
    if (h == null) {
      return Precondition.refused(hosts.missing(target), Map.of());
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("ssh", h.user() + "@" + h.address() + ":" + h.port());
    facts.put("template", h.templateName());
    try {
      facts.put("command", command(target));
    } catch (IllegalArgumentException e) {
      return Precondition.refused(h.name() + ": " + e.getMessage(), facts);
    }
    return Precondition.holds(h.name() + ": allow-listed command " + h.templateName(), facts);
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException, InterruptedException {
    Host h = hosts.find(target);
    if (h == null) {
      return ActionResult.failed(hosts.missing(target));
    }
    String command;
    try {
      command = command(target);
    } catch (IllegalArgumentException e) {
      return ActionResult.failed(h.name() + ": " + e.getMessage());
    }
    String where = "ssh " + h.user() + "@" + h.address() + ":" + h.port();
    Duration limit = timeout.compareTo(commandTimeout) < 0 ? timeout : commandTimeout;
    SshSessions.Outcome out;
    try {
      out = sessions.exec(h.user(), h.address(), h.port(), command, limit);
    } catch (JSchException e) {
      return ActionResult.failed(SshFailure.classify(where, e));
    }
    if (out.timedOut()) {
      return new ActionResult(false, -1, out.stdout(), out.stderr(), where + ": " + command + " did not finish within "
          + limit.toMillis() + "ms; the channel was closed (the command may still be running)");
    }
    return new ActionResult(out.exitCode() == 0, out.exitCode(), out.stdout(), out.stderr(),
        where + ": " + command + " exited " + out.exitCode());
  }

  /** For tests: kept sessions. */
  int openSessions() {
    return sessions.open();
  }

  @Override
  public void close() {
    sessions.close();
  }
}
