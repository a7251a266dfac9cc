package io.vigil.nagios.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NrpeConfigTest {

  @Test
  void readsTheLabConfig_commandsAsArgvAndTheSettingsVigilUses() throws Exception {
    NrpeConfig cfg = NrpeConfig.parse(Fixtures.nrpe("lab.cfg"));

    assertThat(cfg.commands()).containsOnlyKeys("check_crit", "check_load", "check_long", "check_ok", "check_slow");
    assertThat(cfg.command("check_ok").orElseThrow().argv())
        .containsExactly("/usr/lib/nagios/plugins/check_dummy", "0", "all-good");
    // the single quotes group the word and keep the '|' and '\n' literal, as /bin/sh does
    assertThat(cfg.command("check_long").orElseThrow().argv())
        .containsExactly("/usr/bin/printf", "OK - %02000d|x=1\\n", "7");
    assertThat(cfg.command("check_slow").orElseThrow().location())
        .isEqualTo(new ConfigLocation(Fixtures.nrpe("lab.cfg"), 20));
    assertThat(cfg.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(cfg.connectionTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(cfg.dontBlameNrpe()).isFalse();
    assertThat(cfg.allowBashCommandSubstitution()).isFalse();
    assertThat(cfg.allowedHosts()).containsExactly("127.0.0.1");
    assertThat(cfg.serverAddress()).contains("127.0.0.1");
    assertThat(cfg.serverPort()).isEqualTo(55667);
    assertThat(cfg.warnings()).isEmpty();
  }

  @Test
  void keepsAndListsTheSettingsItDoesNotActOn_markingThoseNrpeDoesNotKnowEither() throws Exception {
    Path file = Fixtures.nrpe("lab.cfg");
    NrpeConfig cfg = NrpeConfig.parse(file);

    assertThat(cfg.otherSettings()).extracting(NrpeSetting::name)
        .containsExactly("log_file", "debug", "pid_file", "nrpe_user", "nrpe_group", "disable_syslog", "ssl_logging");
    assertThat(cfg.otherSettings().get(2)).hasToString(file + ":4: pid_file=/tmp/vigil-lab/nrpe/plain/nrpe.pid");
    // disable_syslog is Debian's addition; nrpe 4.1 only logs "Unknown option specified in config file"
    assertThat(cfg.otherSettings()).filteredOn(NrpeSetting::knownToNrpe).hasSize(7);
  }

  @Test
  void usesNrpesDefaults_whenTheFileSetsNothing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nrpe.cfg");
    Files.writeString(file, "command[check_ok]=/bin/true\nno_such_option=1\n");

    NrpeConfig cfg = NrpeConfig.parse(file);

    assertThat(cfg.commandTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(cfg.connectionTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(cfg.serverPort()).isEqualTo(5666);
    assertThat(cfg.dontBlameNrpe()).isFalse();
    assertThat(cfg.allowedHosts()).isEmpty();
    assertThat(cfg.maxCommands()).isZero();
    assertThat(cfg.nastyMetachars()).isEqualTo("|`&><'\\[]{};\r\n");
    assertThat(cfg.tls()).isEqualTo(NrpeTlsSettings.DEFAULTS);
    assertThat(cfg.otherSettings()).singleElement().satisfies(s -> {
      assertThat(s.name()).isEqualTo("no_such_option");
      assertThat(s.knownToNrpe()).isFalse();
    });
  }

  @Test
  void followsIncludeIncludeFileAndIncludeDir_inNrpesOrder() throws Exception {
    Path main = Fixtures.nrpe("includes/main.cfg");

    NrpeConfig cfg = NrpeConfig.parse(main);

    assertThat(cfg.commands()).containsOnlyKeys("check_users", "check_zombie_procs", "check_disk_root",
        "check_load", "check_total_procs");
    Path dir = main.getParent();
    // include_dir: sorted, *.cfg only, recursing into sub/ (nrpe.c read_config_dir with alphasort)
    assertThat(cfg.files()).containsExactly(main, dir.resolve("local.cfg"), dir.resolve("tls.cfg"),
        dir.resolve("nrpe.d/10-disk.cfg"), dir.resolve("nrpe.d/20-load.cfg"), dir.resolve("nrpe.d/sub/30-procs.cfg"));
    assertThat(cfg.command("check_load").orElseThrow().location()).hasToString(dir.resolve("nrpe.d/20-load.cfg") + ":1");
    // the last line for a setting wins: main.cfg sets 30 after local.cfg's 20
    assertThat(cfg.commandTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(cfg.allowedHosts()).containsExactly("127.0.0.1", "::1", "192.0.2.0/24");
  }

  @Test
  void readsTheSslSettingsForTheTlsListener() throws Exception {
    NrpeTlsSettings tls = NrpeConfig.parse(Fixtures.nrpe("includes/main.cfg")).tls();

    assertThat(tls.version()).contains("TLSv1.2+");
    assertThat(tls.cipherList()).contains("ALL:!MD5:@STRENGTH:@SECLEVEL=0");
    assertThat(tls.caCertFile()).contains(Path.of("/etc/nagios/ssl/ca.pem"));
    assertThat(tls.certFile()).contains(Path.of("/etc/nagios/ssl/nrpe.pem"));
    assertThat(tls.privateKeyFile()).contains(Path.of("/etc/nagios/ssl/nrpe.key"));
    assertThat(tls.requiresClientCertificate()).isTrue();
    assertThat(tls.useAdh()).isZero();
  }

  @Test
  void refusesAnIncludeCycle_namingTheChain() {
    Path a = Fixtures.nrpe("cycle/a.cfg");
    Path b = Fixtures.nrpe("cycle/b.cfg");

    NrpeConfigException e = catchThrowableOfType(() -> NrpeConfig.parse(a), NrpeConfigException.class);

    assertThat(e.problems()).containsExactly(b + ":2: include cycle: " + a + " -> " + b + " -> " + a);
  }

  @Test
  void reportsEveryProblem_eachWithFileAndLine() {
    Path file = Fixtures.nrpe("errors/broken.cfg");
    String at = file + ":";

    NrpeConfigException e = catchThrowableOfType(() -> NrpeConfig.parse(file), NrpeConfigException.class);

    assertThat(e.problems()).containsExactly(
        at + "3: command definition without ']=': 'command[check_no_bracket=/bin/true'",
        at + "4: command[] has an empty name",
        at + "5: command[check_ok] is already defined at " + at + "2",
        at + "6: command_timeout: 'ten' is not a whole number",
        at + "7: server_port: 80 (expected: 1024..65535)",
        at + "8: dont_blame_nrpe: 'yes' (expected: 0 or 1)",
        at + "9: include: no such file '" + file.resolveSibling("missing.cfg") + "'",
        at + "10: include_dir: no such directory '" + file.resolveSibling("missing.d") + "'",
        at + "11: command[relative]: the program must be an absolute path, not 'check_dummy'",
        at + "12: command[unclosed]: unclosed ' in command line: /bin/echo 'oops",
        at + "13: expected name=value, got 'just some words'",
        at + "14: allowed_hosts: no value",
        at + "15: command[check me]: a query can never ask for a name holding ' '",
        at + "16: ssl_client_certs: 3 (expected: 0..2)");
    assertThat(e).hasMessageStartingWith(at + "3: command definition without ']='");
  }

  @Test
  void refusesEveryCommandThatNeedsAShell_sayingWhichConstruct() {
    Path file = Fixtures.nrpe("shell/shell.cfg");

    NrpeConfigException e = catchThrowableOfType(() -> NrpeConfig.parse(file), NrpeConfigException.class);

    String tail = ", which Vigil never runs; wrap it in a script";
    assertThat(e.problems()).containsExactly(
        file + ":2: command[pipe] needs a shell (|)" + tail,
        file + ":3: command[and] needs a shell (&&)" + tail,
        file + ":4: command[semicolon] needs a shell (;)" + tail,
        file + ":5: command[redirect] needs a shell (>)" + tail,
        file + ":6: command[input] needs a shell (<)" + tail,
        file + ":7: command[backquote] needs a shell (`)" + tail,
        file + ":8: command[substitution] needs a shell ($()" + tail,
        file + ":9: command[variable] needs a shell ($HOME)" + tail,
        file + ":10: command[escape] needs a shell (\\)" + tail,
        file + ":11: command[tilde] needs a shell (~)" + tail,
        file + ":12: command[comment] needs a shell (#)" + tail,
        file + ":13: command[subshell] needs a shell (()" + tail);
  }

  @Test
  void acceptsShellCharactersThatAreQuotedOrInsideAWord_andWarnsAboutUnquotedGlobs() throws Exception {
    Path file = Fixtures.nrpe("shell/quoted.cfg");

    NrpeConfig cfg = NrpeConfig.parse(file);

    assertThat(cfg.command("check_semicolon").orElseThrow().argv()).endsWith("a;b && c > d");
    assertThat(cfg.command("check_single").orElseThrow().argv()).endsWith("$(id) `id` $HOME \\n");
    assertThat(cfg.command("check_hash").orElseThrow().argv()).endsWith("issue#42", "a~b");
    assertThat(cfg.command("check_args").orElseThrow().argv()).endsWith("$ARG1$", "$ARG2$", "cost$$");
    assertThat(cfg.command("check_args").orElseThrow().usesArguments()).isTrue();
    assertThat(cfg.command("check_long").orElseThrow().usesArguments()).isFalse();
    assertThat(cfg.warnings()).containsExactly(
        file + ":7: command[check_glob]: ? passed literally; nrpe's shell would expand it if files matched");
  }

  @Test
  void refusesAMissingFile() {
    Path missing = Path.of("/nonexistent/nrpe.cfg");

    assertThatThrownBy(() -> NrpeConfig.parse(missing)).isInstanceOf(NrpeConfigException.class)
        .hasMessage("/nonexistent/nrpe.cfg: no such file");
  }

  @Test
  void commandPrefixIsSplitAndCheckedLikeACommand(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nrpe.cfg");
    Files.writeString(file, "command_prefix=/usr/bin/sudo -n\nmax_commands=3\ncommand[x]=/bin/true\n");

    NrpeConfig cfg = NrpeConfig.parse(file);

    assertThat(cfg.commandPrefix()).containsExactly("/usr/bin/sudo", "-n");
    assertThat(cfg.maxCommands()).isEqualTo(3);
    Files.writeString(file, "command_prefix=sudo | tee\n");
    assertThatThrownBy(() -> NrpeConfig.parse(file))
        .hasMessage(file + ":1: command_prefix needs a shell (|), which Vigil never runs; wrap it in a script");
  }

  @Test
  void warnsThatBashCommandSubstitutionIsNeverPerformed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nrpe.cfg");
    Files.writeString(file, "dont_blame_nrpe=1\nallow_bash_command_substitution=1\n");

    NrpeConfig cfg = NrpeConfig.parse(file);

    assertThat(cfg.dontBlameNrpe()).isTrue();
    assertThat(cfg.allowBashCommandSubstitution()).isTrue();
    assertThat(cfg.warnings())
        .containsExactly(file + ":2: allow_bash_command_substitution=1 has no effect: Vigil never runs a shell");
    assertThat(cfg.command("x")).isEqualTo(Optional.empty());
    assertThat(cfg.commands()).isEmpty();
    assertThat(List.copyOf(cfg.files())).containsExactly(file);
  }
}
