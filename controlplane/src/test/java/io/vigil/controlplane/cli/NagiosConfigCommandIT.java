package io.vigil.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.agent.RoleCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil nagios-config} for a fleet with every role of the catalog, validated by the real nagios4 -v. */
class NagiosConfigCommandIT {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return new NagiosConfigCommand().execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void everyRoleOfTheCatalog_givesAConfigThatNagios4Accepts() throws Exception {
    StringBuilder fleet = new StringBuilder("vigil:\n  inventory:\n");
    int n = 1;
    for (RoleCatalog.Role role : RoleCatalog.bundled().roles()) {
      fleet.append("    host").append(n).append(": {address: 10.0.0.").append(n).append(", roles: [")
          .append(role.name()).append("]}\n");
      n++;
    }
    Path config = Files.writeString(dir.resolve("fleet.yml"), fleet);

    int rc = run("--config", config.toString(), "--check");

    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(rc).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("nagios4 -v: 0 warnings, 0 errors\n");
  }

  @Test
  void writesTheObjects_withCheckNrpeFlagsForTheChosenTransport() throws Exception {
    Path config = Files.writeString(dir.resolve("fleet.yml"),
        "vigil:\n  inventory:\n    db1: {address: 127.0.0.1, roles: [database-master]}\n");
    Path objects = dir.resolve("objects.cfg");

    assertThat(run("--config", config.toString(), "--out", objects.toString(), "--nrpe-port", "55666",
        "--ca", "/etc/vigil/ca.pem")).isZero();

    String cfg = Files.readString(objects);
    assertThat(cfg).contains("/usr/lib/nagios/plugins/check_nrpe -H $HOSTADDRESS$ -p 55666 -A /etc/vigil/ca.pem")
        .contains("check_command          vigil-check-nrpe!check_pg_replication")
        .containsPattern("hostgroup_name +vigil-database-master\n +alias +Vigil role database-master\n +members +db1");
  }

  @Test
  void aBadInventory_namesTheFileAndLine() throws Exception {
    Path config = Files.writeString(dir.resolve("fleet.yml"), "vigil:\n  inventory:\n    db1: {roles: [cache]}\n");
    assertThat(run("--config", config.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("vigil: bad configuration: " + config + ":3:")
        .contains("host db1 needs an address");
  }
}
