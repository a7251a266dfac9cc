package io.vigil.controlplane.planner.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's approval request for a policy in {@code approve} mode: created PENDING by the
 * planner with a deadline, decided through the API, or EXPIRED when the deadline passes.
 *
 * @param id      stable per incident: the same request is not created twice
 * @param command the rendered command that would run
 */
public record Approval(String id, String policy, String action, String host, String check, String command,
    Instant requestedAt, Instant deadline, Status status, String by, Instant decidedAt, String comment) {

  /** Where the request stands. */
  public enum Status { PENDING, APPROVED, REJECTED, EXPIRED, USED }

  public Approval {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    by = by == null ? "" : by;
    comment = comment == null ? "" : comment;
    check = check == null ? "" : check;
    command = command == null ? "" : command;
  }

  public Approval decide(Status newStatus, String who, Instant at, String why) {
    return new Approval(id, policy, action, host, check, command, requestedAt, deadline, newStatus, who, at, why);
  }
}
