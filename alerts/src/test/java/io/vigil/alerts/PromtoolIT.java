package io.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real tools pass the alerts module: {@code promtool check rules} on every rule file,
 * {@code promtool test rules} on every test file, {@code amtool check-config} on the Alertmanager
 * example, and its routing tree sends alerts where the comments say. Needs Debian's
 * {@code prometheus} and {@code prometheus-alertmanager} packages (bin/test installs them); no lab.
 */
class PromtoolIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  static Stream<Path> ruleFiles() {
    return AlertFiles.ruleFiles().stream();
  }

  static Stream<Path> testFiles() {
    return AlertFiles.testFiles().stream();
  }

  @ParameterizedTest(name = "promtool check rules {0}")
  @MethodSource("ruleFiles")
  void ruleFilePassesPromtoolCheck(Path file) {
    Lab.Result result = run(tool("promtool"), "check", "rules", file.toString());
    assertThat(result.exitCode()).as("promtool check rules %s said:%n%s", file, result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @ParameterizedTest(name = "promtool test rules {0}")
  @MethodSource("testFiles")
  void unitTestsPass(Path file) {
    Lab.Result result = run(tool("promtool"), "test", "rules", file.toString());
    assertThat(result.exitCode()).as("promtool test rules %s said:%n%s", file, result.output()).isZero();
  }

  @Test
  void alertmanagerExamplePassesAmtoolCheckConfig() {
    Path config = AlertFiles.alertmanagerConfig();
    Lab.Result result = run(tool("amtool"), "check-config", config.toString());
    assertThat(result.exitCode()).as("amtool check-config %s said:%n%s", config, result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void infrastructureAlertsReachThePlannerAndOnCall_vigilsOwnOnlyOnCall() {
    assertThat(receivers("alertname=VigilQueueNoConsumers", "severity=critical", "tier=queue"))
        .isEqualTo("vigil-planner,oncall-pager");
    assertThat(receivers("alertname=VigilDiskHeadroomLow", "severity=warning", "tier=storage"))
        .isEqualTo("vigil-planner,oncall-email");
    assertThat(receivers("alertname=VigilPlannerDown", "severity=critical", "tier=vigil")).isEqualTo("oncall-pager");
    assertThat(receivers("alertname=VigilBudgetExhausted", "severity=warning", "tier=vigil")).isEqualTo("oncall-email");
  }

  /** What {@code amtool config routes test} answers for an alert with these labels. */
  private static String receivers(String... labels) {
    List<String> argv = new ArrayList<>(List.of(tool("amtool"), "config", "routes", "test",
        "--config.file=" + AlertFiles.alertmanagerConfig()));
    argv.addAll(List.of(labels));
    Lab.Result result = Lab.get().run(argv, TIMEOUT);
    assertThat(result.exitCode()).as("%s said:%n%s", argv, result.output()).isZero();
    // amtool warns on stderr (merged here) that --config.file overrides --alertmanager.url
    return result.output().lines().filter(l -> !l.startsWith("Warning:") && !l.isBlank()).reduce((a, b) -> b)
        .orElse("").trim();
  }

  private static Lab.Result run(String... argv) {
    return Lab.get().run(List.of(argv), TIMEOUT);
  }

  /** The tool from PATH, or a failure that says which Debian package brings it. */
  static String tool(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String pkg = name.equals("promtool") ? "prometheus" : "prometheus-alertmanager";
    throw new AssertionError(name + " is not on the PATH: install Debian's " + pkg + " package (bin/test does)");
  }
}
