package io.vigil.nagios.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One {@code command[name]=/path/to/plugin args} line of nrpe.cfg, already split into an argv list
 * (quotes grouped, nothing expanded, no shell). {@code $ARGn$} macros are still in the words; they
 * are replaced per query.
 *
 * @param name        the command name a {@code check_nrpe -c name} query asks for
 * @param commandLine the text after {@code =}, as written
 * @param argv        the words of {@code commandLine}; the first is an absolute path
 * @param location    where the line is
 */
public record NrpeCommandLine(String name, String commandLine, List<String> argv, ConfigLocation location) {

  private static final Pattern ARG_MACRO = Pattern.compile("\\$ARG[^$]*\\$");

  public NrpeCommandLine {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(location, "location");
    argv = List.copyOf(argv);
    if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
      throw new IllegalArgumentException("command[" + name + "]: the program must be an absolute path, not '"
          + (argv.isEmpty() ? "" : argv.get(0)) + "'");
    }
  }

  /** Whether a query's arguments would change this command: some word holds an {@code $ARGn$} macro. */
  public boolean usesArguments() {
    return argv.stream().anyMatch(word -> ARG_MACRO.matcher(word).find());
  }
}
