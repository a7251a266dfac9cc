package io.vigil.probes.storage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Threads of this JVM, other than the caller, whose stack is inside the mount probe or its child
 * process handling: after a run returns there must be none, however hung the mount is.
 */
final class StuckThreads {

  private static final List<String> PROBE_CODE = List.of(MountProbe.class.getName(), "io.vigil.probes.internal.Subprocess");

  private StuckThreads() {
  }

  static List<String> now() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey() != Thread.currentThread())
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> PROBE_CODE.stream().anyMatch(f.getClassName()::startsWith)))
        .map(Map.Entry::getKey)
        .map(t -> t.getName() + " " + t.getState())
        .toList();
  }

  /** Children of this JVM that still run the probe's python3 write-read-delete. */
  static List<Long> probeChildren() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().command().map(c -> c.endsWith("python3") || c.contains("python3.")).orElse(false))
        .map(ProcessHandle::pid).toList();
  }
}
