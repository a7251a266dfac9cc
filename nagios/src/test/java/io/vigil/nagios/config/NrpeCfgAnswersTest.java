package io.vigil.nagios.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.nagios.nrpe.NrpeCommands.NrpeAnswer;
import io.vigil.probes.internal.Subprocess.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule was measured on the Debian nrpe 4.1.0 daemon; NrpeSideBySideIT checks them against it. */
class NrpeCfgAnswersTest {

  @Test
  void passesOutputThroughStrippingOneTrailingNewline() {
    assertThat(answer(2, "CRITICAL: backend-down\n")).isEqualTo(new NrpeAnswer(2, "CRITICAL: backend-down"));
    assertThat(answer(0, "a\n\n")).isEqualTo(new NrpeAnswer(0, "a\n"));
    assertThat(answer(0, "a\r\n")).isEqualTo(new NrpeAnswer(0, "a\r"));
    assertThat(answer(1, "OK first|a=1\nsecond\nthird|b=2\n")).isEqualTo(new NrpeAnswer(1, "OK first|a=1\nsecond\nthird|b=2"));
  }

  @Test
  void turnsExitCodesOutsideZeroToThreeIntoUnknown_keepingTheOutput() {
    assertThat(answer(7, "seven\n")).isEqualTo(new NrpeAnswer(3, "seven"));
    assertThat(answer(255, "x255\n")).isEqualTo(new NrpeAnswer(3, "x255"));
    assertThat(answer(137, "partial\n")).isEqualTo(new NrpeAnswer(3, "partial")); // killed by SIGKILL
  }

  @Test
  void answersUnableToReadOutput_whenThePluginPrintedNothing_whateverItsExitCode() {
    assertThat(answer(0, "")).isEqualTo(new NrpeAnswer(3, "NRPE: Unable to read output"));
    assertThat(answer(2, "")).isEqualTo(new NrpeAnswer(3, "NRPE: Unable to read output"));
  }

  @Test
  void checksForEmptyOutputBeforeStrippingTheNewline() {
    assertThat(answer(0, "\n")).isEqualTo(new NrpeAnswer(0, ""));
  }

  @Test
  void endsOutputAtTheFirstNulByte() {
    assertThat(answer(0, "a\0b\n")).isEqualTo(new NrpeAnswer(0, "a"));
    assertThat(answer(1, "\0b")).isEqualTo(new NrpeAnswer(3, "NRPE: Unable to read output"));
  }

  @Test
  void answersNrpesTimeoutMessage_discardingWhatThePluginPrintedBeforeItWasKilled() {
    NrpeAnswer answer = NrpeCfgAnswers.of(new Outcome(-1, "partial\n", "", true), 10);

    assertThat(answer).isEqualTo(new NrpeAnswer(3, "NRPE: Command timed out after 10 seconds"));
  }

  @Test
  void refusesArgumentsAsNrpesValidateRequestDoes() {
    String nasty = NrpeConfig.NASTY_METACHARS;

    assertThat(NrpeCfgAnswers.refusal(List.of(), false, nasty)).isEmpty();
    assertThat(NrpeCfgAnswers.refusal(List.of("a"), false, nasty)).contains("arguments are not accepted (dont_blame_nrpe=0)");
    assertThat(NrpeCfgAnswers.refusal(List.of("20%", "/var/lib"), true, nasty)).isEmpty();
    assertThat(NrpeCfgAnswers.refusal(List.of("a", ""), true, nasty)).contains("an empty argument");
    assertThat(NrpeCfgAnswers.refusal(List.of("$(id)"), true, nasty)).contains("a command substitution in an argument");
    assertThat(NrpeCfgAnswers.refusal(List.of("a\nb"), true, nasty)).contains("an argument holding a metacharacter");
    assertThat(NrpeCfgAnswers.refusal(java.util.Collections.nCopies(17, "a"), true, nasty))
        .contains("17 arguments (expected: at most 16)");
    // a narrower nasty_metachars does not let nrpe's default set through
    assertThat(NrpeCfgAnswers.refusal(List.of("a;b"), true, "|")).contains("an argument holding a metacharacter");
  }

  private static NrpeAnswer answer(int exitCode, String stdout) {
    return NrpeCfgAnswers.of(new Outcome(exitCode, stdout, "ignored stderr", false), 60);
  }
}
