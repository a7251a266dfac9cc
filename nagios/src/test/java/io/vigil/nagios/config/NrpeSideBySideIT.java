package io.vigil.nagios.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.nagios.config.CheckNrpeClient.Printed;
import io.vigil.nagios.nrpe.NrpeCommands.NrpeAnswer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same command asked of the C nrpe 4.1.0 daemon, through the real check_nrpe -n, and of
 * {@link NrpeCfgCommands} reading the very same nrpe.cfg: the daemon's answer text (check_nrpe prints
 * it plus a newline) and result code (check_nrpe's exit code) must be Vigil's. Two daemons: the lab's
 * plaintext one (port 55667, lab/components/nrpe.sh) and a private one whose config
 * (nrpe/sidebyside.cfg.in) holds the edge cases, with command_timeout=2.
 */
class NrpeSideBySideIT {

  @TempDir
  static Path dir;

  private static PrivateNrpeDaemon daemon;
  private static NrpeCfgCommands privateVigil;
  private static NrpeCfgCommands labVigil;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PrivateNrpeDaemon.available(), "needs root, /usr/sbin/nrpe and check_nrpe, as the lab does");
    Lab.get().up("nrpe");
    labVigil = NrpeCfgCommands.of(NrpeConfig.parse(Lab.get().dir().resolve("nrpe/plain/nrpe.cfg")));
    daemon = PrivateNrpeDaemon.start(dir, Fixtures.nrpe("sidebyside.cfg.in"));
    privateVigil = NrpeCfgCommands.of(NrpeConfig.parse(daemon.config()));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (daemon != null) {
      daemon.close();
    }
    if (labVigil != null) {
      labVigil.close();
      privateVigil.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"check_ok", "check_crit", "check_long"})
  void labDaemon_sameAnswer(String command) throws Exception {
    Both both = ask(LabPorts.NRPE_PLAIN, labVigil, command);

    assertThat(both.vigilPrinted()).isEqualTo(both.daemon());
  }

  @Test
  void labDaemon_sameCheckLoadAnswer_onceTheLoadAverageHoldsStillForBoth() throws Exception {
    Both both = ask(LabPorts.NRPE_PLAIN, labVigil, "check_load");
    for (int i = 0; i < 5 && !both.vigilPrinted().equals(both.daemon()); i++) {
      both = ask(LabPorts.NRPE_PLAIN, labVigil, "check_load"); // /proc/loadavg moved between the two runs
    }

    assertThat(both.vigilPrinted()).isEqualTo(both.daemon());
    assertThat(both.vigil().output()).startsWith("LOAD ");
  }

  @Test
  void labDaemon_slowCommandTimesOutWithNrpesMessage() throws Exception {
    Both both = ask(LabPorts.NRPE_PLAIN, labVigil, "check_slow");

    assertThat(both.vigilPrinted()).isEqualTo(both.daemon());
    assertThat(both.vigil()).isEqualTo(new NrpeAnswer(3, "NRPE: Command timed out after 10 seconds"));
  }

  @Test
  void anUndefinedCommandIsLeftToTheServer_whichAnswersNotDefinedAsNrpeDoes() {
    assertThat(CheckNrpeClient.query(LabPorts.NRPE_PLAIN, "nosuch"))
        .isEqualTo(new Printed(3, "NRPE: Command 'nosuch' not defined\n"));
    assertThat(labVigil.answer("nosuch", List.of())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"empty", "nl_only", "two_nl", "crlf", "exit7", "exit255", "exit4_silent", "stderr_only",
      "stderr_and_out", "signal9", "signal15", "slow", "slow_partial", "nul", "missing", "notexec", "macro_empty",
      "macro_word", "dollar2", "foo_macro", "multiline", "utf8", "dummy_noargs", "dummy_warn"})
  void privateDaemon_sameAnswer(String command) throws Exception {
    Both both = ask(daemon.port(), privateVigil, command);

    assertThat(both.vigilPrinted()).isEqualTo(both.daemon());
  }

  @Test
  void knownDifference_anUnpairedDollarGetsNoStrayDollarAppended() throws Exception {
    Both both = ask(daemon.port(), privateVigil, "odd_dollar");

    assertThat(both.daemon()).isEqualTo(new Printed(0, "cost$5 tail$\n"));
    assertThat(both.vigil()).isEqualTo(new NrpeAnswer(0, "cost$5 tail"));
  }

  @Test
  void knownDifference_outputIsKeptTo64KiBAndCutByTheServer_whereNrpeKeeps65504Bytes() throws Exception {
    Both both = ask(daemon.port(), privateVigil, "big");

    assertThat(both.daemon().stdout()).hasSize(65504 + 1);
    assertThat(both.vigil().output()).hasSize(NrpeCfgCommands.MAX_OUTPUT_BYTES).matches("x+");
  }

  @Test
  void pluginsRunInSlash_asWithNrpe() throws Exception {
    Both both = ask(daemon.port(), privateVigil, "pwd");

    assertThat(both.daemon()).isEqualTo(new Printed(0, "/\n"));
    assertThat(both.vigilPrinted()).isEqualTo(both.daemon());
  }

  /** The daemon's answer as check_nrpe printed it, and Vigil's, asked at the same time. */
  private record Both(Printed daemon, NrpeAnswer vigil) {
    Printed vigilPrinted() {
      return new Printed(vigil.resultCode(), vigil.output() + "\n");
    }
  }

  private static Both ask(int port, NrpeCfgCommands vigil, String command) throws Exception {
    CompletableFuture<Printed> fromDaemon = CompletableFuture.supplyAsync(() -> CheckNrpeClient.query(port, command));
    NrpeAnswer fromVigil = vigil.answer(command, List.of()).orElseThrow().toCompletableFuture().get(40, TimeUnit.SECONDS);
    return new Both(fromDaemon.get(40, TimeUnit.SECONDS), fromVigil);
  }
}
