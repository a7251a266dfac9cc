package io.vigil.remediations;

import java.time.Duration;

/**
 * A configured action: the planner's execution contract. The planner calls, in this order and only
 * as the leader: {@link #render} (for dry-run and for the intent record), {@link #preconditions}
 * just before acting, {@link #execute} once per attempt (Resilience4j retries it when it throws
 * {@link TransientActionException}), then {@link #verify} until it is healthy or the verification
 * deadline passes. Implementations are thread-safe; calls for different targets may run at once.
 */
public interface Remediation extends AutoCloseable {

  /** Exactly what would run where, e.g. {@code pcp_attach_node -h 127.0.0.1 -p 59898 -U vigil -w -n 1}. */
  String render(ActionTarget target);

  /**
   * Checks, against fresh data, that acting on the target is safe now. A refusal is not an error:
   * the planner records why and does not retry until new results arrive.
   *
   * @throws TransientActionException when the facts could not be read for a transient reason
   */
  Precondition preconditions(ActionTarget target) throws TransientActionException, InterruptedException;

  /**
   * Performs the action once, within {@code timeout}. A non-transient failure is a result with
   * {@code ok=false}, never an exception.
   *
   * @throws TransientActionException for connection-level errors worth a retry (refused, reset, timeout)
   */
  ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException, InterruptedException;

  /**
   * The action's own view of whether it worked; called repeatedly after {@link #execute} until
   * {@link Verdict#HEALTHY} or the deadline. {@link Verdict#USE_PROBE} (the default) means: judge by
   * re-running the check that triggered the action.
   */
  default Verdict verify(ActionTarget target) throws InterruptedException {
    return Verdict.USE_PROBE;
  }

  /** Releases connections (SSH sessions, PCP, JDBC). */
  @Override
  default void close() {
  }

  /** What {@link #verify} says. */
  enum Verdict { HEALTHY, NOT_YET, USE_PROBE }
}
