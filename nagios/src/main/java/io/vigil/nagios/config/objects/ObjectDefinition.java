package io.vigil.nagios.config.objects;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code define type { ... }} block, directives in the order given and values aligned, as in
 * Nagios's sample configs. Values have been validated by {@link NagiosNames}; a newline or a
 * {@code ;} (which starts a comment in Nagios object files) here is a bug.
 */
final class ObjectDefinition {

  private final String type;
  private final List<String[]> directives = new ArrayList<>();

  ObjectDefinition(String type) {
    this.type = type;
  }

  ObjectDefinition set(String directive, String value) {
    if (value.indexOf('\n') >= 0 || value.indexOf(';') >= 0) {
      throw new IllegalStateException(type + " " + directive + ": unescaped ';' or newline in '" + value + "'");
    }
    directives.add(new String[] {directive, value});
    return this;
  }

  ObjectDefinition set(String directive, int value) {
    return set(directive, String.valueOf(value));
  }

  void appendTo(StringBuilder out) {
    int width = directives.stream().mapToInt(d -> d[0].length()).max().orElse(0);
    out.append("define ").append(type).append(" {\n");
    for (String[] d : directives) {
      out.append("    ").append(d[0]).append(" ".repeat(width - d[0].length() + 2)).append(d[1]).append('\n');
    }
    out.append("}\n\n");
  }
}
