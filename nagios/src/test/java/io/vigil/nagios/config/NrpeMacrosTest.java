package io.vigil.nagios.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NrpeMacrosTest {

  private static final List<String> CHECK_DISK = List.of("/usr/lib/nagios/plugins/check_disk", "-w", "$ARG1$", "-c",
      "$ARG2$", "-p", "$ARG3$");

  @Test
  void replacesArgMacrosWithTheQueryArguments_eachAsOneWord() {
    List<String> argv = NrpeMacros.expand(CHECK_DISK, List.of("20%", "10%", "/var/lib/postgresql data"));

    assertThat(argv).containsExactly("/usr/lib/nagios/plugins/check_disk", "-w", "20%", "-c", "10%", "-p",
        "/var/lib/postgresql data");
  }

  @Test
  void dropsWordsThatHeldOnlyMacrosAndCameOutEmpty_asTheShellDropsAnUnquotedEmptyExpansion() {
    // measured on nrpe 4.1.0: '-c "..." $ARG1$ x$ARG2$y $ARG3$' without arguments runs with ['xy']
    List<String> argv = NrpeMacros.expand(List.of("/usr/bin/python3", "$ARG1$", "x$ARG2$y", "$ARG3$"), List.of());

    assertThat(argv).containsExactly("/usr/bin/python3", "xy");
  }

  @Test
  void expandsArgumentsOutsideOneToSixteenToNothing_asNrpeDoes() {
    List<String> seventeen = java.util.Collections.nCopies(17, "a");

    List<String> argv = NrpeMacros.expand(List.of("/bin/echo", "[$ARG17$]", "[$ARG0$]", "[$ARGx$]", "[$ARG16$]"),
        seventeen);

    assertThat(argv).containsExactly("/bin/echo", "[]", "[]", "[]", "[a]");
  }

  @Test
  void doubleDollarIsALiteralDollar_andOtherMacrosStayAsWritten() {
    List<String> argv = NrpeMacros.expand(List.of("/bin/echo", "a$$b", "$FOO$", "$$ARG1$", "$ARG1$$ARG2$"),
        List.of("one", "two"));

    assertThat(argv).containsExactly("/bin/echo", "a$b", "$FOO$", "$ARG1$", "onetwo");
  }

  @Test
  void keepsAnUnpairedDollarLiteral_unlikeNrpeWhichAppendsAStrayOne() {
    // nrpe 4.1.0 runs "/bin/echo 'cost$5' tail" as "... tail$" (process_macros keeps an odd $ open)
    assertThat(NrpeMacros.expand(List.of("/bin/echo", "cost$5", "tail"), List.of()))
        .containsExactly("/bin/echo", "cost$5", "tail");
  }

  @Test
  void neverReinterpretsWhatAnArgumentHolds() {
    List<String> argv = NrpeMacros.expand(List.of("/bin/echo", "$ARG1$"), List.of("$ARG2$ $(id) \"x\""));

    assertThat(argv).containsExactly("/bin/echo", "$ARG2$ $(id) \"x\"");
  }
}
