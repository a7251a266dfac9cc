package io.vigil.nagios.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An existing nrpe.cfg, read the way nrpe 4.1 reads it ({@code nrpe.c read_config_file}), so that its
 * {@code command[name]=...} lines keep working under Vigil unchanged.
 *
 * <pre>{@code
 * NrpeConfig cfg = NrpeConfig.parse(Path.of("/etc/nagios/nrpe.cfg"));
 * try (NrpeCfgCommands commands = NrpeCfgCommands.of(cfg)) { ... }
 * }</pre>
 *
 * <p>What is read: {@code include=FILE} (and its alias {@code include_file}) and
 * {@code include_dir=DIR} (every regular file ending in {@code .cfg}, recursing into subdirectories
 * that do not start with a dot, in sorted order, as nrpe's {@code read_config_dir} does with
 * {@code scandir(..., alphasort)}). A relative include is resolved against the including file's
 * directory. The settings Vigil uses are typed below; every other line is kept in
 * {@link #otherSettings()} and never fatal, because real nrpe.cfg files carry many.
 *
 * <p>Where nrpe logs "Continuing with errors..." and carries on, Vigil refuses to load: a missing
 * include, an include cycle, a command with no {@code ]=} or an empty name, a duplicate command
 * (nrpe silently lets the last one win), a number that is not one, or a command line it cannot run
 * faithfully. Each problem reads {@code file:line: what}; all are reported at once.
 *
 * <h2>No shell</h2>
 * nrpe hands the whole command line to {@code /bin/sh} ({@code popen}). Vigil splits it into an argv
 * list instead ({@link io.vigil.probes.internal.Argv}: quotes group words, nothing is expanded) and
 * runs the first word, which must be an absolute path. A line that means something different without
 * a shell (a pipe, {@code &&}, {@code ;}, a redirection, backquotes, {@code $(...)}, a shell variable,
 * a backslash escape, a leading {@code ~} or {@code #}) is <b>rejected at load</b> with
 * {@code file:line: command[x] needs a shell (|), which Vigil never runs; wrap it in a script}.
 * Running {@code /bin/sh -c} on the administrator's own line would be faithful, and the line is not
 * built from network input; but with {@code dont_blame_nrpe=1} query arguments are pasted into it,
 * which is exactly how CVE-2014-2913 and CVE-2013-1362 happened, and Vigil's rule is that no shell
 * string is ever run (safety.md 2.5). A script keeps the admin's shell logic under their control.
 * Unquoted glob characters ({@code * ? [}) are passed literally, which is what the shell does when
 * nothing matches; they are listed in {@link #warnings()}.
 *
 * <h2>Arguments</h2>
 * {@code $ARG1$}..{@code $ARG16$} are replaced inside argv words only after the server has checked
 * the query against {@link #NASTY_METACHARS}, and only with {@code dont_blame_nrpe=1}; otherwise
 * they expand to nothing, as in nrpe. An argument is always exactly one argv word, never split.
 *
 * @param commands             by name, sorted
 * @param commandTimeout       {@code command_timeout}: a plugin still running then is killed
 * @param connectionTimeout    {@code connection_timeout}
 * @param dontBlameNrpe        {@code dont_blame_nrpe=1}: queries may carry {@code !}-separated arguments
 * @param allowBashCommandSubstitution {@code allow_bash_command_substitution=1}; Vigil never substitutes
 * @param allowedHosts         {@code allowed_hosts}, split on commas; empty when absent (nrpe then
 *                             accepts any host; its sample config sets {@code 127.0.0.1,::1})
 * @param serverAddress        {@code server_address}; empty means every address
 * @param serverPort           {@code server_port}
 * @param maxCommands          {@code max_commands}; 0 means nrpe's "no limit"
 * @param commandPrefix        {@code command_prefix} split into words (e.g. {@code /usr/bin/sudo})
 * @param nastyMetachars       {@code nasty_metachars}, or nrpe's default set
 * @param tls                  the {@code ssl_*} settings
 * @param otherSettings        every other {@code name=value} line, in reading order
 * @param warnings             things that work but may surprise, each {@code file:line: what}
 * @param files                the files read, in order
 */
public record NrpeConfig(SortedMap<String, NrpeCommandLine> commands, Duration commandTimeout,
    Duration connectionTimeout, boolean dontBlameNrpe, boolean allowBashCommandSubstitution,
    List<String> allowedHosts, Optional<String> serverAddress, int serverPort, int maxCommands,
    List<String> commandPrefix, String nastyMetachars, NrpeTlsSettings tls, List<NrpeSetting> otherSettings,
    List<String> warnings, List<Path> files) {

  /** nrpe.c {@code DEFAULT_COMMAND_TIMEOUT}. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);

  /** common.h {@code DEFAULT_CONNECTION_TIMEOUT}. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(300);

  /** common.h {@code DEFAULT_SERVER_PORT}. */
  public static final int DEFAULT_SERVER_PORT = 5666;

  /** nrpe.c {@code NASTY_METACHARS} since 3.0 ({@code \r\n} added for CVE-2014-2913). */
  public static final String NASTY_METACHARS = "|`&><'\\[]{};\r\n";

  /** common.h {@code MAX_COMMAND_ARGUMENTS}: {@code $ARG1$}..{@code $ARG16$}. */
  public static final int MAX_COMMAND_ARGUMENTS = 16;

  public NrpeConfig {
    commands = Collections.unmodifiableSortedMap(new TreeMap<>(commands));
    commands.forEach((name, command) -> {
      if (!name.equals(command.name())) {
        throw new IllegalArgumentException("commands: key '" + name + "' holds command[" + command.name() + "]");
      }
    });
    requirePositive("command_timeout", commandTimeout);
    requirePositive("connection_timeout", connectionTimeout);
    if (serverPort < 1 || serverPort > 65535) {
      throw new IllegalArgumentException("server_port: " + serverPort + " (expected: 1..65535)");
    }
    if (maxCommands < 0) {
      throw new IllegalArgumentException("max_commands: " + maxCommands + " (expected: >= 0)");
    }
    allowedHosts = List.copyOf(allowedHosts);
    commandPrefix = List.copyOf(commandPrefix);
    otherSettings = List.copyOf(otherSettings);
    warnings = List.copyOf(warnings);
    files = List.copyOf(files);
  }

  /**
   * Reads {@code file} and everything it includes.
   *
   * @throws NrpeConfigException listing every problem as {@code file:line: what}
   */
  public static NrpeConfig parse(Path file) throws NrpeConfigException {
    return new NrpeConfigReader().read(file);
  }

  /** The command called {@code name}, if defined. */
  public Optional<NrpeCommandLine> command(String name) {
    return Optional.ofNullable(commands.get(name));
  }

  private static void requirePositive(String name, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
