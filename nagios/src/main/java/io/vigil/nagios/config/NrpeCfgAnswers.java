package io.vigil.nagios.config;

import io.vigil.nagios.nrpe.NrpeCommands.NrpeAnswer;
import io.vigil.probes.CheckState;
import io.vigil.probes.internal.Subprocess;
import java.util.List;
import java.util.Optional;

/**
 * How nrpe 4.1 turns a finished plugin into an answer ({@code nrpe.c handle_connection} and
 * {@code my_system}), each rule measured against the Debian 4.1.0 daemon with check_nrpe -n:
 * <ul>
 *   <li>a timeout answers {@code NRPE: Command timed out after N seconds}, UNKNOWN, whatever the
 *       plugin printed before it was killed;
 *   <li>output ends at the first NUL byte (nrpe copies it with {@code strncat});
 *   <li>no output at all answers {@code NRPE: Unable to read output}, UNKNOWN; this is also what a
 *       missing or non-executable program gives, since only stdout is read (stderr is dropped);
 *   <li>an exit code outside 0..3 is UNKNOWN (7, 255, or 128+n for a plugin killed by signal n);
 *   <li>one trailing newline is stripped, after the empty check: {@code printf '\n'} answers an
 *       empty text with the plugin's own code.
 * </ul>
 */
final class NrpeCfgAnswers {

  static final String UNABLE_TO_READ_OUTPUT = "NRPE: Unable to read output";

  private NrpeCfgAnswers() {
  }

  /** nrpe's {@code sprintf(send_buff, "NRPE: Command timed out after %d seconds\n", command_timeout)}. */
  static NrpeAnswer timedOut(long commandTimeoutSeconds) {
    return unknown("NRPE: Command timed out after " + commandTimeoutSeconds + " seconds");
  }

  static NrpeAnswer unknown(String text) {
    return new NrpeAnswer(CheckState.UNKNOWN.exitCode(), text);
  }

  static NrpeAnswer of(Subprocess.Outcome outcome, long commandTimeoutSeconds) {
    if (outcome.timedOut()) {
      return timedOut(commandTimeoutSeconds);
    }
    String output = outcome.stdout();
    int nul = output.indexOf('\0');
    if (nul >= 0) {
      output = output.substring(0, nul);
    }
    if (output.isEmpty()) {
      return unknown(UNABLE_TO_READ_OUTPUT);
    }
    if (output.endsWith("\n")) {
      output = output.substring(0, output.length() - 1);
    }
    return new NrpeAnswer(CheckState.ofExitCode(outcome.exitCode()).exitCode(), output);
  }

  /**
   * Why nrpe would refuse these arguments ({@code nrpe.c validate_request}), or empty when it would
   * take them. The server checks first; this is the second line of defence, and it always refuses
   * nrpe's default metacharacters even when {@code nasty_metachars} names fewer.
   */
  static Optional<String> refusal(List<String> arguments, boolean dontBlameNrpe, String nastyMetachars) {
    if (arguments.isEmpty()) {
      return Optional.empty();
    }
    if (!dontBlameNrpe) {
      return Optional.of("arguments are not accepted (dont_blame_nrpe=0)");
    }
    if (arguments.size() > NrpeConfig.MAX_COMMAND_ARGUMENTS) {
      return Optional.of(arguments.size() + " arguments (expected: at most " + NrpeConfig.MAX_COMMAND_ARGUMENTS + ")");
    }
    for (String argument : arguments) {
      if (argument.isEmpty()) {
        return Optional.of("an empty argument");
      }
      if (argument.contains("$(")) {
        return Optional.of("a command substitution in an argument");
      }
      for (char c : argument.toCharArray()) {
        if (NrpeConfig.NASTY_METACHARS.indexOf(c) >= 0 || nastyMetachars.indexOf(c) >= 0) {
          return Optional.of("an argument holding a metacharacter");
        }
      }
    }
    return Optional.empty();
  }
}
