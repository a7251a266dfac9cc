package io.vigil.controlplane.planner.store;

/** A write carried a fencing term older than the store's current one: its writer is no longer leader. */
public class FencedOutException extends Exception {

  private final long writerTerm;
  private final long currentTerm;

  public FencedOutException(long writerTerm, long currentTerm) {
    super("fenced out: write carries term " + writerTerm + " but term " + currentTerm + " has begun");
    this.writerTerm = writerTerm;
    this.currentTerm = currentTerm;
  }

  public long writerTerm() {
    return writerTerm;
  }

  public long currentTerm() {
    return currentTerm;
  }
}
