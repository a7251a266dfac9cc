package io.vigil.probes.storage;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import io.vigil.probes.internal.Subprocess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A network or FUSE mount (GlusterFS {@code fuse.glusterfs}, EncFS {@code fuse.encfs}, or any
 * other) that is present and works: it is in {@code /proc/self/mountinfo} with the expected
 * filesystem type and source, and a small file is created, written, synced, read back and deleted
 * on it within the deadline.
 *
 * <pre>{@code
 * vigil check mount --path /srv/media --fstype fuse.glusterfs --source gluster1:/media -t 5s
 * CRITICAL: /srv/media: write-read-delete failed at create: Transport endpoint is not connected (ENOTCONN) | time=0.012s;;;0
 * }</pre>
 *
 * <p>The agent's JVM never touches the mount. A call into a hung FUSE filesystem blocks in the
 * kernel, uninterruptibly once the daemon has read the request, and would stick a JVM thread for
 * good. So mountinfo (the kernel's table, which needs no answer from the filesystem) is the only
 * thing read in-process, and the write-read-delete runs in a child process ({@code python3 -I -S},
 * for its exact errno) that {@link Subprocess} kills at the deadline. A dead FUSE client or brick
 * answers ENOTCONN at once (lab recipe, section 9); a hung one costs the deadline and a CRITICAL.
 * If a killed child is still stuck in the kernel at the next run, no second child is started: that
 * run is CRITICAL at once, so stuck processes never pile up.
 *
 * <p>The test file is {@code <mount>/.vigil-probe.<hostname>.<probe name>}: one per agent and
 * probe, so agents sharing a Gluster volume do not collide, and a file left by a failed run is
 * overwritten rather than accumulated.
 */
public final class MountProbe implements Probe {

  static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
  static final String PYTHON = "/usr/bin/python3";

  // Prints "<step>: <strerror> (<ERRNO>)" and exits 2 on an OSError; 3 when the bytes read back
  // differ. O_TRUNC, not O_EXCL: a file left by a run that failed half-way is simply reused.
  static final String WRITE_READ_DELETE = String.join("\n",
      "import errno, os, sys",
      "path, data = sys.argv[1], sys.argv[2].encode()",
      "step = 'create'",
      "try:",
      "    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)",
      "    try:",
      "        step = 'write'; os.write(fd, data)",
      "        step = 'fsync'; os.fsync(fd)",
      "    finally:",
      "        os.close(fd)",
      "    step = 'read'",
      "    fd = os.open(path, os.O_RDONLY)",
      "    try:",
      "        back = os.read(fd, len(data) + 1)",
      "    finally:",
      "        os.close(fd)",
      "    if back != data:",
      "        print('read: got %d bytes back that differ from the %d written' % (len(back), len(data)))",
      "        sys.exit(3)",
      "    step = 'delete'; os.unlink(path)",
      "except OSError as e:",
      "    print('%s: %s (%s)' % (step, e.strerror, errno.errorcode.get(e.errno, e.errno)))",
      "    sys.exit(2)");

  public static final ProbeType TYPE = ProbeType.of("mount",
      "a mount present in /proc/self/mountinfo with the expected fstype and source, and a write-read-delete "
          + "in a child process within the deadline (options: path, fstype, source, write, warning, critical "
          + "on seconds, timeout)",
      (name, o) -> new MountProbe(name, mountPoint(o.string("path")), o.string("fstype", null), o.string("source", null),
          o.bool("write", true), o.thresholds("", null, null), o.duration("timeout", Duration.ofSeconds(10)),
          MOUNTINFO));

  private final String name;
  private final String mountPoint;
  private final String fsType;
  private final String source;
  private final boolean write;
  private final Thresholds seconds;
  private final Duration timeout;
  private final Path mountinfo;
  private String probeFile;

  /**
   * @param mountPoint the mount point exactly as mountinfo shows it (absolute, no symlinks)
   * @param fsType     the expected filesystem type, or null for any
   * @param source     the expected source ({@code vm:labvol}, {@code encfs}), or null for any
   * @param write      whether to do the write-read-delete
   * @param mountinfo  {@link #MOUNTINFO}, or a fixture in tests
   */
  MountProbe(String name, String mountPoint, String fsType, String source, boolean write, Thresholds seconds,
      Duration timeout, Path mountinfo) {
    this.name = name;
    this.mountPoint = mountPoint;
    this.fsType = fsType;
    this.source = source;
    this.write = write;
    this.seconds = seconds;
    this.timeout = timeout;
    this.mountinfo = mountinfo;
  }

  /** A probe of {@code mountPoint} that reads the kernel's mount table. */
  public MountProbe(String name, String mountPoint, String fsType, String source, boolean write, Thresholds seconds,
      Duration timeout) {
    this(name, mountPoint(mountPoint), fsType, source, write, seconds, timeout, MOUNTINFO);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public synchronized Observation check() throws IOException, InterruptedException {
    long started = System.nanoTime();
    Optional<MountTable.Entry> found;
    try {
      found = MountTable.find(MountTable.parse(Files.readAllBytes(mountinfo)), mountPoint);
    } catch (IllegalArgumentException e) {
      return Observation.of(CheckState.UNKNOWN, mountinfo + ": " + e.getMessage());
    }
    if (found.isEmpty()) {
      return Observation.of(CheckState.CRITICAL, mountPoint + " is not mounted (not in " + mountinfo + ")");
    }
    MountTable.Entry mount = found.get();
    String what = mount.fsType() + " " + mount.source() + (mount.readOnly() ? " ro" : "");
    if (fsType != null && !fsType.equals(mount.fsType())) {
      return Observation.of(CheckState.CRITICAL, mountPoint + " is " + what + ", expected type " + fsType);
    }
    if (source != null && !source.equals(mount.source())) {
      return Observation.of(CheckState.CRITICAL, mountPoint + " is " + what + ", expected source " + source);
    }
    if (!write) {
      return Observation.of(CheckState.OK, mountPoint + ": " + what);
    }
    Optional<ProcessHandle> stuck = stuckChild();
    if (stuck.isPresent()) {
      return Observation.of(CheckState.CRITICAL, mountPoint + ": an earlier write-read-delete (pid " + stuck.get().pid()
          + ") is still stuck in the kernel after being killed (hung mount); not starting another");
    }
    // leave the child's deadline room for Subprocess to kill it and drain its pipes (up to 400 ms)
    Duration childDeadline = timeout.minusMillis(Math.min(500, timeout.toMillis() / 4));
    String payload = "vigil " + Long.toHexString(ThreadLocalRandom.current().nextLong());
    Subprocess.Outcome outcome;
    try {
      outcome = Subprocess.run(List.of(PYTHON, "-I", "-S", "-c", WRITE_READ_DELETE, probeFile(), payload),
          childDeadline, 4096);
    } catch (IOException e) {
      return Observation.of(CheckState.UNKNOWN, "cannot run " + PYTHON + " for the write-read-delete: " + e.getMessage());
    }
    double took = (System.nanoTime() - started) / 1e9;
    Perfdata time = Perfdata.of("time", Math.round(took * 1e6) / 1e6, "s").withThresholds(seconds).withMin(0);
    if (outcome.timedOut()) {
      return new Observation(CheckState.CRITICAL, mountPoint + " (" + what + "): write-read-delete hung and was killed after "
          + human(childDeadline) + " (timeout " + human(timeout) + ")", List.of(time));
    }
    if (outcome.exitCode() != 0) {
      String why = outcome.stdout().isBlank() ? lastLine(outcome.stderr()) : outcome.stdout().strip();
      return new Observation(CheckState.CRITICAL, mountPoint + " (" + what + "): write-read-delete failed at " + why,
          List.of(time));
    }
    return new Observation(seconds.evaluate(took), String.format(Locale.ROOT, "%s: %s, write-read-delete in %.3fs",
        mountPoint, what, took), List.of(time));
  }

  /**
   * A child of this JVM still running the write-read-delete on our test file after its deadline:
   * killed, but blocked in the kernel until the FUSE request is answered or aborted.
   */
  private Optional<ProcessHandle> stuckChild() {
    String file = probeFile();
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(args -> Arrays.asList(args).contains(file)).orElse(false))
        .findFirst();
  }

  private String probeFile() {
    if (probeFile == null) {
      probeFile = (mountPoint.equals("/") ? "" : mountPoint) + "/.vigil-probe." + safe(hostname()) + "." + safe(name);
    }
    return probeFile;
  }

  /** The kernel's hostname: no DNS lookup, which could block. */
  private static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static String safe(String s) {
    String cleaned = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return cleaned.isEmpty() ? "_" : cleaned;
  }

  private static String lastLine(String text) {
    String line = text.strip().lines().reduce((a, b) -> b).orElse("no output");
    return line.length() > 160 ? line.substring(0, 160) + "..." : line;
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /** Checks that the path is absolute and returns it normalized, without touching the filesystem. */
  static String mountPoint(String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException("option 'path': '" + path + "' (expected: an absolute mount point)");
    }
    return p.normalize().toString();
  }
}
