package io.vigil.probes;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output of a Nagios plugin, split as the guidelines define it: the first line is
 * {@code summary | perfdata}; further lines are long text, until a line with {@code |} after which
 * everything is perfdata.
 *
 * <p>Parsing is lenient, as Nagios is: a perfdata token that does not parse is skipped and listed in
 * {@link #perfdataErrors()}, never fatal.
 */
public record PluginOutput(String summary, String longText, List<Perfdata> perfdata, List<String> perfdataErrors) {

  // 'label'=value[UOM];[warn];[crit];[min];[max]  (value may be U)
  private static final Pattern VALUE = Pattern.compile("([-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|U)([A-Za-z%]*)");

  public PluginOutput {
    perfdata = List.copyOf(perfdata);
    perfdataErrors = List.copyOf(perfdataErrors);
  }

  public static PluginOutput parse(String output) {
    String text = output == null ? "" : output.replace("\r\n", "\n");
    String[] lines = text.split("\n", -1);
    StringBuilder perf = new StringBuilder();
    String first = lines.length == 0 ? "" : lines[0];
    int bar = first.indexOf('|');
    String summary = bar < 0 ? first : first.substring(0, bar);
    if (bar >= 0) {
      perf.append(first, bar + 1, first.length()).append(' ');
    }
    StringBuilder longText = new StringBuilder();
    boolean inPerf = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (inPerf) {
        perf.append(line).append(' ');
        continue;
      }
      int b = line.indexOf('|');
      if (b >= 0) {
        append(longText, line.substring(0, b));
        perf.append(line, b + 1, line.length()).append(' ');
        inPerf = true;
      } else {
        append(longText, line);
      }
    }
    List<Perfdata> values = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String token : tokens(perf.toString())) {
      try {
        values.add(perfdata(token));
      } catch (IllegalArgumentException e) {
        errors.add(token + ": " + e.getMessage());
      }
    }
    return new PluginOutput(summary.strip(), longText.toString().strip(), values, errors);
  }

  private static void append(StringBuilder sb, String line) {
    if (!line.isBlank()) {
      sb.append(line.strip()).append('\n');
    }
  }

  /** Splits on spaces, keeping quoted labels ({@code 'a b'=1}, with {@code ''} for a quote) whole. */
  static List<String> tokens(String perf) {
    List<String> tokens = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < perf.length(); i++) {
      char c = perf.charAt(i);
      if (c == '\'') {
        if (quoted && i + 1 < perf.length() && perf.charAt(i + 1) == '\'') {
          current.append("''");
          i++;
          continue;
        }
        quoted = !quoted;
        current.append(c);
      } else if (Character.isWhitespace(c) && !quoted) {
        if (!current.isEmpty()) {
          tokens.add(current.toString());
          current.setLength(0);
        }
      } else {
        current.append(c);
      }
    }
    if (!current.isEmpty()) {
      tokens.add(current.toString());
    }
    return tokens;
  }

  static Perfdata perfdata(String token) {
    int eq = token.lastIndexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException("expected label=value");
    }
    String label = token.substring(0, eq);
    if (label.length() >= 2 && label.startsWith("'") && label.endsWith("'")) {
      label = label.substring(1, label.length() - 1).replace("''", "'");
    }
    String[] fields = token.substring(eq + 1).split(";", -1);
    Matcher m = VALUE.matcher(fields[0]);
    if (!m.matches()) {
      throw new IllegalArgumentException("value '" + fields[0] + "' is not a number with an optional unit");
    }
    double value = m.group(1).equals("U") ? Double.NaN : Double.parseDouble(m.group(1));
    NagiosRange warn = fields.length > 1 && !fields[1].isEmpty() ? NagiosRange.parse(fields[1]) : null;
    NagiosRange crit = fields.length > 2 && !fields[2].isEmpty() ? NagiosRange.parse(fields[2]) : null;
    Double min = fields.length > 3 && !fields[3].isEmpty() ? number(fields[3]) : null;
    Double max = fields.length > 4 && !fields[4].isEmpty() ? number(fields[4]) : null;
    return new Perfdata(label, value, m.group(2), warn, crit, min, max);
  }

  private static double number(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + s + "' is not a number");
    }
  }
}
