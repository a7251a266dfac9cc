package io.vigil.nagios.nrpe;

import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A query's command and arguments, checked the way nrpe.c {@code validate_request} checks them, in
 * the same order: an empty query, then nrpe's nasty metacharacters anywhere in the buffer, then
 * arguments ({@code cmd!arg1!arg2}) for a command that takes none ({@code dont_blame_nrpe=0}), then
 * each argument: not empty and without {@code $(} (CVE-2013-1362), and at most 16 of them.
 *
 * <p>nrpe silently drops arguments after the 16th and its empty-argument check can never fire (it
 * splits with strtok, which merges separators); both are refused here instead.
 */
record NrpeRequest(String command, List<String> arguments) {

  /** nrpe's hello command, answered with the version (common.h.in NRPE_HELLO_COMMAND). */
  static final String HELLO_COMMAND = "_NRPE_CHECK";

  /**
   * nrpe common.h.in NASTY_METACHARS. {@code \r} and {@code \n} were added in 3.0.0 for
   * CVE-2014-2913, where a newline in an argument ran a second shell command.
   */
  static final String NASTY_METACHARS = "|`&><'\\[]{};\r\n";

  /** nrpe common.h.in MAX_COMMAND_ARGUMENTS. */
  static final int MAX_ARGUMENTS = 16;

  NrpeRequest {
    arguments = List.copyOf(arguments);
  }

  /** The outcome of {@link #parse}. */
  sealed interface Parsed permits Valid, Refused {
  }

  /** A request the server may answer. */
  record Valid(NrpeRequest request) implements Parsed {
  }

  /** A request the server closes the connection on without an answer, as nrpe does. */
  record Refused(RejectReason reason, String why) implements Parsed {
  }

  /**
   * Checks the text of a query.
   *
   * @param buffer the query text, up to its NUL
   * @param acceptsArguments whether a command may be given arguments
   */
  static Parsed parse(String buffer, Predicate<String> acceptsArguments) {
    if (buffer.isEmpty()) {
      return new Refused(RejectReason.INVALID_REQUEST, "the query is empty");
    }
    for (int i = 0; i < buffer.length(); i++) {
      if (NASTY_METACHARS.indexOf(buffer.charAt(i)) >= 0) {
        return new Refused(RejectReason.INVALID_REQUEST,
            "metacharacter " + describe(buffer.charAt(i)) + " at index " + i);
      }
    }
    int bang = buffer.indexOf('!');
    if (bang < 0) {
      return new Valid(new NrpeRequest(buffer, List.of()));
    }
    String command = buffer.substring(0, bang);
    if (command.isEmpty()) {
      return new Refused(RejectReason.INVALID_REQUEST, "no command before the arguments");
    }
    if (!acceptsArguments.test(command)) {
      return new Refused(RejectReason.ARGUMENTS_REFUSED, "command '" + command + "' takes no arguments");
    }
    List<String> arguments = Arrays.asList(buffer.substring(bang + 1).split("!", -1));
    if (arguments.size() > MAX_ARGUMENTS) {
      return new Refused(RejectReason.INVALID_REQUEST,
          arguments.size() + " arguments (expected: at most " + MAX_ARGUMENTS + ")");
    }
    for (int i = 0; i < arguments.size(); i++) {
      String argument = arguments.get(i);
      if (argument.isEmpty()) {
        return new Refused(RejectReason.INVALID_REQUEST, "argument " + (i + 1) + " is empty");
      }
      if (argument.contains("$(")) {
        return new Refused(RejectReason.INVALID_REQUEST, "argument " + (i + 1) + " contains '$('");
      }
    }
    return new Valid(new NrpeRequest(command, arguments));
  }

  private static String describe(char c) {
    return switch (c) {
      case '\r' -> "'\\r'";
      case '\n' -> "'\\n'";
      default -> "'" + c + "'";
    };
  }
}
