package io.vigil.nagios.config.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NagiosObjectConfigTest {

  private static final NrpeService LAG = new NrpeService("PG replication lag", "check_pg_replication_lag",
      Duration.ofSeconds(30), 3);
  private static final NrpeService DISK = new NrpeService("disk /", "check_disk_root", Duration.ofMinutes(5), 3);

  @Test
  void writesCommandsTimeperiodContactHostgroupsHostsAndServices_exactly() {
    NagiosInventory inventory = new NagiosInventory(
        List.of(new InventoryHost("dbpgdwr0s1", "192.0.2.21", List.of("db-replica"))),
        List.of(new InventoryRole("db-replica", List.of(LAG))));

    String cfg = NagiosObjectConfig.render(inventory, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));

    assertThat(cfg).isEqualTo("""
        # Nagios object definitions written by Vigil from its inventory.
        # Do not edit: change the inventory and run bin/vigil nagios-config again.

        define command {
            command_name  vigil-check-nrpe
            command_line  /usr/lib/nagios/plugins/check_nrpe -H $HOSTADDRESS$ -p 5666 -c $ARG1$
        }

        define command {
            command_name  vigil-check-nrpe-agent
            command_line  /usr/lib/nagios/plugins/check_nrpe -H $HOSTADDRESS$ -p 5666
        }

        define timeperiod {
            timeperiod_name  vigil-24x7
            alias            always
            sunday           00:00-24:00
            monday           00:00-24:00
            tuesday          00:00-24:00
            wednesday        00:00-24:00
            thursday         00:00-24:00
            friday           00:00-24:00
            saturday         00:00-24:00
        }

        define command {
            command_name  vigil-notify-none
            command_line  /bin/true
        }

        define contact {
            contact_name                   vigil-ops
            alias                          Vigil operators
            host_notifications_enabled     1
            service_notifications_enabled  1
            host_notification_period       vigil-24x7
            service_notification_period    vigil-24x7
            host_notification_options      d,u,r
            service_notification_options   w,u,c,r
            host_notification_commands     vigil-notify-none
            service_notification_commands  vigil-notify-none
        }

        define contactgroup {
            contactgroup_name  vigil-ops
            alias              Vigil operators
            members            vigil-ops
        }

        define hostgroup {
            hostgroup_name  vigil-db-replica
            alias           Vigil role db-replica
            members         dbpgdwr0s1
        }

        define host {
            host_name              dbpgdwr0s1
            alias                  dbpgdwr0s1
            address                192.0.2.21
            check_command          vigil-check-nrpe-agent
            check_interval         1
            retry_interval         1
            max_check_attempts     3
            check_period           vigil-24x7
            contact_groups         vigil-ops
            notification_interval  0
            notification_period    vigil-24x7
        }

        define service {
            host_name              dbpgdwr0s1
            service_description    PG replication lag
            check_command          vigil-check-nrpe!check_pg_replication_lag
            max_check_attempts     3
            check_interval         0.5
            retry_interval         0.5
            check_period           vigil-24x7
            contact_groups         vigil-ops
            notification_interval  0
            notification_period    vigil-24x7
        }
        """);
  }

  @Test
  void givesIdenticalBytes_whateverTheOrderOfTheInventory() {
    NagiosInventory fleet = SeedInventory.fleet();
    List<InventoryHost> hosts = new ArrayList<>(fleet.hosts());
    List<InventoryRole> roles = new ArrayList<>(fleet.roles());
    Collections.shuffle(hosts, new Random(4));
    Collections.shuffle(roles, new Random(5));
    NagiosObjectOptions options = NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666));

    String once = NagiosObjectConfig.render(fleet, options);

    assertThat(NagiosObjectConfig.render(fleet, options)).isEqualTo(once);
    assertThat(NagiosObjectConfig.render(new NagiosInventory(hosts, roles), options)).isEqualTo(once);
  }

  @Test
  void writesOneHostgroupPerRoleWithItsHostsSorted_andOneServicePerServiceOfEveryHost() {
    NagiosInventory fleet = SeedInventory.fleet();

    String cfg = NagiosObjectConfig.render(fleet, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));

    assertThat(count(cfg, "define hostgroup {")).isEqualTo(fleet.roles().size());
    assertThat(cfg).contains("    hostgroup_name  vigil-db-replica\n    alias           Vigil role db-replica\n"
        + "    members         dbpgdwr0s0.qa.dum.edwdc.net,dbpgdwr0s1.qa.dum.edwdc.net,dbpgdwr0s2.qa.dum.edwdc.net,"
        + "dbpgdwr0s3.qa.dum.edwdc.net\n");
    assertThat(count(cfg, "define host {")).isEqualTo(fleet.hosts().size());
    assertThat(count(cfg, "define service {")).isEqualTo(SeedInventory.serviceCount(fleet));
    // edwappsrv1 is pdf-messenger and migrator: both define "rabbitmq queues" alike, written once
    assertThat(count(cfg, "host_name              edwappsrv1.qa.dum.edwdc.net\n    service_description    rabbitmq queues"))
        .isEqualTo(1);
  }

  @Test
  void writesCheckNrpeFlagsForEachTransport() {
    Path ca = Path.of("/etc/vigil/tls/ca.pem");

    assertThat(checkCommand(CheckNrpeOptions.tls(5666).withCa(ca)))
        .isEqualTo("/usr/lib/nagios/plugins/check_nrpe -H $HOSTADDRESS$ -p 5666 -A /etc/vigil/tls/ca.pem -c $ARG1$");
    assertThat(checkCommand(CheckNrpeOptions.tls(5666).withCa(ca)
        .withClientCertificate(Path.of("/etc/vigil/tls/nagios.pem"), Path.of("/etc/vigil/tls/nagios.key"))))
        .isEqualTo("/usr/lib/nagios/plugins/check_nrpe -H $HOSTADDRESS$ -p 5666 -A /etc/vigil/tls/ca.pem"
            + " -C /etc/vigil/tls/nagios.pem -K /etc/vigil/tls/nagios.key -c $ARG1$");
    assertThat(checkCommand(CheckNrpeOptions.plaintext(55667).withTimeout(Duration.ofSeconds(30))))
        .isEqualTo("/usr/lib/nagios/plugins/check_nrpe -H $HOSTADDRESS$ -p 55667 -n -t 30 -c $ARG1$");
  }

  @Test
  void refusesContradictoryCheckNrpeFlags() {
    assertThatThrownBy(() -> CheckNrpeOptions.plaintext(5666).withCa(Path.of("/ca.pem")))
        .hasMessage("check_nrpe -n (plaintext) cannot be combined with -A, -C or -K");
    assertThatThrownBy(() -> CheckNrpeOptions.tls(5666).withCa(Path.of("/etc/my ca.pem")))
        .hasMessage("check_nrpe -A '/etc/my ca.pem': ' ' at position 8 is not allowed (expected an absolute path of"
            + " letters, digits, '.', '_', '/', '+', '-')");
    assertThatThrownBy(() -> CheckNrpeOptions.tls(5666).withTimeout(Duration.ofMillis(1500)))
        .hasMessage("check_nrpe -t: PT1.5S (expected: whole seconds, at least 1)");
  }

  @Test
  void refersToTheSitesContactGroupAndTimeperiod_insteadOfDefiningThem() {
    NagiosInventory inventory = new NagiosInventory(List.of(new InventoryHost("db1", "192.0.2.1", List.of("db"))),
        List.of(new InventoryRole("db", List.of(DISK))));
    NagiosObjectOptions options = NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666))
        .withSiteContactGroup("admins").withSiteTimeperiod("24x7");

    String cfg = NagiosObjectConfig.render(inventory, options);

    assertThat(cfg).doesNotContain("define contact", "define timeperiod", "notify-none")
        .contains("    contact_groups         admins\n", "    check_period           24x7\n");
  }

  @Test
  void writesIntervalsInMinutes() {
    assertThat(NagiosObjectConfig.minutes(Duration.ofMinutes(5))).isEqualTo("5");
    assertThat(NagiosObjectConfig.minutes(Duration.ofSeconds(30))).isEqualTo("0.5");
    assertThat(NagiosObjectConfig.minutes(Duration.ofSeconds(10))).isEqualTo("0.1667");
    assertThat(NagiosObjectConfig.minutes(Duration.ofSeconds(90))).isEqualTo("1.5");
  }

  @Test
  void writesAMainConfigForNagios4Validation() {
    assertThat(NagiosObjectConfig.mainConfig(List.of(Path.of("/tmp/x/vigil.cfg")), true)).isEqualTo("""
        # Written by Vigil to validate object files with nagios4 -v
        cfg_file=/tmp/x/vigil.cfg
        illegal_macro_output_chars=`~$&|'"<>
        nagios_user=root
        nagios_group=root
        """);
  }

  @Test
  void refusesServicesThatDifferBetweenTwoRolesOfOneHost() {
    NrpeService otherDisk = new NrpeService("disk /", "check_disk", Duration.ofMinutes(5), 3);

    assertThatThrownBy(() -> new NagiosInventory(List.of(new InventoryHost("web1", "192.0.2.1", List.of("a", "b"))),
        List.of(new InventoryRole("a", List.of(DISK)), new InventoryRole("b", List.of(otherDisk)))))
        .hasMessageStartingWith("host 'web1': service 'disk /' differs between roles 'a' (")
        .hasMessageContaining("and 'b' (NrpeService[description=disk /, command=check_disk,");
  }

  @Test
  void refusesUnknownRolesAndDuplicates() {
    InventoryRole db = new InventoryRole("db", List.of(DISK));
    InventoryHost host = new InventoryHost("db1", "192.0.2.1", List.of("db"));

    assertThatThrownBy(() -> new NagiosInventory(List.of(new InventoryHost("x", "192.0.2.2", List.of("dbs"))), List.of(db)))
        .hasMessage("host 'x': role 'dbs' is not defined (roles: [db])");
    assertThatThrownBy(() -> new NagiosInventory(List.of(host, host), List.of(db))).hasMessage("host 'db1' listed twice");
    assertThatThrownBy(() -> new NagiosInventory(List.of(host), List.of(db, db))).hasMessage("role 'db' defined twice");
    assertThatThrownBy(() -> new InventoryRole("db", List.of(DISK, DISK))).hasMessage("role 'db': service 'disk /' twice");
  }

  @Test
  void refusesNamesNagiosWouldRejectOrMisread_sayingWhichCharacter() {
    assertThatThrownBy(() -> new InventoryHost("web 1", "192.0.2.1", List.of()))
        .hasMessage("host name 'web 1': ' ' at position 4 is not allowed"
            + " (expected letters, digits, '.', '_', '-', starting with a letter or digit)");
    assertThatThrownBy(() -> new InventoryHost("web1", "192.0.2.1/24", List.of()))
        .hasMessage("address of host 'web1' '192.0.2.1/24': '/' at position 10 is not allowed"
            + " (expected a host name or an IP address)");
    assertThatThrownBy(() -> new NrpeService("disk; rm", "check_disk", Duration.ofMinutes(1), 3))
        .hasMessageStartingWith("service description 'disk; rm': ';' at position 5 is not allowed");
    assertThatThrownBy(() -> new NrpeService("disk ", "check_disk", Duration.ofMinutes(1), 3))
        .hasMessageStartingWith("service description 'disk ': ' ' at position 5 is not allowed");
    assertThatThrownBy(() -> new NrpeService("disk", "check_disk!-w 5", Duration.ofMinutes(1), 3))
        .hasMessageStartingWith("NRPE command of service 'disk' 'check_disk!-w 5': '!' at position 11 is not allowed");
    assertThatThrownBy(() -> new NrpeService("disk", "check_$USER1$", Duration.ofMinutes(1), 3))
        .hasMessageStartingWith("NRPE command of service 'disk' 'check_$USER1$': '$' at position 7");
    assertThatThrownBy(() -> new InventoryRole("db\nreplica", List.of()))
        .hasMessageStartingWith("role name 'db\nreplica': U+000A at position 3 is not allowed");
    assertThatThrownBy(() -> new NrpeService("disk", "check_disk", Duration.ofMillis(500), 3))
        .hasMessage("service 'disk': check interval PT0.5S (expected: at least 1s)");
    assertThat(new NrpeService("SMARTER:Services", "check_smarter", Duration.ofMinutes(1), 1).description())
        .isEqualTo("SMARTER:Services");
  }

  private static String checkCommand(CheckNrpeOptions checkNrpe) {
    String cfg = NagiosObjectConfig.render(new NagiosInventory(List.of(), List.of()), NagiosObjectOptions.defaults(checkNrpe));
    String marker = "command_name  vigil-check-nrpe\n    command_line  ";
    int at = cfg.indexOf(marker) + marker.length();
    return cfg.substring(at, cfg.indexOf('\n', at));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
