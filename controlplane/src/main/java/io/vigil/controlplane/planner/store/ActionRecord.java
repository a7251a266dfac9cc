package io.vigil.controlplane.planner.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One action of the execution contract, as stored. Written as {@link Status#INTENT} before it runs,
 * then moved to RUNNING and to one of the final statuses.
 *
 * @param id             unique, e.g. {@code a-<term>-<uuid>}
 * @param idempotencyKey the same for every attempt at one incident: {@code policy|action|host|incidentStart}
 * @param command        the rendered command (what ran where)
 * @param term           the fencing term of the leader that wrote it
 * @param node           the planner node that wrote it
 * @param detail         the latest status line (why, bounded output)
 */
public record ActionRecord(String id, String idempotencyKey, String policy, String action, String host, String check,
    String command, Status status, long term, String node, Instant createdAt, Instant updatedAt, String detail) {

  /** The life of an action; the last four are final. */
  public enum Status {
    INTENT, RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ESCALATED;

    public boolean isFinal() {
      return this != INTENT && this != RUNNING;
    }
  }

  public ActionRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    updatedAt = updatedAt == null ? createdAt : updatedAt;
    check = check == null ? "" : check;
    command = command == null ? "" : command;
    detail = detail == null ? "" : detail;
  }

  public ActionRecord with(Status newStatus, String newDetail, Instant at) {
    return new ActionRecord(id, idempotencyKey, policy, action, host, check, command, newStatus, term, node, createdAt,
        at, newDetail);
  }
}
