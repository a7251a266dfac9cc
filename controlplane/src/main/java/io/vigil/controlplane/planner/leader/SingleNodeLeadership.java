package io.vigil.controlplane.planner.leader;

import io.vigil.controlplane.planner.store.PlannerStore;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Leadership for a planner that is alone by construction (the embedded {@code FileStore}, whose
 * directory lock already refuses a second planner): it is leader from {@link #start} on, in a term
 * begun in the store then, so action records still carry an increasing fencing token across
 * restarts.
 *
 * <p>{@code onElected} runs on the caller's thread, before {@code start} returns: there is no
 * campaign to wait for.
 */
public final class SingleNodeLeadership implements Leadership {

  private final PlannerStore store;
  private final String node;
  private volatile boolean leader;
  private volatile long term;

  public SingleNodeLeadership(PlannerStore store, String node) {
    this.store = Objects.requireNonNull(store, "store");
    this.node = Objects.requireNonNull(node, "node");
  }

  @Override
  public synchronized void start(LongConsumer onElected, Runnable onDeposed) {
    if (leader) {
      throw new IllegalStateException("leadership of " + node + " already started");
    }
    term = store.beginTerm(node);
    leader = true;
    onElected.accept(term);
  }

  @Override
  public boolean isLeader() {
    return leader;
  }

  @Override
  public long term() {
    return term;
  }

  @Override
  public String node() {
    return node;
  }

  /** Stops being leader; {@code onDeposed} is not called: the planner is shutting down. */
  @Override
  public void close() {
    leader = false;
  }
}
