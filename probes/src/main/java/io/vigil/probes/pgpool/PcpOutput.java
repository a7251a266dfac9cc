package io.vigil.probes.pgpool;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what {@code pcp_node_info -a} prints (pgpool-II 4.3): one line per node, node 0 first,
 * thirteen fields separated by single spaces.
 *
 * <pre>
 * 127.0.0.1 55432 2 0.500000 up up primary primary 0 none none 2026-11-22 01:37:39
 * 127.0.0.1 55433 3 0.500000 down unknown standby unknown 0 streaming async 2026-11-22 01:12:45
 * </pre>
 *
 * Fields: host, port, status code (0 unused, 1 waiting, 2 up, 3 down), weight, status, backend
 * status, role, backend role, replication delay, replication state, sync state, and the last
 * status change as two tokens, date and time. The replication states are empty strings (two
 * spaces in a row) when pgpool cannot match the standby's application_name, so the line is split
 * on single spaces, never on runs of whitespace.
 *
 * <p>pcp reports some failures with {@code ERROR:} and exit status 0 (an invalid node id:
 * {@code ERROR:  informing node info failed} / {@code DETAIL:  invalid node ID : 7}), so
 * {@link #error} is consulted before the exit status.
 */
final class PcpOutput {

  private static final int FIELDS = 13;

  private PcpOutput() {
  }

  /**
   * The nodes of {@code pcp_node_info} output; the lines carry no node id, so they are numbered
   * from {@code firstId} ({@code 0} for {@code -a}, the node asked for with {@code -n}).
   *
   * @throws IllegalArgumentException naming the first line that is not a node line
   */
  static List<PgpoolNode> nodes(String stdout, int firstId) {
    List<PgpoolNode> nodes = new ArrayList<>();
    for (String line : stdout.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      nodes.add(node(firstId + nodes.size(), line.strip()));
    }
    return nodes;
  }

  static PgpoolNode node(int id, String line) {
    String[] f = line.split(" ", -1);
    if (f.length != FIELDS) {
      throw new IllegalArgumentException("pcp_node_info line with " + f.length + " fields (expected: " + FIELDS
          + ", pgpool-II 4.3+ format): '" + abbreviate(line) + "'");
    }
    int port = integer(f[1], "port", line);
    int code = integer(f[2], "status code", line);
    String status = f[4].isEmpty() ? statusOfCode(code) : f[4];
    double delay;
    try {
      delay = Double.parseDouble(f[8]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pcp_node_info replication delay '" + f[8] + "' is not a number: '"
          + abbreviate(line) + "'");
    }
    return new PgpoolNode(id, f[0], port, status, f[5], f[6], f[7], delay, f[9], f[10], f[11] + " " + f[12]);
  }

  /** pgpool's BACKEND_STATUS codes (pool.h): CON_UNUSED, CON_CONNECT_WAIT, CON_UP, CON_DOWN. */
  static String statusOfCode(int code) {
    return switch (code) {
      case 0 -> "unused";
      case 1 -> "waiting";
      case 2 -> "up";
      case 3 -> "down";
      default -> "code " + code;
    };
  }

  /**
   * pcp's own report of a failure, found on stderr or stdout whatever the exit status: the
   * {@code ERROR:} or {@code FATAL:} line and its {@code DETAIL:}/{@code HINT:} lines, joined with
   * " / " and with runs of spaces collapsed. Empty when pcp reported none.
   */
  static Optional<String> error(String stdout, String stderr) {
    List<String> parts = new ArrayList<>();
    for (String text : List.of(stderr, stdout)) {
      boolean inError = false;
      for (String raw : text.split("\\R")) {
        String line = raw.strip().replaceAll("\\s+", " ");
        if (line.startsWith("ERROR:") || line.startsWith("FATAL:")) {
          inError = true;
          parts.add(line);
        } else if (inError && (line.startsWith("DETAIL:") || line.startsWith("HINT:"))) {
          parts.add(line);
        } else {
          inError = false;
        }
      }
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" / ", parts));
  }

  private static int integer(String text, String what, String line) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pcp_node_info " + what + " '" + text + "' is not a number: '"
          + abbreviate(line) + "'");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
