package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The GlusterFS faults against the real glusterd, brick and FUSE mount. Every filesystem call runs
 * on a daemon thread with a deadline: a hung FUSE call must fail the test, not hang the JVM.
 */
class GlusterFaultsIT {

  private static final Lab LAB = Lab.get();
  private static final Duration FS_DEADLINE = Duration.ofSeconds(5);
  private static final ExecutorService FS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "gluster-it-fs");
    t.setDaemon(true);
    return t;
  });

  private final Path mount = LAB.dir().resolve("gluster/mnt");

  @BeforeAll
  static void labUp() {
    LAB.up("gluster");
  }

  @AfterAll
  static void stopThreads() {
    FS.shutdownNow();
  }

  @AfterEach
  void heal() {
    LAB.heal("gluster-mount-kill").orThrow();
    LAB.heal("gluster-brick-kill").orThrow();
  }

  @Test
  void brickKill_failsWritesWithAnIoError_andHealRestoresThem() throws Exception {
    assertThat(write("before.txt")).isEqualTo(FsOutcome.OK);
    String brickBefore = brickState();
    assertThat(brickBefore).startsWith("1 ");

    LAB.fault("gluster-brick-kill").orThrow();

    FsOutcome failed = write("during.txt");
    assertThat(failed.ok()).isFalse();
    assertThat(failed.error()).containsAnyOf("Transport endpoint is not connected", "Input/output error");
    assertThat(brickState()).as("volume status: brick offline").isEqualTo("0 -1");
    assertThat(LAB.status().output()).containsPattern("gluster\\s+FAILING.*brick of labvol offline");

    LAB.heal("gluster-brick-kill").orThrow();
    assertThat(brickState()).startsWith("1 ").isNotEqualTo(brickBefore);
    assertThat(write("after.txt")).isEqualTo(FsOutcome.OK);
    assertThat(read("before.txt")).isEqualTo("before.txt");
    assertThat(LAB.status().output()).containsPattern("gluster\\s+up");
  }

  @Test
  void mountKill_leavesTheMountInMountinfo_whileStatFails_andHealRemounts() throws Exception {
    assertThat(stat()).isEqualTo(FsOutcome.OK);
    assertThat(mountinfoFsType()).isEqualTo("fuse.glusterfs");

    LAB.fault("gluster-mount-kill").orThrow();

    assertThat(mountinfoFsType()).as("still in /proc/self/mountinfo").isEqualTo("fuse.glusterfs");
    assertThat(write("during.txt").ok()).isFalse();
    // The kernel answers stat of the mount root from its attribute cache for glusterfs's
    // attribute-timeout (1 s) after the client died; only then does stat reach the dead client.
    FsOutcome failed = awaitFailure(this::stat, Duration.ofSeconds(5));
    assertThat(failed.ok()).isFalse();
    assertThat(failed.error()).contains("Transport endpoint is not connected");
    assertThat(LAB.status().output()).containsPattern("gluster\\s+FAILING");

    LAB.heal("gluster-mount-kill").orThrow();
    assertThat(mountinfoFsType()).isEqualTo("fuse.glusterfs");
    assertThat(stat()).isEqualTo(FsOutcome.OK);
    assertThat(write("after.txt")).isEqualTo(FsOutcome.OK);
    assertThat(LAB.status().output()).containsPattern("gluster\\s+up");
  }

  @Test
  void healsSucceed_whenNothingIsBroken() throws Exception {
    assertThat(LAB.heal("gluster-brick-kill").ok()).isTrue();
    assertThat(LAB.heal("gluster-mount-kill").ok()).isTrue();
    assertThat(write("idle.txt")).isEqualTo(FsOutcome.OK);
  }

  /** What a bounded filesystem call did: OK, or the error it failed with (or "timed out"). */
  record FsOutcome(boolean ok, String error) {
    static final FsOutcome OK = new FsOutcome(true, "");
  }

  private FsOutcome write(String name) throws InterruptedException {
    Path file = mount.resolve(name);
    return bounded(() -> {
      Files.writeString(file, name, StandardCharsets.UTF_8);
      return null;
    });
  }

  private String read(String name) throws Exception {
    Path file = mount.resolve(name);
    return FS.submit(() -> Files.readString(file)).get(FS_DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private FsOutcome stat() throws InterruptedException {
    return bounded(() -> Files.readAttributes(mount, BasicFileAttributes.class));
  }

  private static FsOutcome awaitFailure(FsCall call, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    FsOutcome outcome = call.run();
    while (outcome.ok() && System.nanoTime() < deadline) {
      Thread.sleep(200);
      outcome = call.run();
    }
    return outcome;
  }

  @FunctionalInterface
  private interface FsCall {
    FsOutcome run() throws InterruptedException;
  }

  private static FsOutcome bounded(Callable<?> call) throws InterruptedException {
    Future<?> f = FS.submit(call);
    try {
      f.get(FS_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      return FsOutcome.OK;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        return new FsOutcome(false, String.valueOf(cause.getMessage()));
      }
      throw new IllegalStateException(cause);
    } catch (TimeoutException e) {
      f.cancel(true);
      return new FsOutcome(false, "timed out after " + FS_DEADLINE);
    }
  }

  /** The mount point's file system type from /proc/self/mountinfo, which never touches the mount. */
  private String mountinfoFsType() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length > 4 && fields[4].equals(mount.toString())) {
        int sep = List.of(fields).indexOf("-");
        return fields[sep + 1];
      }
    }
    return "(not mounted)";
  }

  /** "ONLINE PID" of the labvol brick from {@code gluster volume status labvol --xml}. */
  private static String brickState() {
    return LabShell.call(LAB, "gluster_brick_state").orThrow().output().trim();
  }
}
