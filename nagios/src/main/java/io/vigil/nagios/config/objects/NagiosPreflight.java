package io.vigil.nagios.config.objects;

import io.vigil.probes.internal.Subprocess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result of Nagios's own pre-flight check, {@code nagios4 -v main.cfg}, read as lab-recipe
 * section 7 records it: exit 0 with "Total Warnings: 0" / "Total Errors:   0" when the config is
 * sound, 1 with {@code Error: ...} lines when not, 254 when the main file cannot be opened (and no
 * totals are printed).
 *
 * @param exitCode      nagios4's exit code
 * @param totalWarnings the "Total Warnings" count, or -1 when nagios stopped before counting
 * @param totalErrors   the "Total Errors" count, or -1 when nagios stopped before counting
 * @param errors        every line starting with {@code Error:}, stripped
 * @param warnings      every line starting with {@code Warning:}, stripped
 * @param output        all nagios4 printed
 */
public record NagiosPreflight(int exitCode, int totalWarnings, int totalErrors, List<String> errors,
    List<String> warnings, String output) {

  /** Debian nagios4-core's binary. */
  public static final Path NAGIOS4 = Path.of("/usr/sbin/nagios4");

  private static final Pattern TOTAL_WARNINGS = Pattern.compile("(?m)^Total Warnings:\\s*(\\d+)\\s*$");
  private static final Pattern TOTAL_ERRORS = Pattern.compile("(?m)^Total Errors:\\s*(\\d+)\\s*$");

  public NagiosPreflight {
    errors = List.copyOf(errors);
    warnings = List.copyOf(warnings);
  }

  /** Runs {@code nagios4 -v mainConfig} (it takes about 15 ms; killed after 60 s). */
  public static NagiosPreflight run(Path mainConfig) throws IOException, InterruptedException {
    return run(NAGIOS4, mainConfig);
  }

  /** Runs {@code nagios -v mainConfig} with the given binary. */
  public static NagiosPreflight run(Path nagios, Path mainConfig) throws IOException, InterruptedException {
    Subprocess.Outcome outcome = Subprocess.run(List.of(nagios.toString(), "-v", mainConfig.toAbsolutePath().toString()),
        Duration.ofSeconds(60), 1 << 20);
    if (outcome.timedOut()) {
      throw new IOException(nagios + " -v " + mainConfig + " did not finish within 60 s and was killed");
    }
    return parse(outcome.exitCode(), outcome.stdout() + outcome.stderr());
  }

  /** Reads what {@code nagios4 -v} printed. */
  public static NagiosPreflight parse(int exitCode, String output) {
    List<String> lines = output.lines().map(String::strip).toList();
    return new NagiosPreflight(exitCode, total(TOTAL_WARNINGS, output), total(TOTAL_ERRORS, output),
        lines.stream().filter(l -> l.startsWith("Error:")).toList(),
        lines.stream().filter(l -> l.startsWith("Warning:")).toList(), output);
  }

  /** Exit 0, no errors and no warnings: "Things look okay". */
  public boolean clean() {
    return exitCode == 0 && totalErrors == 0 && totalWarnings == 0;
  }

  private static int total(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }
}
