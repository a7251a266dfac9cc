package io.vigil.controlplane.cli;

import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.ProbeType;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vigil check <probe> [--option value ...]}: runs one probe once and behaves exactly like a
 * Nagios plugin (one line {@code STATE: summary | perfdata} on stdout, exit code 0..3), so that
 * Nagios and NRPE setups can use Vigil's probes as plugins.
 *
 * <p>The reserved plugin flags map to options: {@code -H host}, {@code -p port}, {@code -w warning},
 * {@code -c critical}, {@code -t timeout}. Bad arguments are UNKNOWN (exit 3), per the guidelines.
 */
public final class CheckCommand {

  private static final Map<String, String> SHORT = Map.of(
      "-H", "host", "-p", "port", "-w", "warning", "-c", "critical", "-t", "timeout");

  private final ProbeCatalog catalog;

  public CheckCommand(ProbeCatalog catalog) {
    this.catalog = catalog;
  }

  public int execute(List<String> args, PrintStream out) {
    if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
      out.println("usage: vigil check <probe> [--option value ...]   (-H host -p port -w warning -c critical -t timeout)");
      out.println("probes:");
      for (ProbeType type : catalog.types()) {
        out.printf("  %-18s %s%n", type.type(), type.description());
      }
      return args.isEmpty() ? CheckState.UNKNOWN.exitCode() : 0;
    }
    String type = args.get(0);
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 1; i < args.size(); i++) {
      String arg = args.get(i);
      String key;
      String value;
      if (arg.startsWith("--") && arg.contains("=")) {
        key = arg.substring(2, arg.indexOf('='));
        value = arg.substring(arg.indexOf('=') + 1);
      } else if ((arg.startsWith("--") || SHORT.containsKey(arg)) && i + 1 < args.size()) {
        key = SHORT.getOrDefault(arg, arg.substring(2));
        value = args.get(++i);
      } else {
        return unknown(out, "unexpected argument '" + arg + "' (options are --name value)");
      }
      if (options.put(key.replace('-', '_'), value) != null) {
        return unknown(out, "option '" + key + "' given twice");
      }
    }
    Probe probe;
    try {
      probe = catalog.create(type, type, options);
    } catch (IllegalArgumentException e) {
      return unknown(out, e.getMessage());
    }
    try (probe; ProbeRunner runner = new ProbeRunner()) {
      ProbeResult result = runner.run(probe);
      out.println(result.pluginOutput());
      return result.state().exitCode();
    }
  }

  private static int unknown(PrintStream out, String message) {
    out.println("UNKNOWN: " + message);
    return CheckState.UNKNOWN.exitCode();
  }
}
