package io.vigil.controlplane.planner.store;

import io.vigil.controlplane.planner.policy.Hold;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the planner keeps what must survive it: the fencing term, action records (intent before
 * execution, then every status change), the audit timeline, maintenance holds and approvals.
 *
 * <p>Two implementations pass the same contract tests: {@code FileStore} (embedded, one planner,
 * what {@code bin/vigil run} uses) and {@code PostgresStore} (production and HA). Every method is
 * thread-safe. Writes are durable when the method returns.
 *
 * <p><b>Fencing.</b> Each leadership term gets a number from {@link #beginTerm}, strictly greater
 * than every earlier one. Every action write carries the writer's term; the store refuses it with
 * {@link FencedOutException} when a greater term has begun since, so a deposed leader's late write
 * never lands.
 */
public interface PlannerStore extends AutoCloseable {

  /** Starts a new leadership term for {@code node} and returns its number (previous greatest + 1). */
  long beginTerm(String node);

  /** The greatest term begun so far (0 before any). */
  long currentTerm();

  /**
   * Writes an action's intent before it runs. Idempotent per {@link ActionRecord#idempotencyKey()}:
   * when a record with that key exists, it is returned unchanged and nothing is written.
   *
   * @throws FencedOutException when {@code intent.term()} is less than {@link #currentTerm()}
   */
  ActionRecord recordIntent(ActionRecord intent) throws FencedOutException;

  /**
   * Moves an action to {@code status} with a detail line (bounded output, why), as the writer of
   * {@code term}.
   *
   * @throws FencedOutException when {@code term} is less than {@link #currentTerm()}
   * @throws IllegalArgumentException when no action has that id
   */
  ActionRecord updateAction(String id, ActionRecord.Status status, String detail, long term)
      throws FencedOutException;

  Optional<ActionRecord> action(String id);

  /** Actions whose status is INTENT or RUNNING: what a new leader must resolve. */
  List<ActionRecord> unfinishedActions();

  /** Actions newest first, filtered by host, check and time as the query says. */
  List<ActionRecord> actions(TimelineQuery query);

  /** Appends one event and returns it with its sequence number assigned. */
  TimelineEvent append(TimelineEvent event);

  /**
   * Appends several events in order, durable together (one fsync or one transaction instead of one
   * per event), and returns them numbered. What a hot path should use for a burst of events.
   */
  default List<TimelineEvent> appendAll(List<TimelineEvent> events) {
    return events.stream().map(this::append).toList();
  }

  /** Events oldest first within the query's filter, at most {@code query.limit()} (the newest ones). */
  List<TimelineEvent> timeline(TimelineQuery query);

  void putHold(Hold hold);

  /** Ends a hold now; false when there is no such hold or it has already ended. */
  boolean endHold(String id, Instant at, String by);

  /** Holds that have not ended or expired at {@code now}. */
  List<Hold> holds(Instant now);

  /** Inserts or replaces the approval with the same id. */
  void putApproval(Approval approval);

  Optional<Approval> approval(String id);

  List<Approval> approvals();

  @Override
  void close();
}
