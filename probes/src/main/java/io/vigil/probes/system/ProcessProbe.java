package io.vigil.probes.system;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A process is alive and not a zombie, found by its pid file or by a regular expression on its
 * command line (read from /proc). With a command line, the number of matching processes is checked
 * against thresholds (default: at least one, {@code critical=1:}).
 */
public final class ProcessProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("process",
      "a process is alive, by pidfile or by cmdline regex (options: pidfile | cmdline, warning, critical on count, timeout)",
      (name, o) -> {
        String pidfile = o.string("pidfile", null);
        String cmdline = o.string("cmdline", null);
        if ((pidfile == null) == (cmdline == null)) {
          throw new IllegalArgumentException("give exactly one of the options 'pidfile' and 'cmdline'");
        }
        return new ProcessProbe(name, pidfile == null ? null : Path.of(pidfile),
            cmdline == null ? null : Pattern.compile(cmdline), o.thresholds("", null, "1:"),
            o.duration("timeout", Duration.ofSeconds(5)), Path.of("/proc"));
      });

  private final String name;
  private final Path pidfile;
  private final Pattern cmdline;
  private final Thresholds count;
  private final Duration timeout;
  private final Path proc;

  ProcessProbe(String name, Path pidfile, Pattern cmdline, Thresholds count, Duration timeout, Path proc) {
    this.name = name;
    this.pidfile = pidfile;
    this.cmdline = cmdline;
    this.count = count;
    this.timeout = timeout;
    this.proc = proc;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public Observation check() throws IOException {
    return pidfile != null ? byPidfile() : byCmdline();
  }

  private Observation byPidfile() throws IOException {
    if (!Files.exists(pidfile)) {
      return Observation.of(CheckState.CRITICAL, "pid file " + pidfile + " does not exist");
    }
    // pgpool ends its pid file with a NUL byte
    String text = Files.readString(pidfile, StandardCharsets.US_ASCII).replace("\0", "").strip();
    if (!text.matches("\\d{1,10}")) {
      return Observation.of(CheckState.CRITICAL, "pid file " + pidfile + " holds no pid: '" + text + "'");
    }
    String state = state(text);
    if (state == null) {
      return Observation.of(CheckState.CRITICAL, "pid " + text + " from " + pidfile + " is not running");
    }
    if (state.equals("Z")) {
      return Observation.of(CheckState.CRITICAL, "pid " + text + " from " + pidfile + " is a zombie");
    }
    return Observation.of(CheckState.OK, "pid " + text + " from " + pidfile + " is running (state " + state + ")");
  }

  private Observation byCmdline() throws IOException {
    List<String> live = new ArrayList<>();
    int zombies = 0;
    try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path dir : pids) {
        String pid = dir.getFileName().toString();
        String args;
        try {
          args = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException gone) {
          continue; // the process exited while we looked
        }
        if (args.isEmpty() || !cmdline.matcher(args).find()) {
          continue;
        }
        String state = state(pid);
        if ("Z".equals(state)) {
          zombies++;
        } else if (state != null) {
          live.add(pid);
        }
      }
    }
    CheckState state = count.evaluate(live.size());
    String summary = live.size() + " process" + (live.size() == 1 ? "" : "es") + " matching '" + cmdline.pattern() + "'"
        + (live.isEmpty() ? "" : " (pid " + String.join(", ", live.subList(0, Math.min(5, live.size()))) + ")")
        + (zombies > 0 ? ", " + zombies + " zombie" : "");
    return Observation.of(state, summary, Perfdata.of("processes", live.size(), "").withThresholds(count).withMin(0));
  }

  /** The state letter from /proc/PID/stat, or null when there is no such process. */
  private String state(String pid) {
    try {
      String stat = Files.readString(proc.resolve(pid).resolve("stat"), StandardCharsets.US_ASCII);
      // "pid (comm) S ...": comm may contain spaces and parentheses, so read after the last ')'
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() ? null : String.valueOf(stat.charAt(close + 2));
    } catch (IOException e) {
      return null;
    }
  }
}
