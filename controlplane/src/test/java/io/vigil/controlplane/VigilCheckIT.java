package io.vigil.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code bin/vigil check} from a shell behaves like a Nagios plugin: one line on stdout, exit 0..3. */
class VigilCheckIT {

  private static final Lab LAB = Lab.get();

  @BeforeAll
  static void labUp() {
    LAB.up("memcached", "disk");
  }

  record Run(int exitCode, String stdout, String stderr) {
  }

  private static Run check(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(LAB.repoRoot().resolve("bin/vigil").toString(), "check"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void memcached_isOk_withPerfdata_onOneLine() throws Exception {
    Run run = check("memcached", "-H", "127.0.0.1", "-p", String.valueOf(LabPorts.MEMCACHED));
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).matches("OK: memcached 1\\.6\\.\\d+ up \\d+s, .* \\| uptime=\\d+s .*memory_used=[\\d.]+%;;;0;100\n");
    assertThat(run.stderr()).doesNotContain("Exception");
  }

  @Test
  void disk_withTheSeedsDatabaseThresholds() throws Exception {
    Run run = check("disk", "--path", LAB.dir().resolve("disk/mnt").toString(), "-w", "45", "-c", "50");
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).contains("| used=").contains(";45;50;0;100");
  }

  @Test
  void aClosedPort_isCritical_exit2() throws Exception {
    Run run = check("tcp", "-p", "1", "-t", "2s");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout()).isEqualTo("CRITICAL: 127.0.0.1:1: Connection refused\n");
  }

  @Test
  void badInput_isUnknown_exit3_withAClearMessage_andNoStackTrace() throws Exception {
    Run unknownProbe = check("memcache");
    assertThat(unknownProbe.exitCode()).isEqualTo(3);
    assertThat(unknownProbe.stdout()).startsWith("UNKNOWN: unknown probe 'memcache' (known: ");

    Run badRange = check("disk", "--path", "/", "-c", "5O");
    assertThat(badRange.exitCode()).isEqualTo(3);
    assertThat(badRange.stdout()).startsWith("UNKNOWN: critical threshold: malformed range '5O'");

    Run stray = check("tcp", "oops");
    assertThat(stray.exitCode()).isEqualTo(3);
    assertThat(stray.stdout()).isEqualTo("UNKNOWN: unexpected argument 'oops' (options are --name value)\n");
    assertThat(stray.stderr() + unknownProbe.stderr() + badRange.stderr()).doesNotContain("Exception");
  }
}
