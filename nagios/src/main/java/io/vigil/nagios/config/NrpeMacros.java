package io.vigil.nagios.config;

import java.util.ArrayList;
import java.util.List;

/**
 * nrpe's macro step ({@code nrpe.c process_macros}) applied to each argv word instead of to the
 * whole command line: text between two {@code $} is a macro; {@code $ARGn$} becomes the n-th query
 * argument (nothing when there is none or n is outside 1..16), {@code $$} a literal {@code $}, and
 * any other {@code $name$} stays as written.
 *
 * <p>Where the shell would then split words, Vigil does not: an argument is one argv word whatever it
 * holds, and a word that held only macros and came out empty is dropped, as the shell drops an
 * unquoted empty expansion (measured: {@code /bin/echo x$ARG1$y $ARG2$} without arguments runs
 * {@code echo xy}). Two deliberate differences: a quoted {@code '$ARG1$'} without an argument is
 * dropped too (the shell would pass an empty word), and an unpaired {@code $} stays literal (nrpe 4.1
 * appends a stray {@code $} to the end of the line, measured: {@code echo 'cost$5' tail} prints
 * {@code cost$5 tail$}).
 */
final class NrpeMacros {

  private NrpeMacros() {
  }

  /** {@code argv} with the macros of every word replaced, using {@code arguments} for {@code $ARGn$}. */
  static List<String> expand(List<String> argv, List<String> arguments) {
    List<String> out = new ArrayList<>(argv.size());
    for (String word : argv) {
      if (word.indexOf('$') < 0) {
        out.add(word);
        continue;
      }
      StringBuilder expanded = new StringBuilder(word.length());
      boolean argumentMacro = expandWord(word, arguments, expanded);
      if (expanded.length() > 0 || !argumentMacro) {
        out.add(expanded.toString());
      }
    }
    return out;
  }

  /** Appends {@code word} expanded to {@code out}; true when it held an {@code $ARGn$} macro. */
  private static boolean expandWord(String word, List<String> arguments, StringBuilder out) {
    boolean argumentMacro = false;
    int i = 0;
    while (i < word.length()) {
      int open = word.indexOf('$', i);
      int close = open < 0 ? -1 : word.indexOf('$', open + 1);
      if (close < 0) {
        out.append(word, i, word.length());
        break;
      }
      out.append(word, i, open);
      String name = word.substring(open + 1, close);
      if (name.isEmpty()) {
        out.append('$');
      } else if (name.startsWith("ARG")) {
        argumentMacro = true;
        int n = leadingNumber(name.substring(3));
        if (n >= 1 && n <= NrpeConfig.MAX_COMMAND_ARGUMENTS && n <= arguments.size()) {
          out.append(arguments.get(n - 1));
        }
      } else {
        out.append('$').append(name).append('$');
      }
      i = close + 1;
    }
    return argumentMacro;
  }

  /** C's {@code atoi}: the leading decimal digits, 0 when there are none. */
  private static int leadingNumber(String text) {
    int n = 0;
    for (int i = 0; i < text.length() && Character.isDigit(text.charAt(i)) && n < 1000; i++) {
      n = n * 10 + (text.charAt(i) - '0');
    }
    return n;
  }
}
