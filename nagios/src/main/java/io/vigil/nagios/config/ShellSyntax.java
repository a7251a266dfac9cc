package io.vigil.nagios.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an nrpe.cfg command line as {@code /bin/sh} (dash) would, only to find what a shell would
 * give meaning to. nrpe runs every line through {@code popen}; Vigil splits it with
 * {@link io.vigil.probes.internal.Argv} instead, which agrees with the shell on quotes and
 * whitespace and on nothing else. A line holding anything else is refused, so that no line runs
 * differently under Vigil than under nrpe.
 */
final class ShellSyntax {

  /** An nrpe macro: {@code $ARGn$}, or {@code $$} for a literal dollar ({@code nrpe.c process_macros}). */
  private static final Pattern NRPE_MACRO = Pattern.compile("\\$(ARG[^$]*)?\\$");

  private ShellSyntax() {
  }

  /**
   * The first construct of {@code line} that needs a shell, as it would appear in an error
   * ({@code "|"}, {@code "&&"}, {@code "$("}, {@code "$HOME"} ...), or empty when splitting into argv
   * words means the same as the shell would.
   */
  static Optional<String> firstShellConstruct(String line) {
    char quote = 0;
    boolean wordStart = true;
    Matcher macro = NRPE_MACRO.matcher(line);
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        quote = c == '\'' ? 0 : quote; // nothing is special inside single quotes
        continue;
      }
      if (c == '$') {
        if (macro.region(i, line.length()).lookingAt()) {
          i = macro.end() - 1; // nrpe replaces it before any shell sees the line
          wordStart = false;
          continue;
        }
        Optional<String> expansion = dollar(line, i);
        if (expansion.isPresent()) {
          return expansion;
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '`') {
          return Optional.of("`");
        } else if (c == '\\' && i + 1 < line.length() && "$`\"\\".indexOf(line.charAt(i + 1)) >= 0) {
          return Optional.of("\\");
        }
        continue;
      } else if (Character.isWhitespace(c)) {
        wordStart = true;
        continue;
      } else {
        Optional<String> special = unquoted(line, i, wordStart);
        if (special.isPresent()) {
          return special;
        }
        if (c == '\'' || c == '"') {
          quote = c;
        }
      }
      wordStart = false;
    }
    return Optional.empty();
  }

  /** Unquoted glob characters in {@code line}: the shell expands them only when files match. */
  static List<String> globs(String line) {
    List<String> found = new ArrayList<>();
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if ((c == '*' || c == '?' || c == '[') && !found.contains(String.valueOf(c))) {
        found.add(String.valueOf(c));
      }
    }
    return found;
  }

  private static Optional<String> unquoted(String line, int i, boolean wordStart) {
    char c = line.charAt(i);
    char next = i + 1 < line.length() ? line.charAt(i + 1) : 0;
    return switch (c) {
      case '|' -> Optional.of(next == '|' ? "||" : "|");
      case '&' -> Optional.of(next == '&' ? "&&" : "&");
      case ';', '<', '>', '`', '(', ')', '\\' -> Optional.of(String.valueOf(c));
      case '~', '#' -> wordStart ? Optional.of(String.valueOf(c)) : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** A {@code $} that is not an nrpe macro: command substitution or a parameter expansion. */
  private static Optional<String> dollar(String line, int i) {
    if (i + 1 >= line.length()) {
      return Optional.empty(); // a trailing $ is literal to the shell
    }
    char next = line.charAt(i + 1);
    if (next == '(') {
      return Optional.of("$(");
    }
    if (next == '{') {
      return Optional.of("${");
    }
    if (Character.isLetter(next) || next == '_') {
      int end = i + 1;
      while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
        end++;
      }
      return Optional.of(line.substring(i, end));
    }
    if (Character.isDigit(next) || "@*#?!-".indexOf(next) >= 0) {
      return Optional.of(line.substring(i, i + 2));
    }
    return Optional.empty();
  }
}
