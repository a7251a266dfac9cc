package io.vigil.probes.system;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import io.vigil.probes.internal.Subprocess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Used space and used inodes of the filesystem holding {@code path}, in percent, against
 * thresholds. The seed runbook asks database hosts to "keep disk usage less than 50%": role
 * profiles set warning 45 and critical 50 there; the probe's own defaults are 80 and 90.
 *
 * <p>statfs runs in a child process ({@code stat -f}), so a hung network or FUSE mount costs at most
 * the deadline and never a stuck agent thread.
 */
public final class DiskHeadroomProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("disk",
      "used space and inodes of the filesystem holding a path (options: path, warning, critical, inodes_warning, inodes_critical, timeout)",
      (name, o) -> new DiskHeadroomProbe(name, Path.of(o.string("path")), o.thresholds("", "80", "90"),
          o.thresholds("inodes_", "80", "90"), o.duration("timeout", Duration.ofSeconds(10))));

  private static final String STAT = "/usr/bin/stat";

  private final String name;
  private final Path path;
  private final Thresholds space;
  private final Thresholds inodes;
  private final Duration timeout;

  public DiskHeadroomProbe(String name, Path path, Thresholds space, Thresholds inodes, Duration timeout) {
    this.name = name;
    this.path = path;
    this.space = space;
    this.inodes = inodes;
    this.timeout = timeout;
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
  public Observation check() throws Exception {
    // %S fundamental block size, %b blocks, %f free blocks, %a blocks available to users, %c inodes, %d free inodes
    Subprocess.Outcome stat = Subprocess.run(List.of(STAT, "-f", "-c", "%S %b %f %a %c %d", path.toString()),
        ProbeRunner.ownDeadline(timeout), 4096);
    if (stat.timedOut()) {
      return Observation.of(CheckState.CRITICAL, "statfs of " + path + " did not return within " + timeout.toMillis()
          + "ms (hung mount?)");
    }
    if (stat.exitCode() != 0) {
      return Observation.of(CheckState.CRITICAL, path + ": " + stat.stderr().strip().replaceFirst("^stat: ", ""));
    }
    String[] f = stat.stdout().strip().split("\\s+");
    if (f.length != 6) {
      return Observation.of(CheckState.UNKNOWN, "unexpected statfs output for " + path + ": '" + stat.stdout().strip() + "'");
    }
    long block = Long.parseLong(f[0]);
    long total = Long.parseLong(f[1]) * block;
    long free = Long.parseLong(f[2]) * block;
    long avail = Long.parseLong(f[3]) * block;
    long inodesTotal = Long.parseLong(f[4]);
    long inodesFree = Long.parseLong(f[5]);
    long used = total - free;
    // df's Use%: used over what users can have (root-reserved blocks excluded)
    double usedPercent = used + avail == 0 ? 0 : round(100.0 * used / (used + avail));
    CheckState state = space.evaluate(usedPercent);
    StringBuilder summary = new StringBuilder(String.format(Locale.ROOT, "%s %.1f%% used (%s of %s)",
        path, usedPercent, bytes(used), bytes(used + avail)));
    Perfdata usedPerf = Perfdata.of("used", usedPercent, "%").withThresholds(space).withMin(0).withMax(100);
    Perfdata usedBytes = Perfdata.of("used_bytes", used, "B").withMin(0).withMax(total);
    if (inodesTotal > 0) {
      double inodesPercent = round(100.0 * (inodesTotal - inodesFree) / inodesTotal);
      state = state.worse(inodes.evaluate(inodesPercent));
      summary.append(String.format(Locale.ROOT, ", inodes %.1f%% used", inodesPercent));
      return new Observation(state, summary.toString(), List.of(usedPerf, usedBytes,
          Perfdata.of("inodes_used", inodesPercent, "%").withThresholds(inodes).withMin(0).withMax(100)));
    }
    return new Observation(state, summary.toString(), List.of(usedPerf, usedBytes));
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
