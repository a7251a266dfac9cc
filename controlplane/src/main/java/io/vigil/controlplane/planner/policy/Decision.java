package io.vigil.controlplane.planner.policy;

/**
 * What the planner decided about one check's problem, and why: every outcome goes to the timeline,
 * so "nothing was done" always has a stated reason.
 *
 * @param check  {@code host/check}
 * @param target the host the action would touch
 */
public record Decision(String check, Outcome outcome, String policy, String action, String target, String why) {

  /** The possible outcomes, in the order the planner tests them. */
  public enum Outcome {
    /** SOFT, flapping or stale: not a confirmed problem yet. */
    NOT_ACTIONABLE,
    /** A failing ancestor in the topology is the root cause: this symptom is suppressed. */
    SUPPRESSED_BY_ROOT_CAUSE,
    /** A maintenance hold covers the target. */
    BLOCKED_BY_HOLD,
    /** The same action on the same target is already running. */
    IN_PROGRESS,
    /** The budget's backoff after the last attempt has not run out. */
    BACKOFF,
    /** No attempts left: stop and escalate with diagnostics. */
    BUDGET_EXHAUSTED,
    /** Acting now would exceed the tier's blast-radius cap. */
    BLAST_RADIUS,
    /** Mode observe: recorded only. */
    OBSERVE,
    /** Mode dry-run: recorded with the exact command that would run. */
    DRY_RUN,
    /** Mode approve: waiting for an operator's approval. */
    AWAITING_APPROVAL,
    /** Act now. */
    ACT
  }
}
