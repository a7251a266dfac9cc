package io.vigil.nagios.config;

import io.vigil.probes.internal.Argv;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads nrpe.cfg line by line as nrpe 4.1's {@code read_config_file} does (trim, skip {@code #}
 * comments and blank lines, {@code name=value} split at the first {@code =}), collecting every
 * problem instead of stopping at the first. One reader reads one configuration.
 */
final class NrpeConfigReader {

  /** Names nrpe 4.1 reads that Vigil keeps in {@link NrpeConfig#otherSettings()} without acting on. */
  private static final Set<String> NRPE_ONLY = Set.of("log_facility", "log_file", "debug", "pid_file",
      "nrpe_user", "nrpe_group", "listen_queue_size", "allow_weak_random_seed", "keep_env_vars",
      "ssl_logging", "ssl_shutdown_timeout", "disable_syslog");

  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final Deque<Path> reading = new ArrayDeque<>();
  private final List<Path> files = new ArrayList<>();
  private final Map<String, NrpeCommandLine> commands = new TreeMap<>();
  private final List<NrpeSetting> other = new ArrayList<>();
  private final NrpeSettingValues values = new NrpeSettingValues();

  NrpeConfig read(Path file) throws NrpeConfigException {
    Path start = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(start)) {
      throw new NrpeConfigException(List.of(start + ": no such file"));
    }
    readFile(start, null);
    Optional<NrpeConfig> config = values.build(commands, other, warnings, files, problems);
    if (!problems.isEmpty() || config.isEmpty()) {
      throw new NrpeConfigException(problems);
    }
    return config.get();
  }

  private void readFile(Path file, ConfigLocation includedAt) {
    Path real;
    List<String> lines;
    try {
      real = file.toRealPath();
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      problems.add(where(includedAt, file) + ": include: no such file '" + file + "'");
      return;
    } catch (MalformedInputException e) {
      problems.add(file + ": not UTF-8 text");
      return;
    } catch (IOException e) {
      problems.add(where(includedAt, file) + ": cannot read '" + file + "': " + e.getMessage());
      return;
    }
    if (reading.contains(real)) {
      problems.add(includedAt + ": include cycle: " + cycle(real));
      return;
    }
    reading.push(real);
    files.add(file);
    for (int i = 0; i < lines.size(); i++) {
      readLine(lines.get(i).strip(), new ConfigLocation(file, i + 1));
    }
    reading.pop();
  }

  private void readLine(String line, ConfigLocation at) {
    if (line.isEmpty() || line.startsWith("#")) {
      return;
    }
    if (line.startsWith("command[")) {
      readCommand(line, at);
      return;
    }
    int eq = line.indexOf('=');
    if (eq < 0) {
      problems.add(at + ": expected name=value, got '" + line + "'");
      return;
    }
    String name = line.substring(0, eq).strip();
    String value = line.substring(eq + 1).strip();
    if (name.isEmpty()) {
      problems.add(at + ": no setting name before '=' in '" + line + "'");
    } else if (value.isEmpty()) {
      // nrpe: "No variable value specified in config file"
      problems.add(at + ": " + name + ": no value");
    } else if (name.equals("include") || name.equals("include_file")) {
      readFile(at.file().resolveSibling(value).normalize(), at);
    } else if (name.equals("include_dir")) {
      readDir(at.file().resolveSibling(value).normalize(), at);
    } else if (!values.accept(name, value, at, problems, warnings)) {
      other.add(new NrpeSetting(name, value, at, NRPE_ONLY.contains(name)));
    }
  }

  private void readCommand(String line, ConfigLocation at) {
    int close = line.indexOf(']');
    int eq = close < 0 ? -1 : line.indexOf('=', close);
    if (close < 0 || eq < 0 || !line.substring(close + 1, eq).isBlank()) {
      problems.add(at + ": command definition without ']=': '" + line + "'");
      return;
    }
    String name = line.substring("command[".length(), close);
    String commandLine = line.substring(eq + 1).strip();
    if (name.isBlank()) {
      problems.add(at + ": command[] has an empty name");
      return;
    }
    Optional<String> unaskable = name.chars().mapToObj(c -> String.valueOf((char) c))
        .filter(c -> c.isBlank() || c.equals("!") || NrpeConfig.NASTY_METACHARS.contains(c)).findFirst();
    if (unaskable.isPresent()) {
      problems.add(at + ": command[" + name + "]: a query can never ask for a name holding '" + unaskable.get() + "'");
      return;
    }
    if (commandLine.isEmpty()) {
      problems.add(at + ": command[" + name + "]: no command line");
      return;
    }
    NrpeCommandLine previous = commands.get(name);
    if (previous != null) {
      problems.add(at + ": command[" + name + "] is already defined at " + previous.location());
      return;
    }
    argv(commandLine, "command[" + name + "]", at, problems, warnings).ifPresent(argv ->
        commands.put(name, new NrpeCommandLine(name, commandLine, argv, at)));
  }

  /**
   * The words of a command line, or empty (with a problem recorded) when it needs a shell, has an
   * unclosed quote or does not start with an absolute path.
   */
  static Optional<List<String>> argv(String commandLine, String what, ConfigLocation at, List<String> problems,
      List<String> warnings) {
    Optional<String> shell = ShellSyntax.firstShellConstruct(commandLine);
    if (shell.isPresent()) {
      problems.add(at + ": " + what + " needs a shell (" + shell.get() + "), which Vigil never runs; wrap it in a script");
      return Optional.empty();
    }
    List<String> argv;
    try {
      argv = Argv.split(commandLine);
    } catch (IllegalArgumentException e) {
      problems.add(at + ": " + what + ": " + e.getMessage());
      return Optional.empty();
    }
    if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
      problems.add(at + ": " + what + ": the program must be an absolute path, not '" + (argv.isEmpty() ? "" : argv.get(0)) + "'");
      return Optional.empty();
    }
    List<String> globs = ShellSyntax.globs(commandLine);
    if (!globs.isEmpty()) {
      warnings.add(at + ": " + what + ": " + String.join(" ", globs)
          + " passed literally; nrpe's shell would expand it if files matched");
    }
    return Optional.of(argv);
  }

  /**
   * nrpe.c read_config_dir: entries sorted by name; a name ending in .cfg is read if it is a regular
   * file (a directory so named is skipped); other directories not starting with '.' are recursed.
   */
  private void readDir(Path dir, ConfigLocation at) {
    Path real;
    List<Path> entries;
    try {
      real = dir.toRealPath();
      try (var listing = Files.list(dir)) {
        entries = listing.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
            .collect(Collectors.toList());
      }
    } catch (NoSuchFileException e) {
      problems.add(at + ": include_dir: no such directory '" + dir + "'");
      return;
    } catch (IOException e) {
      problems.add(at + ": include_dir: cannot read '" + dir + "': " + e.getMessage());
      return;
    }
    if (reading.contains(real)) {
      problems.add(at + ": include cycle: " + cycle(real));
      return;
    }
    reading.push(real);
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (name.length() > 4 && name.endsWith(".cfg")) {
        if (Files.isRegularFile(entry)) {
          readFile(entry, at);
        } // else skipped, even a directory: nrpe's "only process normal files" continues the loop
      } else if (Files.isDirectory(entry) && !name.startsWith(".")) {
        readDir(entry, at);
      }
    }
    reading.pop();
  }

  /** The include line that named {@code file}, or the file itself for the top-level one. */
  private static String where(ConfigLocation includedAt, Path file) {
    return includedAt == null ? file.toString() : includedAt.toString();
  }

  private String cycle(Path again) {
    List<String> chain = new ArrayList<>();
    reading.descendingIterator().forEachRemaining(p -> chain.add(p.toString()));
    chain.add(again.toString());
    return String.join(" -> ", chain.subList(chain.indexOf(again.toString()), chain.size()));
  }

  /** A whole number for {@code name}, or empty with a problem recorded. */
  static Optional<Integer> number(String name, String value, ConfigLocation at, List<String> problems) {
    try {
      return Optional.of(Integer.parseInt(value));
    } catch (NumberFormatException e) {
      problems.add(at + ": " + name + ": '" + value + "' is not a whole number");
      return Optional.empty();
    }
  }

  static Optional<Duration> seconds(String name, String value, ConfigLocation at, List<String> problems) {
    Optional<Integer> n = number(name, value, at, problems);
    if (n.isPresent() && n.get() < 1) {
      problems.add(at + ": " + name + ": " + n.get() + " (expected: >= 1 seconds)");
      return Optional.empty();
    }
    return n.map(Duration::ofSeconds);
  }
}
