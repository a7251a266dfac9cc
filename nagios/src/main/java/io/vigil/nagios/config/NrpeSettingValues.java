package io.vigil.nagios.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The typed settings of nrpe.cfg as they are read; the last line for a name wins, as in nrpe. Checks
 * each value where nrpe does (a port below 1024, a timeout below 1) and where nrpe's {@code atoi}
 * would silently read garbage as 0.
 */
final class NrpeSettingValues {

  private Duration commandTimeout = NrpeConfig.DEFAULT_COMMAND_TIMEOUT;
  private Duration connectionTimeout = NrpeConfig.DEFAULT_CONNECTION_TIMEOUT;
  private boolean dontBlameNrpe;
  private boolean allowBashCommandSubstitution;
  private List<String> allowedHosts = List.of();
  private Optional<String> serverAddress = Optional.empty();
  private int serverPort = NrpeConfig.DEFAULT_SERVER_PORT;
  private int maxCommands;
  private List<String> commandPrefix = List.of();
  private String nastyMetachars = NrpeConfig.NASTY_METACHARS;
  private Optional<Path> certFile = Optional.empty();
  private Optional<Path> privateKeyFile = Optional.empty();
  private Optional<Path> caCertFile = Optional.empty();
  private int clientCerts;
  private Optional<String> sslVersion = Optional.empty();
  private Optional<String> cipherList = Optional.empty();
  private int useAdh = 1;

  /** Takes a setting Vigil uses; false when {@code name} is not one. */
  boolean accept(String name, String value, ConfigLocation at, List<String> problems, List<String> warnings) {
    switch (name) {
      case "command_timeout" -> NrpeConfigReader.seconds(name, value, at, problems).ifPresent(d -> commandTimeout = d);
      case "connection_timeout" -> NrpeConfigReader.seconds(name, value, at, problems).ifPresent(d -> connectionTimeout = d);
      case "dont_blame_nrpe" -> flag(name, value, at, problems).ifPresent(b -> dontBlameNrpe = b);
      case "allow_bash_command_substitution" -> flag(name, value, at, problems).ifPresent(b -> {
        allowBashCommandSubstitution = b;
        if (b) {
          warnings.add(at + ": allow_bash_command_substitution=1 has no effect: Vigil never runs a shell");
        }
      });
      case "allowed_hosts" -> allowedHosts = Arrays.stream(value.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
      case "server_address" -> serverAddress = Optional.of(value);
      case "server_port" -> ranged(name, value, 1024, 65535, at, problems).ifPresent(p -> serverPort = p);
      case "max_commands" -> ranged(name, value, 0, Integer.MAX_VALUE, at, problems).ifPresent(n -> maxCommands = n);
      case "command_prefix" -> NrpeConfigReader.argv(value, name, at, problems, warnings).ifPresent(p -> commandPrefix = p);
      case "nasty_metachars" -> {
        nastyMetachars = value;
        warnings.add(at + ": nasty_metachars is set; Vigil still refuses nrpe's default set in arguments too");
      }
      case "ssl_cert_file" -> certFile = Optional.of(Path.of(value));
      case "ssl_privatekey_file" -> privateKeyFile = Optional.of(Path.of(value));
      case "ssl_cacert_file" -> caCertFile = Optional.of(Path.of(value));
      case "ssl_client_certs" -> ranged(name, value, 0, 2, at, problems).ifPresent(n -> clientCerts = n);
      case "ssl_use_adh" -> ranged(name, value, 0, 2, at, problems).ifPresent(n -> useAdh = n);
      case "ssl_cipher_list" -> cipherList = Optional.of(value);
      case "ssl_version" -> {
        if (NrpeTlsSettings.VERSIONS.contains(value)) {
          sslVersion = Optional.of(value);
        } else {
          problems.add(at + ": ssl_version: '" + value + "' (expected one of "
              + NrpeTlsSettings.VERSIONS.stream().sorted().toList() + ")");
        }
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** The configuration, or empty when a problem was recorded. */
  Optional<NrpeConfig> build(Map<String, NrpeCommandLine> commands, List<NrpeSetting> other, List<String> warnings,
      List<Path> files, List<String> problems) {
    if (!problems.isEmpty()) {
      return Optional.empty();
    }
    NrpeTlsSettings tls = new NrpeTlsSettings(certFile, privateKeyFile, caCertFile, clientCerts, sslVersion,
        cipherList, useAdh);
    return Optional.of(new NrpeConfig(new TreeMap<>(commands), commandTimeout, connectionTimeout,
        dontBlameNrpe, allowBashCommandSubstitution, allowedHosts, serverAddress, serverPort, maxCommands,
        commandPrefix, nastyMetachars, tls, other, warnings, files));
  }

  /** nrpe reads these as {@code atoi(v) == 1}; anything but 0 or 1 is refused here instead. */
  private static Optional<Boolean> flag(String name, String value, ConfigLocation at, List<String> problems) {
    if (!value.equals("0") && !value.equals("1")) {
      problems.add(at + ": " + name + ": '" + value + "' (expected: 0 or 1)");
      return Optional.empty();
    }
    return Optional.of(value.equals("1"));
  }

  private static Optional<Integer> ranged(String name, String value, int min, int max, ConfigLocation at,
      List<String> problems) {
    Optional<Integer> n = NrpeConfigReader.number(name, value, at, problems);
    if (n.isPresent() && (n.get() < min || n.get() > max)) {
      problems.add(at + ": " + name + ": " + n.get() + " (expected: " + min + ".." + max + ")");
      return Optional.empty();
    }
    return n;
  }
}
