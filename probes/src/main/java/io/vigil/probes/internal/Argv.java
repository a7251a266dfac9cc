package io.vigil.probes.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line such as nrpe.cfg's {@code /usr/lib/nagios/plugins/check_disk -w 20% -p /}
 * into an argv list: whitespace separates words, single and double quotes group them. Nothing is
 * expanded (no variables, globs, redirections or command substitution): there is no shell.
 */
public final class Argv {

  private Argv() {
  }

  public static List<String> split(String commandLine) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < commandLine.length(); i++) {
      char c = commandLine.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed " + quote + " in command line: " + commandLine);
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
