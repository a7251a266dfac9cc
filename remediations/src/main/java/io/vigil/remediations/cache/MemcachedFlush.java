package io.vigil.remediations.cache;

import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.internal.Options;
import io.vigil.remediations.internal.Targets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code type: memcached_flush}: {@code flush_all} over memcached's text protocol to the one node
 * the target names (the planner's blast-radius cap keeps it to one node at a time), verified by
 * {@code stats}: healthy once {@code curr_items} is 0. In memcached 1.6.18 flushed items are gone
 * at once but {@code curr_items} still counts them for a moment (measured on the lab: 5 right after
 * {@code OK}, 0 after 0.3 s), so verify is polled, not read once.
 *
 * <pre>{@code
 * remediations:
 *   flush-cache:
 *     type: memcached_flush
 *     options:
 *       targets: {cache-1: {host: 10.0.3.1, port: 11211}, cache-2: {host: 10.0.3.2}}
 * }</pre>
 */
public final class MemcachedFlush implements Remediation {

  public static final String TYPE = "memcached_flush";
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");

  record Node(String host, int port) {
    String address() {
      return host + ":" + port;
    }
  }

  private final Targets<Node> nodes;
  private final Duration timeout;

  MemcachedFlush(Targets<Node> nodes, Duration timeout) {
    this.nodes = nodes;
    this.timeout = timeout;
  }

  /** The {@code memcached_flush} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, options -> {
      Options o = Options.of(options);
      Duration timeout = o.duration("timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
      Map<String, Options> targets = o.requiredSections("targets", "each memcached node by inventory host name, "
          + "e.g. {cache-1: {host: 10.0.3.1, port: 11211}}");
      o.rejectUnknown();
      Map<String, Node> nodes = new LinkedHashMap<>();
      targets.forEach((name, t) -> {
        String host = t.matching("host", null, HOST, "a host name or address");
        if (host == null) {
          throw new IllegalArgumentException("option '" + t.path("host") + "': required");
        }
        nodes.put(name, new Node(host, t.port("port", 11211)));
        t.rejectUnknown();
      });
      return new MemcachedFlush(new Targets<>(TYPE, "memcached node", nodes), timeout);
    });
  }

  @Override
  public String render(ActionTarget target) {
    return "flush_all   # memcached text protocol to " + target.host() + " (" + nodes.require(target).address() + ")";
  }

  @Override
  public Precondition preconditions(ActionTarget target) throws TransientActionException {
    Node n = nodes.find(target);
    if (n == null) {
      return Precondition.refused(nodes.missing(target), Map.of());
    }
    Map<String, String> stats = stats(n);
    return Precondition.holds(n.address() + " answers, " + stats.get("curr_items") + " items",
        Map.of("memcached", n.address(), "curr_items", stats.getOrDefault("curr_items", "?")));
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException {
    Node n = nodes.find(target);
    if (n == null) {
      return ActionResult.failed(nodes.missing(target));
    }
    String answer = exchange(n, "flush_all\r\n", line -> true).get(0);
    if (!answer.equals("OK")) {
      return new ActionResult(false, -1, answer, "", "flush_all on " + n.address() + " answered '" + answer + "'");
    }
    return new ActionResult(true, -1, answer, "", "flush_all on " + n.address() + ": OK");
  }

  /** Healthy once {@code curr_items} reads 0. */
  @Override
  public Verdict verify(ActionTarget target) {
    Node n = nodes.find(target);
    if (n == null) {
      return Verdict.USE_PROBE;
    }
    try {
      return "0".equals(stats(n).get("curr_items")) ? Verdict.HEALTHY : Verdict.NOT_YET;
    } catch (TransientActionException e) {
      return Verdict.NOT_YET;
    }
  }

  Map<String, String> stats(Node n) throws TransientActionException {
    Map<String, String> stats = new LinkedHashMap<>();
    for (String line : exchange(n, "stats\r\n", line -> line.equals("END"))) {
      String[] parts = line.split(" ", 3);
      if (parts.length == 3 && parts[0].equals("STAT")) {
        stats.put(parts[1], parts[2]);
      }
    }
    return stats;
  }

  /** Sends one command on a fresh connection and reads lines until {@code last} says the reply ended. */
  private java.util.List<String> exchange(Node n, String command, java.util.function.Predicate<String> last)
      throws TransientActionException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(n.host(), n.port()), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      java.util.List<String> lines = new java.util.ArrayList<>();
      for (int i = 0; i < 1024; i++) {
        String line = in.readLine();
        if (line == null) {
          throw new TransientActionException("memcached " + n.address() + " closed the connection");
        }
        lines.add(line);
        if (last.test(line) || line.startsWith("ERROR") || line.startsWith("SERVER_ERROR")) {
          return lines;
        }
      }
      throw new TransientActionException("memcached " + n.address() + ": reply longer than 1024 lines");
    } catch (ConnectException | SocketTimeoutException e) {
      throw new TransientActionException("memcached " + n.address() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new TransientActionException("memcached " + n.address() + ": " + e.getMessage(), e);
    }
  }
}
