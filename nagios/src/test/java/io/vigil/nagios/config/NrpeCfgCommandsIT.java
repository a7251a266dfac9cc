package io.vigil.nagios.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.nagios.nrpe.NrpeCommands.NrpeAnswer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real plugins from /usr/lib/nagios/plugins (monitoring-plugins-basic) run through nrpe.cfg lines. */
class NrpeCfgCommandsIT {

  private static final String PLUGINS = "/usr/lib/nagios/plugins/";

  @TempDir
  Path dir;

  private NrpeCfgCommands commands;

  @AfterEach
  void close() {
    if (commands != null) {
      commands.close();
    }
  }

  @Test
  void runsCheckDummy_answeringItsOutputAndExitCode() throws Exception {
    load("command[ok]=" + PLUGINS + "check_dummy 0 all-good",
        "command[warn]=" + PLUGINS + "check_dummy 1 \"disk at 81%\"",
        "command[crit]=" + PLUGINS + "check_dummy 2 backend-down",
        "command[unknown]=" + PLUGINS + "check_dummy 3");

    assertThat(answer("ok")).isEqualTo(new NrpeAnswer(0, "OK: all-good"));
    assertThat(answer("warn")).isEqualTo(new NrpeAnswer(1, "WARNING: disk at 81%"));
    assertThat(answer("crit")).isEqualTo(new NrpeAnswer(2, "CRITICAL: backend-down"));
    assertThat(answer("unknown")).isEqualTo(new NrpeAnswer(3, "UNKNOWN"));
  }

  @Test
  void runsCheckDiskAndCheckLoad_withTheStateTheirOutputNames() throws Exception {
    load("command[check_disk_root]=" + PLUGINS + "check_disk -w 1% -c 1% -p /",
        "command[check_load]=" + PLUGINS + "check_load -w 1000,1000,1000 -c 2000,2000,2000");

    NrpeAnswer disk = answer("check_disk_root");
    NrpeAnswer load = answer("check_load");

    assertThat(disk.output()).matches("DISK (OK|WARNING|CRITICAL) - free space: .*\\|.*");
    assertThat(disk.resultCode()).isEqualTo(code(disk.output().split(" ")[1]));
    assertThat(load).isEqualTo(new NrpeAnswer(0, load.output()));
    assertThat(load.output()).startsWith("LOAD OK - total load average: ").contains("|load1=");
  }

  @Test
  void killsAPluginStillRunningAtCommandTimeout_withItsChildren_andAnswersNrpesMessage() throws Exception {
    // python3 starts a sleep of its own: the kill must reach the grandchild too
    load("command_timeout=1",
        "command[slow]=/usr/bin/python3 -c \"import subprocess; print('started', flush=True);"
            + " subprocess.run(['/bin/sleep', '31.5171'])\"");

    long start = System.nanoTime();
    NrpeAnswer answer = answer("slow");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(answer).isEqualTo(new NrpeAnswer(3, "NRPE: Command timed out after 1 seconds"));
    assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
    assertThat(awaitGone("31.5171")).as("the sleep started by the plugin").isEmpty();
  }

  @Test
  void answersUnknown_forAnExitCodeOutsideZeroToThree_keepingTheOutput() throws Exception {
    load("command[exit7]=/usr/bin/python3 -c \"import sys; print('seven'); sys.exit(7)\"");

    assertThat(answer("exit7")).isEqualTo(new NrpeAnswer(3, "seven"));
  }

  @Test
  void answersUnableToReadOutput_forNoOutput_stderrOnly_orAProgramThatCannotRun() throws Exception {
    load("command[silent]=/bin/true",
        "command[stderr]=/usr/bin/python3 -c \"import sys; sys.stderr.write('err'); sys.exit(2)\"",
        "command[missing]=/nonexistent/check_x");

    assertThat(answer("silent")).isEqualTo(new NrpeAnswer(3, "NRPE: Unable to read output"));
    assertThat(answer("stderr")).isEqualTo(new NrpeAnswer(3, "NRPE: Unable to read output"));
    assertThat(answer("missing")).isEqualTo(new NrpeAnswer(3, "NRPE: Unable to read output"));
  }

  @Test
  void passesOutputThroughUnchanged_butOneTrailingNewlineAndAnythingAfterANul() throws Exception {
    load("command[multi]=/usr/bin/printf 'OK first|a=1\\nsecond\\n\\n'", "command[nul]=/usr/bin/printf 'a\\000b'");

    assertThat(answer("multi")).isEqualTo(new NrpeAnswer(0, "OK first|a=1\nsecond\n"));
    assertThat(answer("nul")).isEqualTo(new NrpeAnswer(0, "a"));
  }

  @Test
  void answersTooManyCommandsRunning_whenTheBulkheadIsFull_andRunsAgainOnceAPluginEnds() throws Exception {
    load("command[slow]=/bin/sleep 1", "command[ok]=" + PLUGINS + "check_dummy 0 ok");
    commands.close();
    commands = new NrpeCfgCommands(commands.config(), 2);

    CompletableFuture<NrpeAnswer> first = commands.answer("slow", List.of()).orElseThrow().toCompletableFuture();
    CompletableFuture<NrpeAnswer> second = commands.answer("slow", List.of()).orElseThrow().toCompletableFuture();
    NrpeAnswer third = commands.answer("ok", List.of()).orElseThrow().toCompletableFuture().getNow(null);

    assertThat(third).isEqualTo(new NrpeAnswer(3, "NRPE: too many commands running"));
    assertThat(commands.running()).isEqualTo(2);
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(new NrpeAnswer(3, "NRPE: Unable to read output"));
    second.get(5, TimeUnit.SECONDS);
    assertThat(answer("ok")).isEqualTo(new NrpeAnswer(0, "OK: ok"));
    assertThat(commands.running()).isZero();
  }

  @Test
  void closeKillsWhatIsRunning_andCompletesItsAnswersExceptionally() throws Exception {
    load("command[slow]=/bin/sleep 30.5172");
    CompletableFuture<NrpeAnswer> running = commands.answer("slow", List.of()).orElseThrow().toCompletableFuture();
    while (processesWithArgument("30.5172").isEmpty()) {
      Thread.sleep(20);
    }

    commands.close();

    assertThatThrownBy(() -> running.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(awaitGone("30.5172")).isEmpty();
    assertThat(commands.running()).isZero();
  }

  @Test
  void substitutesArgumentsIntoArgvWords_onlyWithDontBlameNrpe() throws Exception {
    load("dont_blame_nrpe=1", "command[dummy]=" + PLUGINS + "check_dummy $ARG1$ \"$ARG2$\"");

    assertThat(commands.acceptsArguments("dummy")).isTrue();
    assertThat(commands.acceptsArguments("nosuch")).isFalse();
    // one argument is one word: the spaces reach check_dummy as a single text
    assertThat(answer("dummy", "1", "warn text  here")).isEqualTo(new NrpeAnswer(1, "WARNING: warn text  here"));
    // without arguments both words are dropped, as the shell drops an empty expansion
    assertThat(answer("dummy").output()).startsWith("check_dummy: Could not parse arguments");
  }

  @Test
  void refusesArguments_withoutDontBlameNrpe_evenIfTheServerPassedThemOn() throws Exception {
    load("command[dummy]=" + PLUGINS + "check_dummy 0 $ARG1$");

    assertThat(commands.acceptsArguments("dummy")).isFalse();
    assertThat(answer("dummy", "0"))
        .isEqualTo(new NrpeAnswer(3, "NRPE: Command 'dummy' refused: arguments are not accepted (dont_blame_nrpe=0)"));
    assertThat(answer("dummy")).isEqualTo(new NrpeAnswer(0, "OK")); // $ARG1$ expanded to nothing: check_dummy 0
  }

  @Test
  void runsTheCommandPrefixFirst_andLeavesUndefinedCommandsToTheServer() throws Exception {
    load("command_prefix=/usr/bin/env", "command[ok]=" + PLUGINS + "check_dummy 0 prefixed");

    assertThat(answer("ok")).isEqualTo(new NrpeAnswer(0, "OK: prefixed"));
    assertThat(commands.answer("nosuch", List.of())).isEmpty();
  }

  private void load(String... lines) throws Exception {
    Path cfg = Files.write(dir.resolve("nrpe.cfg"), List.of(lines));
    commands = NrpeCfgCommands.of(NrpeConfig.parse(cfg));
  }

  private NrpeAnswer answer(String command, String... arguments) throws Exception {
    return commands.answer(command, List.of(arguments)).orElseThrow().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static int code(String state) {
    return List.of("OK", "WARNING", "CRITICAL", "UNKNOWN").indexOf(state);
  }

  /** Processes still running with {@code argument}, after up to 3 s for SIGKILL to land. */
  private static List<ProcessHandle> awaitGone(String argument) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    List<ProcessHandle> left = processesWithArgument(argument);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = processesWithArgument(argument);
    }
    return left;
  }

  /** A zombie has an empty /proc/PID/cmdline, so it does not count. */
  private static List<ProcessHandle> processesWithArgument(String argument) {
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(argument)).orElse(false)).toList();
  }
}
