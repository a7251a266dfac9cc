package io.vigil.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time spent during a measurement, from /proc: by the whole machine (every process, the
 * check_nrpe clients and the nrpe daemon's forks included), by one server process, and by this JVM
 * (the benchmark's driver). Divided by the checks done, it says where each check's cost went.
 *
 * <pre>{@code
 * CpuMeter.Reading before = CpuMeter.read(serverPid);
 * ...
 * CpuMeter.Reading used = CpuMeter.read(serverPid).minus(before);
 * }</pre>
 */
final class CpuMeter {

  /** USER_HZ of /proc/stat and /proc/PID/stat on Linux. */
  private static final double MILLIS_PER_TICK = 10.0;

  private CpuMeter() {
  }

  /** CPU milliseconds: machine-wide busy time, the server process, this JVM. */
  record Reading(double machineMillis, double serverMillis, double driverMillis) {

    Reading minus(Reading earlier) {
      return new Reading(machineMillis - earlier.machineMillis, serverMillis - earlier.serverMillis,
          driverMillis - earlier.driverMillis);
    }
  }

  /** A reading now; {@code serverPid} below 0 leaves the server column at 0. */
  static Reading read(long serverPid) throws IOException {
    // cpu  user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait
    String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < cpu.length && i <= 8; i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(cpu[i]);
      }
    }
    double server = 0;
    if (serverPid >= 0) {
      String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      server = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MILLIS_PER_TICK; // utime, stime
    }
    double driver = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e6;
    return new Reading(busy * MILLIS_PER_TICK, server, driver);
  }
}
