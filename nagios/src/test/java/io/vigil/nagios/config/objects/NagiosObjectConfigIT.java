package io.vigil.nagios.config.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated config checked by the real Nagios Core 4.4.6 ({@code nagios4 -v}, Debian nagios4-core),
 * as lab-recipe section 7 describes: rc 0 with "Total Warnings: 0" and "Total Errors:   0" when sound,
 * rc 1 with its {@code Error:} line when not.
 */
class NagiosObjectConfigIT {

  @TempDir
  Path dir;

  private final NagiosInventory fleet = SeedInventory.fleet();

  @BeforeAll
  static void nagios4IsInstalled() {
    assumeTrue(Files.isExecutable(NagiosPreflight.NAGIOS4), "Debian nagios4-core is not installed");
  }

  @BeforeEach
  void readableByUserNagios() throws Exception {
    // nagios4 -v drops to user nagios before it reads the object files; @TempDir is 0700
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void seedFleet_passesNagiosPreflight_withNoWarningsAndNoErrors() throws Exception {
    Path objects = dir.resolve("vigil.cfg");
    NagiosObjectConfig.write(objects, fleet, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));
    Path main = Files.writeString(dir.resolve("nagios.cfg"), NagiosObjectConfig.mainConfig(List.of(objects), false));

    NagiosPreflight result = NagiosPreflight.run(main);

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Total Warnings: 0\n", "Total Errors:   0\n",
        "Things look okay - No serious problems were detected during the pre-flight check",
        "\tChecked " + SeedInventory.serviceCount(fleet) + " services.\n",
        "\tChecked " + fleet.hosts().size() + " hosts.\n",
        "\tChecked " + fleet.roles().size() + " host groups.\n");
    assertThat(result.clean()).isTrue();
  }

  @Test
  void everyTransport_passesNagiosPreflight() throws Exception {
    Path tls = Path.of("/etc/vigil/tls");
    for (CheckNrpeOptions checkNrpe : List.of(CheckNrpeOptions.plaintext(55667).withTimeout(Duration.ofSeconds(20)),
        CheckNrpeOptions.tls(5666).withCa(tls.resolve("ca.pem")),
        CheckNrpeOptions.tls(5666).withCa(tls.resolve("ca.pem"))
            .withClientCertificate(tls.resolve("nagios.pem"), tls.resolve("nagios.key")))) {
      Path objects = dir.resolve("vigil.cfg");
      NagiosObjectConfig.write(objects, fleet, NagiosObjectOptions.defaults(checkNrpe).withAgentHostCheck(false));
      Path main = Files.writeString(dir.resolve("nagios.cfg"), NagiosObjectConfig.mainConfig(List.of(objects), false));

      assertThat(NagiosPreflight.run(main).clean()).as(checkNrpe.toString()).isTrue();
    }
  }

  @Test
  void referencesToTheSitesContactGroupAndTimeperiod_passTogetherWithTheSiteFile() throws Exception {
    Path site = Files.copy(resource("objects/site.cfg"), dir.resolve("site.cfg"));
    Path objects = dir.resolve("vigil.cfg");
    NagiosObjectConfig.write(objects, fleet, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666))
        .withSiteContactGroup("admins").withSiteTimeperiod("24x7"));
    Path main = Files.writeString(dir.resolve("nagios.cfg"), NagiosObjectConfig.mainConfig(List.of(site, objects), false));

    NagiosPreflight result = NagiosPreflight.run(main);

    assertThat(result.clean()).as(result.output()).isTrue();
    assertThat(result.output()).contains("\tChecked 1 contacts.\n", "\tChecked 1 time periods.\n");
  }

  @Test
  void aDirectoryOnlyRootCanRead_passesWithNagiosUserRoot() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "nagios4 keeps the caller's user unless root");
    Path locked = Files.createDirectory(dir.resolve("locked"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    Path objects = locked.resolve("vigil.cfg");
    NagiosObjectConfig.write(objects, fleet, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));

    NagiosPreflight asNagios = NagiosPreflight.run(Files.writeString(locked.resolve("nagios.cfg"),
        NagiosObjectConfig.mainConfig(List.of(objects), false)));
    NagiosPreflight asRoot = NagiosPreflight.run(Files.writeString(locked.resolve("nagios.cfg"),
        NagiosObjectConfig.mainConfig(List.of(objects), true)));

    assertThat(asNagios.exitCode()).isEqualTo(1);
    assertThat(asNagios.output()).contains("Error processing object config files!");
    assertThat(asRoot.clean()).as(asRoot.output()).isTrue();
  }

  @Test
  void anUndefinedCommand_failsWithRc1_andItsErrorLine() throws Exception {
    Path objects = dir.resolve("vigil.cfg");
    NagiosObjectConfig.write(objects, fleet, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));
    Path extra = Files.writeString(dir.resolve("extra.cfg"), """
        define service {
            host_name              dbpgdw0.qa.dum.edwdc.net
            service_description    replication status
            check_command          check_missing!x
            max_check_attempts     3
            check_interval         1
            retry_interval         1
            check_period           vigil-24x7
            contact_groups         vigil-ops
            notification_interval  0
            notification_period    vigil-24x7
        }
        """);
    Path main = Files.writeString(dir.resolve("nagios.cfg"), NagiosObjectConfig.mainConfig(List.of(objects, extra), false));

    NagiosPreflight result = NagiosPreflight.run(main);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.totalErrors()).isEqualTo(1);
    assertThat(result.totalWarnings()).isZero();
    assertThat(result.errors()).containsExactly("Error: Service check command 'check_missing!x' specified in service"
        + " 'replication status' for host 'dbpgdw0.qa.dum.edwdc.net' not defined anywhere!");
  }

  @Test
  void aBrokenObjectFile_failsWithRc1_namingTheFileAndLine() throws Exception {
    Path objects = dir.resolve("vigil.cfg");
    NagiosObjectConfig.write(objects, fleet, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));
    String text = Files.readString(objects);
    int alias = text.indexOf("    alias", text.indexOf("define host {"));
    Files.writeString(objects, text.substring(0, alias) + "    bogus_directive" + text.substring(alias + "    alias".length()));
    int line = (int) text.substring(0, alias).lines().count() + 1;
    Path main = Files.writeString(dir.resolve("nagios.cfg"), NagiosObjectConfig.mainConfig(List.of(objects), false));

    NagiosPreflight result = NagiosPreflight.run(main);

    assertThat(result.exitCode()).isEqualTo(1);
    // nagios then stumbles over the rest of that host ("Could not register host ..."); the first two lines say why
    assertThat(result.errors()).startsWith("Error: Invalid host object directive 'bogus_directive'.",
        "Error: Could not add object property in file '" + objects + "' on line " + line + ".");
  }

  @Test
  void aMissingMainFile_failsWithRc254() throws Exception {
    Path missing = dir.resolve("nope.cfg");

    NagiosPreflight result = NagiosPreflight.run(missing);

    assertThat(result.exitCode()).isEqualTo(254);
    assertThat(result.errors()).containsExactly("Error: Cannot open main configuration file '" + missing + "' for reading!");
  }

  @Test
  void rerunningGivesTheSameBytes() throws Exception {
    Path first = dir.resolve("first.cfg");
    Path second = dir.resolve("second.cfg");
    NagiosObjectConfig.write(first, SeedInventory.fleet(), NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));
    NagiosObjectConfig.write(second, SeedInventory.fleet(), NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));

    assertThat(Files.mismatch(first, second)).isEqualTo(-1L);
    assertThat(Files.getPosixFilePermissions(first)).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(NagiosObjectConfigIT.class.getResource("/io/vigil/nagios/config/" + name).toURI());
  }
}
