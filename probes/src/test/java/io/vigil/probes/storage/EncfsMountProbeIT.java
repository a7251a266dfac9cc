package io.vigil.probes.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mount probe against a real EncFS mount (Debian's {@code encfs}, FUSE) that the test makes in
 * a temporary directory, needing no lab: its daemon runs in the foreground ({@code -f}) as this
 * JVM's child, so the test owns its PID, stops it to hang the mount, and kills it to disconnect it.
 * Skipped where encfs or /dev/fuse is missing.
 */
class EncfsMountProbeIT {

  private static final Path ENCFS = Path.of("/usr/bin/encfs");
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final ProbeRunner RUNNER = new ProbeRunner();

  private Path base;
  private Path raw;
  private Path mount;
  private Process encfs;

  @BeforeAll
  static void needsEncfs() {
    assumeTrue(Files.isExecutable(ENCFS) && Files.exists(Path.of("/dev/fuse")), "encfs (apt-get install encfs) and /dev/fuse");
  }

  @AfterAll
  static void closeRunner() {
    RUNNER.close();
  }

  @BeforeEach
  void mountEncfs() throws Exception {
    base = Files.createTempDirectory("vigil-it-encfs");
    raw = Files.createDirectory(base.resolve("raw"));
    mount = Files.createDirectory(base.resolve("mnt"));
    // --standard creates the volume without questions; the password comes on stdin, never in argv
    encfs = new ProcessBuilder(ENCFS.toString(), "-f", "--standard", "--stdinpass", raw.toString(), mount.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try (OutputStream in = encfs.getOutputStream()) {
      in.write("vigil-it-password\n".getBytes(StandardCharsets.US_ASCII));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!mounted() && System.nanoTime() < deadline) {
      assertThat(encfs.isAlive()).as("encfs exited with %s", encfs.isAlive() ? "" : encfs.exitValue()).isTrue();
      Thread.sleep(50);
    }
    assertThat(mounted()).as("encfs mounted %s", mount).isTrue();
  }

  @AfterEach
  void unmount() throws Exception {
    signal("CONT");
    run(List.of("/usr/bin/fusermount", "-u", mount.toString()));
    if (mounted()) {
      run(List.of("/usr/bin/umount", "-l", mount.toString()));
    }
    encfs.destroy();
    if (!encfs.waitFor(5, TimeUnit.SECONDS)) {
      encfs.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    // only once nothing is mounted there: deleting through a live mount would touch the mount
    if (!mounted()) {
      try (var files = Files.walk(base)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aWorkingEncfsMount_isOk_andTheProbeFileIsGone() throws IOException {
    try (Probe probe = encfsProbe()) {
      ProbeResult result = RUNNER.run(probe);

      assertThat(result.state()).as(result.summary()).isEqualTo(CheckState.OK);
      assertThat(result.summary()).matches(mount + ": fuse.encfs encfs, write-read-delete in \\d\\.\\d{3}s");
    }
    try (var files = Files.list(raw)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(".encfs6.xml");
    }
  }

  @Test
  void aHungDaemon_isCriticalAtTheDeadline_andNoThreadStaysStuck() throws Exception {
    try (Probe probe = encfsProbe()) {
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
      signal("STOP");

      ProbeResult hung = RUNNER.run(probe);
      assertThat(hung.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(hung.summary()).isEqualTo(mount + " (fuse.encfs encfs): write-read-delete hung and was killed after "
          + "1500ms (timeout 2s)");
      assertThat(hung.took()).isLessThanOrEqualTo(TIMEOUT);
      // the killed child is held in the kernel by the stopped daemon, and so are its two pipe
      // readers until it exits (at most one pair per probe): nothing else may be stuck
      assertThat(StuckThreads.now()).allMatch(t -> t.startsWith("vigil-subprocess-drain"));

      signal("CONT");
      ProbeResult back = RUNNER.run(probe);
      assertThat(back.state()).as(back.summary()).isEqualTo(CheckState.OK);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!StuckThreads.now().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(StuckThreads.now()).as("pipe readers end once the daemon lets the child exit").isEmpty();
      assertThat(StuckThreads.probeChildren()).isEmpty();
    }
  }

  @Test
  void aKilledDaemon_leavesTheMountInMountinfo_andIsCriticalEnotconn() throws Exception {
    try (Probe probe = encfsProbe()) {
      encfs.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      assertThat(mounted()).isTrue();

      ProbeResult dead = RUNNER.run(probe);
      assertThat(dead.state()).isEqualTo(CheckState.CRITICAL);
      assertThat(dead.summary()).isEqualTo(mount + " (fuse.encfs encfs): write-read-delete failed at create: "
          + "Transport endpoint is not connected (ENOTCONN)");
      assertThat(dead.took()).isLessThan(TIMEOUT);
    }
  }

  private Probe encfsProbe() {
    return ProbeCatalog.standard().create("mount", "encfs", Map.of("path", mount.toString(), "fstype", "fuse.encfs",
        "source", "encfs", "timeout", TIMEOUT.toMillis() + "ms"));
  }

  private boolean mounted() throws IOException {
    return MountTable.find(MountTable.parse(Files.readAllBytes(MountProbe.MOUNTINFO)), mount.toString()).isPresent();
  }

  private void signal(String signal) throws Exception {
    if (encfs.isAlive()) {
      run(List.of("/bin/kill", "-" + signal, Long.toString(encfs.pid())));
    }
  }

  private static void run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
