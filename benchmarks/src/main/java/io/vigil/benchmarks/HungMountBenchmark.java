package io.vigil.benchmarks;

import io.vigil.lab.Lab;
import io.vigil.probes.CheckState;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.Thresholds;
import io.vigil.probes.storage.MountProbe;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bin/bench hung-mount [runs] [deadline-ms]}: the mount probe's run time against its
 * configured deadline on the lab's GlusterFS mount, healthy and then broken three ways, each healed
 * in a finally: the brick killed ({@code lab/fault gluster-brick-kill}), the FUSE client killed
 * ({@code gluster-mount-kill}; both answer ENOTCONN), and the FUSE client stopped with SIGSTOP,
 * where a write blocks in the kernel until the deadline. Goal: no run longer than the deadline.
 * It also counts this JVM's live threads before and after, and the threads still inside probe code.
 */
public final class HungMountBenchmark {

  private static final Lab LAB = Lab.get();

  private HungMountBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Duration deadline = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 2000);
    System.out.println("machine: " + Bench.machine());
    LAB.up("gluster");
    String mount = LAB.dir().resolve("gluster/mnt").toString();
    System.out.println("mount " + mount + ", deadline " + deadline.toMillis() + " ms, " + runs + " runs per case");
    try (ProbeRunner runner = new ProbeRunner();
        MountProbe probe = new MountProbe("bench", mount, "fuse.glusterfs", null, true, Thresholds.NONE, deadline)) {
      measure("healthy (warm-up)", runner, probe, runs, deadline);
      int threadsBefore = liveThreads();
      Set<String> namesBefore = threadNames();
      System.out.println("live threads before the faults: " + threadsBefore);

      LAB.fault("gluster-brick-kill").orThrow();
      try {
        measure("brick killed", runner, probe, runs, deadline);
      } finally {
        LAB.heal("gluster-brick-kill").orThrow();
      }
      LAB.fault("gluster-mount-kill").orThrow();
      try {
        measure("FUSE client killed", runner, probe, runs, deadline);
      } finally {
        LAB.heal("gluster-mount-kill").orThrow();
      }
      String client = Files.readString(LAB.dir().resolve("gluster/mount.pid")).strip();
      signal("STOP", client);
      try {
        measure("FUSE client stopped (hung)", runner, probe, runs, deadline);
      } finally {
        signal("CONT", client);
      }
      measure("healthy again", runner, probe, runs, deadline);

      Thread.sleep(1000);
      Set<String> added = threadNames();
      added.removeAll(namesBefore);
      // idle pool threads (the JDK's process reaper, the common pool behind Lab.run) may linger
      // for a while after their last task: named here, they are not stuck in probe code
      System.out.println("live threads after: " + liveThreads() + " (before: " + threadsBefore + "); new: " + added);
      System.out.println("threads inside probe code now: " + threadsInProbeCode());
      System.out.println("children of this JVM still alive: " + ProcessHandle.current().children()
          .filter(ProcessHandle::isAlive).count());
    }
  }

  private static void measure(String name, ProbeRunner runner, MountProbe probe, int runs, Duration deadline) {
    long[] nanos = new long[runs];
    Set<String> outcomes = new LinkedHashSet<>();
    int overDeadline = 0;
    for (int i = 0; i < runs; i++) {
      ProbeResult result = runner.run(probe);
      nanos[i] = result.took().toNanos();
      if (result.took().compareTo(deadline) > 0) {
        overDeadline++;
      }
      outcomes.add(result.state() + ": " + result.summary().replaceAll("\\d+\\.\\d{3}s", "N.NNNs"));
    }
    Bench.Sample sample = new Bench.Sample(nanos);
    long max = Arrays.stream(nanos).max().orElse(0);
    System.out.printf(Locale.ROOT, "%-28s mean %7.1f ms  max %7.1f ms  = %.2f of the deadline; over the deadline: %d%n",
        name, sample.meanMicros() / 1000, max / 1e6, max / (double) deadline.toNanos(), overDeadline);
    outcomes.forEach(o -> System.out.println("    " + o));
    if (name.startsWith("healthy") && outcomes.stream().anyMatch(o -> !o.startsWith(CheckState.OK.name()))) {
      throw new IllegalStateException("the mount is not healthy: " + outcomes);
    }
  }

  private static int liveThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static Set<String> threadNames() {
    Set<String> names = new java.util.TreeSet<>();
    Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName() + " " + t.getState()));
    return names;
  }

  private static List<String> threadsInProbeCode() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey() != Thread.currentThread())
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("io.vigil.probes.storage")
            || f.getClassName().startsWith("io.vigil.probes.internal.Subprocess")))
        .map(e -> e.getKey().getName() + " " + e.getKey().getState()).toList();
  }

  private static void signal(String signal, String pid) {
    LAB.run(List.of("kill", "-" + signal, pid), Duration.ofSeconds(5)).orThrow();
  }
}
