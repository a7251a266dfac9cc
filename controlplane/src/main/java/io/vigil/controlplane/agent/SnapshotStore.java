package io.vigil.controlplane.agent;

import io.vigil.probes.ProbeResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The latest result of every probe of this agent. Writers are the scheduler's completions; readers
 * (NRPE answers, /metrics, reports to the planner) only ever see these immutable snapshots and never
 * do probe I/O themselves.
 */
public final class SnapshotStore {

  private final Map<String, ProbeResult> latest = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<BiConsumer<String, ProbeResult>> listeners = new CopyOnWriteArrayList<>();

  public void put(String probe, ProbeResult result) {
    latest.put(probe, result);
    for (BiConsumer<String, ProbeResult> listener : listeners) {
      listener.accept(probe, result);
    }
  }

  public Optional<ProbeResult> latest(String probe) {
    return Optional.ofNullable(latest.get(probe));
  }

  /** A copy of every probe's latest result. */
  public Map<String, ProbeResult> all() {
    return Map.copyOf(latest);
  }

  /** Called on the scheduler's thread after every new result; must be quick and must not throw. */
  public void onResult(BiConsumer<String, ProbeResult> listener) {
    listeners.add(listener);
  }
}
