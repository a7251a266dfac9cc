package io.vigil.probes.system;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.PluginOutput;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeType;
import io.vigil.probes.internal.Argv;
import io.vigil.probes.internal.Subprocess;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs an existing Nagios plugin (an argv list, no shell) and reads it as Nagios does: the exit code
 * is the state (outside 0..3 it is UNKNOWN, as nrpe does), the first line the summary, perfdata
 * after {@code |}. A plugin still running at the deadline is killed and reported UNKNOWN, like
 * nrpe's {@code command_timeout}.
 */
public final class NagiosPluginProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("nagios_plugin",
      "run a Nagios plugin (options: command = absolute path and arguments, no shell; timeout)",
      (name, o) -> new NagiosPluginProbe(name, Argv.split(o.string("command")), o.duration("timeout", Duration.ofSeconds(10))));

  private static final Pattern STATE_PREFIX = Pattern.compile("^(OK|WARNING|CRITICAL|UNKNOWN)\\s*:\\s*");

  /** Plugin output kept, as nrpe trims plugin output to 64 KiB. */
  static final int MAX_OUTPUT = 64 * 1024;

  private final String name;
  private final List<String> argv;
  private final Duration timeout;

  public NagiosPluginProbe(String name, List<String> argv, Duration timeout) {
    if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
      // monitoring-plugins guidelines: never execute a command without its full path
      throw new IllegalArgumentException("option 'command': the plugin must be an absolute path, got '"
          + (argv.isEmpty() ? "" : argv.get(0)) + "'");
    }
    this.name = name;
    this.argv = List.copyOf(argv);
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    // a little more than the plugin's own deadline, so the kill below reports, not the runner
    return timeout.plusMillis(500);
  }

  @Override
  public Observation check() throws InterruptedException {
    Subprocess.Outcome run;
    try {
      run = Subprocess.runPlugin(argv, timeout, MAX_OUTPUT);
    } catch (IOException e) {
      return Observation.of(CheckState.UNKNOWN, "cannot run " + argv.get(0) + ": " + e.getMessage());
    }
    if (run.timedOut()) {
      return Observation.of(CheckState.UNKNOWN, argv.get(0) + " timed out after " + timeout.toMillis() + "ms and was killed");
    }
    PluginOutput output = PluginOutput.parse(run.stdout());
    if (output.summary().isEmpty()) {
      String stderr = run.stderr().strip();
      return Observation.of(CheckState.UNKNOWN, argv.get(0) + " exited " + run.exitCode() + " with no output"
          + (stderr.isEmpty() ? "" : " (stderr: " + stderr.lines().findFirst().orElse("") + ")"));
    }
    CheckState state = CheckState.ofExitCode(run.exitCode());
    // the plugin's own "CRITICAL: " prefix would be doubled by ProbeResult.pluginOutput()
    String text = STATE_PREFIX.matcher(output.summary()).replaceFirst("");
    String summary = run.exitCode() >= 0 && run.exitCode() <= 3 ? text : text + " (exit code " + run.exitCode() + ")";
    return new Observation(state, summary, output.perfdata());
  }
}
