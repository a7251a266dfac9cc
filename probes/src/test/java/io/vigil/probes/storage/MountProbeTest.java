package io.vigil.probes.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.probes.CheckState;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.Thresholds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount probe against mountinfo fixtures: the fstype and source checks for EncFS and Gluster
 * lines, and the child-process write-read-delete on a local directory the fixture declares
 * mounted. The real mounts: {@code GlusterMountProbeIT} and {@code EncfsMountProbeIT}.
 */
class MountProbeTest {

  private static final ProbeRunner RUNNER = new ProbeRunner();

  @TempDir
  Path dir;

  @AfterAll
  static void stop() {
    RUNNER.close();
  }

  @Test
  void anEncfsMount_withTheExpectedTypeAndSource_isOk() throws IOException {
    Path mountinfo = fixture("45 27 0:42 / /home/app/secret rw,nosuid,nodev,relatime - fuse.encfs encfs rw,user_id=0");

    ProbeResult result = run(new MountProbe("enc", "/home/app/secret", "fuse.encfs", "encfs", false, Thresholds.NONE,
        Duration.ofSeconds(2), mountinfo));

    assertThat(result.state()).isEqualTo(CheckState.OK);
    assertThat(result.summary()).isEqualTo("/home/app/secret: fuse.encfs encfs");
  }

  @Test
  void aMountOfAnotherTypeOrSource_isCritical_namingBoth() throws IOException {
    Path mountinfo = fixture("44 27 0:41 / /srv/media rw,relatime - fuse.glusterfs vm:labvol rw");

    ProbeResult type = run(new MountProbe("m", "/srv/media", "fuse.encfs", null, false, Thresholds.NONE,
        Duration.ofSeconds(2), mountinfo));
    assertThat(type.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(type.summary()).isEqualTo("/srv/media is fuse.glusterfs vm:labvol, expected type fuse.encfs");

    ProbeResult source = run(new MountProbe("m", "/srv/media", "fuse.glusterfs", "vm:/labvol", false, Thresholds.NONE,
        Duration.ofSeconds(2), mountinfo));
    assertThat(source.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(source.summary()).isEqualTo("/srv/media is fuse.glusterfs vm:labvol, expected source vm:/labvol");
  }

  @Test
  void anAbsentMount_isCritical_evenWhenThePathExists() throws IOException {
    Path mountinfo = fixture("27 1 0:30 / / rw - overlay overlay rw");

    ProbeResult result = run(new MountProbe("m", dir.toString(), null, null, true, Thresholds.NONE,
        Duration.ofSeconds(2), mountinfo));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo(dir + " is not mounted (not in " + mountinfo + ")");
  }

  @Test
  void writeReadDelete_runsInAChildProcess_andLeavesNoFile() throws IOException {
    Path mountinfo = fixture("60 27 0:50 / " + dir.toString().replace(" ", "\\040") + " rw - tmpfs t rw");

    ProbeResult result = run(new MountProbe("m", dir.toString(), "tmpfs", null, true, Thresholds.parse("5", "9"),
        Duration.ofSeconds(5), mountinfo));

    assertThat(result.state()).as(result.summary()).isEqualTo(CheckState.OK);
    assertThat(result.summary()).matches(java.util.regex.Pattern.quote(dir + ": tmpfs t, write-read-delete in ") + "\\d\\.\\d{3}s");
    assertThat(result.pluginOutput()).matches(".* \\| time=[\\d.]+s;5;9;0");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aFailingWrite_isCritical_namingTheStepAndErrno() throws IOException {
    Path gone = dir.resolve("not-there");
    Path mountinfo = fixture("61 27 0:51 / " + gone + " rw - fuse.glusterfs vm:labvol rw");

    ProbeResult result = run(new MountProbe("m", gone.toString(), null, null, true, Thresholds.NONE,
        Duration.ofSeconds(5), mountinfo));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo(gone + " (fuse.glusterfs vm:labvol): write-read-delete failed at create: "
        + "No such file or directory (ENOENT)");
  }

  @Test
  void anUnreadableMountTable_isUnknown() throws IOException {
    Path mountinfo = fixture("this is not mountinfo");

    ProbeResult result = run(new MountProbe("m", "/srv", null, null, false, Thresholds.NONE, Duration.ofSeconds(2), mountinfo));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).startsWith(mountinfo + ": mountinfo line 1 has not the fields");
  }

  @Test
  void options() {
    assertThatThrownBy(() -> ProbeCatalog.standard().create("mount", "m", Map.of("path", "relative/dir")))
        .hasMessage("option 'path': 'relative/dir' (expected: an absolute mount point)");
    assertThat(MountProbe.mountPoint("/srv/./media/")).isEqualTo("/srv/media");
    ProbeResult root = RUNNER.run(ProbeCatalog.standard().create("mount", "m", Map.of("path", "/", "write", "false")));
    assertThat(root.state()).isEqualTo(CheckState.OK);
  }

  private Path fixture(String lines) throws IOException {
    Path file = Files.createTempFile("mountinfo", ".txt");
    file.toFile().deleteOnExit();
    return Files.writeString(file, lines + "\n");
  }

  private static ProbeResult run(MountProbe probe) {
    try (probe) {
      return RUNNER.run(probe);
    }
  }
}
