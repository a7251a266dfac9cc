package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.nagios.nrpe.NrpeRequest.Refused;
import io.vigil.nagios.nrpe.NrpeRequest.Valid;
import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class NrpeRequestTest {

  private static final Predicate<String> NO_ARGUMENTS = command -> false;
  private static final Predicate<String> ECHO_TAKES_ARGUMENTS = command -> command.equals("check_echo");

  @Test
  void plainCommand_isValid_withoutArguments() {
    assertThat(NrpeRequest.parse("check_pg_replication_lag", NO_ARGUMENTS))
        .isEqualTo(new Valid(new NrpeRequest("check_pg_replication_lag", List.of())));
  }

  @Test
  void hello_isAPlainCommand() {
    assertThat(NrpeRequest.parse("_NRPE_CHECK", NO_ARGUMENTS))
        .isEqualTo(new Valid(new NrpeRequest(NrpeRequest.HELLO_COMMAND, List.of())));
  }

  @Test
  void emptyQuery_isRefused() {
    assertThat(NrpeRequest.parse("", NO_ARGUMENTS)).isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "the query is empty"));
  }

  @Test
  void arguments_areRefused_whenTheCommandTakesNone() {
    assertThat(NrpeRequest.parse("check_ok!foo", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Refused(RejectReason.ARGUMENTS_REFUSED, "command 'check_ok' takes no arguments"));
  }

  @Test
  void arguments_areSplitOnBang_whenTheCommandTakesThem() {
    assertThat(NrpeRequest.parse("check_echo!-w!80%!/var/lib", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Valid(new NrpeRequest("check_echo", List.of("-w", "80%", "/var/lib"))));
  }

  @ParameterizedTest
  @ValueSource(strings = {"|", "`", "&", ">", "<", "'", "\\", "[", "]", "{", "}", ";", "\r", "\n"})
  void eachNastyMetacharacter_isRefused_inArguments(String metachar) {
    NrpeRequest.Parsed parsed = NrpeRequest.parse("check_echo!a" + metachar + "b", ECHO_TAKES_ARGUMENTS);

    assertThat(parsed).isInstanceOf(Refused.class);
    assertThat(((Refused) parsed).reason()).isEqualTo(RejectReason.INVALID_REQUEST);
    assertThat(((Refused) parsed).why()).startsWith("metacharacter ").endsWith(" at index 12");
  }

  @Test
  void nastyMetacharacters_areRefused_inTheCommandNameToo_likeNrpe() {
    // nrpe.c validate_request checks the whole buffer before looking for '!'
    assertThat(NrpeRequest.parse("check_ok;reboot", NO_ARGUMENTS))
        .isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "metacharacter ';' at index 8"));
  }

  @Test
  void newlineInAnArgument_cve20142913_isRefused_andNamedInTheReason() {
    assertThat(NrpeRequest.parse("check_echo!x\ntouch /tmp/pwned", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "metacharacter '\\n' at index 12"));
  }

  @Test
  void commandSubstitution_cve20131362_isRefused() {
    assertThat(NrpeRequest.parse("check_echo!$(id)", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "argument 1 contains '$('"));
    assertThat(NrpeRequest.parse("check_echo!$HOME", ECHO_TAKES_ARGUMENTS)).isInstanceOf(Valid.class);
  }

  @Test
  void emptyArguments_areRefused() {
    assertThat(NrpeRequest.parse("check_echo!a!!b", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "argument 2 is empty"));
    assertThat(NrpeRequest.parse("check_echo!", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "argument 1 is empty"));
  }

  @Test
  void sixteenArguments_areAccepted_seventeenAreNot() {
    String sixteen = "check_echo!" + String.join("!", Collections.nCopies(16, "a"));

    assertThat(NrpeRequest.parse(sixteen, ECHO_TAKES_ARGUMENTS)).isInstanceOf(Valid.class);
    assertThat(NrpeRequest.parse(sixteen + "!a", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "17 arguments (expected: at most 16)"));
  }

  @Test
  void argumentsWithoutCommand_areRefused() {
    assertThat(NrpeRequest.parse("!foo", command -> true))
        .isEqualTo(new Refused(RejectReason.INVALID_REQUEST, "no command before the arguments"));
  }

  @Test
  void otherPunctuation_andUnicode_arePassedThrough() {
    assertThat(NrpeRequest.parse("check_echo!-c!90%!/srv/naïve dir!a=b,c:d", ECHO_TAKES_ARGUMENTS))
        .isEqualTo(new Valid(new NrpeRequest("check_echo", List.of("-c", "90%", "/srv/naïve dir", "a=b,c:d"))));
  }
}
