package io.vigil.probes.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Disk, memcached, TCP, process and Nagios-plugin probes against the lab's real components. */
class SystemProbesIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeCatalog CATALOG = ProbeCatalog.standard();
  private static final ProbeRunner RUNNER = new ProbeRunner();

  @BeforeAll
  static void labUp() {
    LAB.up("memcached", "disk");
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  private static ProbeResult run(String type, Map<String, String> options) {
    try (Probe probe = CATALOG.create(type, type, options)) {
      return RUNNER.run(probe);
    }
  }

  @Test
  void disk_crossesTheSeedsFiftyPercentLine_andComesBack() {
    Map<String, String> dbRole = Map.of("path", LAB.dir().resolve("disk/mnt").toString(), "warning", "45", "critical", "50");
    assertThat(run("disk", dbRole).state()).isEqualTo(CheckState.OK);
    try {
      LAB.fault("disk-fill", "47").orThrow();
      ProbeResult warning = run("disk", dbRole);
      assertThat(warning.state()).isEqualTo(CheckState.WARNING);
      assertThat(warning.value("used")).isBetween(45.0, 50.0);

      LAB.fault("disk-fill", "60").orThrow();
      ProbeResult critical = run("disk", dbRole);
      assertThat(critical.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(critical.value("used")).isGreaterThanOrEqualTo(60.0);
      assertThat(critical.pluginOutput()).matches("CRITICAL: .*/disk/mnt \\d+\\.\\d% used .* \\| used=[\\d.]+%;45;50;0;100 used_bytes=\\d+B;;;0;\\d+ inodes_used=.*");
    } finally {
      LAB.heal("disk-fill").orThrow();
    }
    assertThat(run("disk", dbRole).state()).isEqualTo(CheckState.OK);
  }

  @Test
  void disk_ofAMissingPath_isCritical_namingIt() {
    ProbeResult result = run("disk", Map.of("path", "/no/such/mount"));
    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).contains("/no/such/mount").contains("No such file or directory");
  }

  @Test
  void memcached_readsRealStats_thenGoesCriticalWhenStopped_andRecoversOnTheSameProbe() {
    try (Probe probe = CATALOG.create("memcached", "cache", Map.of("port", String.valueOf(LabPorts.MEMCACHED), "timeout", "2s"))) {
      ProbeResult up = RUNNER.run(probe);
      assertThat(up.state()).isEqualTo(CheckState.OK);
      assertThat(up.summary()).startsWith("memcached 1.6");
      assertThat(up.value("curr_connections")).isGreaterThanOrEqualTo(1);
      assertThat(up.perfdata()).anySatisfy(p -> assertThat(p.label()).isEqualTo("bytes"));
      try {
        LAB.fault("memcached-stop").orThrow();
        ProbeResult down = RUNNER.run(probe);
        assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
        assertThat(down.summary()).startsWith("memcached 127.0.0.1:" + LabPorts.MEMCACHED + ": ");
      } finally {
        LAB.heal("memcached-stop").orThrow();
      }
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
    }
  }

  @Test
  void memcached_answeringGarbage_isUnknown_notAHang() {
    // sshd speaks first with its banner: a real server that is not memcached
    ProbeResult result = run("memcached", Map.of("port", String.valueOf(LabPorts.SSHD), "timeout", "2s"));
    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).contains("unexpected reply to stats: 'SSH-2.0-");
  }

  @Test
  void tcp_openAndClosedPorts() {
    assertThat(run("tcp", Map.of("port", String.valueOf(LabPorts.MEMCACHED))).state()).isEqualTo(CheckState.OK);
    ProbeResult closed = run("tcp", Map.of("port", "1"));
    assertThat(closed.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(closed.summary()).isEqualTo("127.0.0.1:1: Connection refused");
  }

  @Test
  void process_byPidfileAndByCmdline_followsTheRealDaemon() {
    String pidfile = LAB.dir().resolve("memcached/memcached.pid").toString();
    assertThat(run("process", Map.of("pidfile", pidfile)).state()).isEqualTo(CheckState.OK);
    Map<String, String> byCmdline = Map.of("cmdline", "^memcached .*-p " + LabPorts.MEMCACHED + "\\b");
    ProbeResult running = run("process", byCmdline);
    assertThat(running.state()).isEqualTo(CheckState.OK);
    assertThat(running.value("processes")).isEqualTo(1);
    try {
      LAB.fault("memcached-stop").orThrow();
      assertThat(run("process", Map.of("pidfile", pidfile)).state()).isEqualTo(CheckState.CRITICAL);
      ProbeResult gone = run("process", byCmdline);
      assertThat(gone.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(gone.value("processes")).isZero();
    } finally {
      LAB.heal("memcached-stop").orThrow();
    }
  }

  @Test
  void nagiosPlugin_realPluginsExitCodesAndPerfdata() {
    String plugins = "/usr/lib/nagios/plugins/";
    ProbeResult warn = run("nagios_plugin", Map.of("command", plugins + "check_dummy 1 'lag is high'"));
    assertThat(warn.state()).isEqualTo(CheckState.WARNING);
    assertThat(warn.pluginOutput()).isEqualTo("WARNING: lag is high");

    ProbeResult disk = run("nagios_plugin", Map.of("command",
        plugins + "check_disk -w 50% -c 20% -p " + LAB.dir().resolve("disk/mnt")));
    assertThat(disk.state()).isEqualTo(CheckState.OK);
    assertThat(disk.perfdata()).singleElement().satisfies(p -> assertThat(p.unit()).isEqualTo("B"));
  }

  @Test
  void nagiosPlugin_outOfRangeExit_isUnknown_andAHungPluginIsKilledAtItsDeadline() {
    ProbeResult odd = run("nagios_plugin", Map.of("command", "/usr/bin/python3 -c \"print('odd'); raise SystemExit(7)\""));
    assertThat(odd.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(odd.summary()).isEqualTo("odd (exit code 7)");

    ProbeResult hung = run("nagios_plugin", Map.of("command", "/bin/sleep 30", "timeout", "300ms"));
    assertThat(hung.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(hung.summary()).isEqualTo("/bin/sleep timed out after 300ms and was killed");
    assertThat(hung.took()).isLessThan(Duration.ofSeconds(2));

    ProbeResult missing = run("nagios_plugin", Map.of("command", "/usr/lib/nagios/plugins/check_nothing"));
    assertThat(missing.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(missing.summary()).startsWith("cannot run /usr/lib/nagios/plugins/check_nothing");
  }
}
