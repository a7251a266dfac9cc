package io.vigil.nagios.config.objects;

import java.util.regex.Pattern;

/**
 * What Vigil lets into a Nagios object file. Nagios itself refuses the characters of
 * {@code illegal_object_name_chars} (Debian's nagios.cfg: {@code `~!$%^&*|'"<>?,()=}) in object names,
 * treats {@code ;} as the start of a comment and {@code !} as the argument separator of a
 * {@code check_command}, and expands {@code $...$} as macros. Rather than escape, Vigil allows a
 * conservative set and rejects the rest with the field, the value and the first bad character.
 */
final class NagiosNames {

  private static final Pattern OBJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final String OBJECT_ALLOWED = "letters, digits, '.', '_', '-', starting with a letter or digit";

  // Nagios allows spaces in service_description; ':' and '/' appear in real ones (the seed's "SMARTER:Services")
  private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9 ._:/@+-]*[A-Za-z0-9._:/@+-])?");
  private static final String SERVICE_ALLOWED = "letters, digits, spaces, '.', '_', ':', '/', '@', '+', '-'";

  // what the NRPE server can be asked for: no '!' (argument separator), none of nrpe's NASTY_METACHARS
  private static final Pattern NRPE_COMMAND = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  private static final String NRPE_COMMAND_ALLOWED = "letters, digits, '_', '.', '-'";

  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9:][A-Za-z0-9._:-]*");
  private static final String ADDRESS_ALLOWED = "a host name or an IP address";

  // check_nrpe's -A/-C/-K file arguments end up in a command_line that Nagios may pass to /bin/sh
  private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._/+-]*");
  private static final String PATH_ALLOWED = "an absolute path of letters, digits, '.', '_', '/', '+', '-'";

  private static final int MAX_LENGTH = 255;

  private NagiosNames() {
  }

  static String objectName(String field, String value) {
    return check(field, value, OBJECT, OBJECT_ALLOWED);
  }

  static String serviceDescription(String field, String value) {
    return check(field, value, SERVICE, SERVICE_ALLOWED);
  }

  static String nrpeCommand(String field, String value) {
    return check(field, value, NRPE_COMMAND, NRPE_COMMAND_ALLOWED);
  }

  static String address(String field, String value) {
    return check(field, value, ADDRESS, ADDRESS_ALLOWED);
  }

  static String path(String field, String value) {
    return check(field, value, PATH, PATH_ALLOWED);
  }

  private static String check(String field, String value, Pattern allowed, String description) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + ": empty (expected " + description + ")");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(field + " '" + value.substring(0, 40) + "...': " + value.length()
          + " characters (expected: at most " + MAX_LENGTH + ")");
    }
    if (!allowed.matcher(value).matches()) {
      throw new IllegalArgumentException(field + " '" + value + "': " + firstBad(value, allowed)
          + " is not allowed (expected " + description + ")");
    }
    return value;
  }

  /** Names the first character that breaks the pattern, for the error. */
  private static String firstBad(String value, Pattern allowed) {
    for (int end = 1; end <= value.length(); end++) {
      String prefix = value.substring(0, end);
      if (!allowed.matcher(prefix).matches() && !allowed.matcher(prefix).hitEnd()) {
        return describe(value.charAt(end - 1), end - 1);
      }
    }
    return describe(value.charAt(value.length() - 1), value.length() - 1);
  }

  private static String describe(char c, int index) {
    String shown = Character.isISOControl(c) || (Character.isWhitespace(c) && c != ' ')
        ? String.format("U+%04X", (int) c) : "'" + c + "'";
    return shown + " at position " + (index + 1);
  }
}
