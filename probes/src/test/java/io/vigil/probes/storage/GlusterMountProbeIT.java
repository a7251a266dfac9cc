package io.vigil.probes.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mount probe against the lab's real GlusterFS volume and FUSE mount: a killed brick, a killed
 * FUSE client (ENOTCONN) and a stopped, hence hung, FUSE client each give CRITICAL within the
 * deadline, with no thread of this JVM left inside the probe.
 */
class GlusterMountProbeIT {

  private static final Lab LAB = Lab.get();
  private static final ProbeRunner RUNNER = new ProbeRunner();
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static String mount;
  private static String source;

  @BeforeAll
  static void labUp() throws IOException {
    LAB.up("gluster");
    mount = LAB.dir().resolve("gluster/mnt").toString();
    // the brick host is the machine's hostname (lab/components/gluster.sh): e.g. vm:labvol
    source = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip() + ":labvol";
  }

  @AfterEach
  void heal() {
    LAB.heal("gluster-mount-kill").orThrow();
    LAB.heal("gluster-brick-kill").orThrow();
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  @Test
  void brickKilled_isCriticalWithinTheDeadline_andHealBringsItBack() throws Exception {
    try (Probe probe = glusterProbe()) {
      ProbeResult ok = RUNNER.run(probe);
      assertThat(ok.state()).as(ok.summary()).isEqualTo(CheckState.OK);
      assertThat(ok.summary()).matches(mount + ": fuse.glusterfs " + source + ", write-read-delete in \\d\\.\\d{3}s");
      assertThat(ok.pluginOutput()).matches(".* \\| time=[\\d.]+s;1;;0");

      LAB.fault("gluster-brick-kill").orThrow();
      ProbeResult down = RUNNER.run(probe);
      assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(down.summary()).startsWith(mount + " (fuse.glusterfs " + source + "): write-read-delete failed at ")
          .containsAnyOf("(ENOTCONN)", "(EIO)");
      assertThat(down.took()).isLessThan(TIMEOUT);
      assertThat(StuckThreads.now()).isEmpty();

      LAB.heal("gluster-brick-kill").orThrow();
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
    }
  }

  @Test
  void fuseClientKilled_staysInMountinfo_butIsCriticalEnotconn_andHealRemounts() throws Exception {
    try (Probe probe = glusterProbe()) {
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);

      LAB.fault("gluster-mount-kill").orThrow();
      ProbeResult down = RUNNER.run(probe);
      assertThat(down.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(down.summary()).isEqualTo(mount + " (fuse.glusterfs " + source + "): write-read-delete failed at "
          + "create: Transport endpoint is not connected (ENOTCONN)");
      assertThat(down.took()).isLessThan(TIMEOUT);
      assertThat(StuckThreads.now()).isEmpty();

      LAB.heal("gluster-mount-kill").orThrow();
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
    }
  }

  /**
   * A FUSE client that is alive but answers nothing (stopped with SIGSTOP): the write blocks in the
   * kernel. The child is killed at its deadline, the run is CRITICAL at the deadline, and once the
   * client runs again the same probe is OK.
   */
  @Test
  void fuseClientHung_isCriticalAtTheDeadline_leavingNoThreadStuck() throws Exception {
    String client = Files.readString(LAB.dir().resolve("gluster/mount.pid")).strip();
    try (Probe probe = glusterProbe()) {
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
      int threadsBefore = Thread.activeCount();
      signal("STOP", client);
      try {
        for (int run = 0; run < 2; run++) {
          ProbeResult hung = RUNNER.run(probe);
          assertThat(hung.state()).isEqualTo(CheckState.CRITICAL);
          assertThat(hung.summary()).contains(mount).containsAnyOf("hung and was killed after 1500ms (timeout 2s)",
              "is still stuck in the kernel");
          assertThat(hung.took()).isLessThanOrEqualTo(TIMEOUT);
        }
        // only the killed child's two pipe readers may wait for it (the stuck-child guard keeps it to one child)
        assertThat(StuckThreads.now()).hasSizeLessThanOrEqualTo(2).allMatch(t -> t.startsWith("vigil-subprocess-drain"));
        assertThat(Thread.activeCount() - threadsBefore).as("threads left by two hung runs").isLessThanOrEqualTo(3);
      } finally {
        signal("CONT", client);
      }
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (!StuckThreads.now().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(StuckThreads.now()).as("pipe readers end once the client lets the child exit").isEmpty();
      assertThat(StuckThreads.probeChildren()).isEmpty();
    }
  }

  @Test
  void aMountOfAnotherType_orAPathThatIsNoMount_isCritical() {
    ProbeResult encfs = RUNNER.run(ProbeCatalog.standard().create("mount", "m",
        Map.of("path", mount, "fstype", "fuse.encfs", "timeout", "2s")));
    assertThat(encfs.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(encfs.summary()).isEqualTo(mount + " is fuse.glusterfs " + source + ", expected type fuse.encfs");

    String parent = LAB.dir().resolve("gluster").toString();
    ProbeResult none = RUNNER.run(ProbeCatalog.standard().create("mount", "m", Map.of("path", parent)));
    assertThat(none.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(none.summary()).isEqualTo(parent + " is not mounted (not in /proc/self/mountinfo)");
  }

  private static Probe glusterProbe() {
    return ProbeCatalog.standard().create("mount", "gluster", Map.of("path", mount, "fstype", "fuse.glusterfs",
        "source", source, "warning", "1", "timeout", TIMEOUT.toMillis() + "ms"));
  }

  private static void signal(String signal, String pid) {
    LAB.run(List.of("kill", "-" + signal, pid), Duration.ofSeconds(5)).orThrow();
  }
}
