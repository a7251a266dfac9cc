package io.vigil.controlplane.planner.leader;

import java.util.function.LongConsumer;

/**
 * Who acts. Exactly one planner holds leadership at a time; every other one keeps ingesting and
 * serving reads. On election the implementation begins a new term in the store and hands its number
 * (the fencing token) to {@code onElected}; when leadership is lost (lock connection gone, store
 * unreachable) it calls {@code onDeposed} before anything else can happen on this node.
 */
public interface Leadership extends AutoCloseable {

  /** Starts campaigning; the callbacks run on the implementation's own thread. */
  void start(LongConsumer onElected, Runnable onDeposed);

  boolean isLeader();

  /** The current term while leader, else the last one held (0 if never). */
  long term();

  String node();

  /** Gives leadership up (releases the lock) and stops campaigning. */
  @Override
  void close();
}
