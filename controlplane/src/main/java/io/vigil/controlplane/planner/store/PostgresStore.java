package io.vigil.controlplane.planner.store;

import io.vigil.controlplane.planner.policy.Hold;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner store in PostgreSQL, for production and for several planners (HA). The schema is
 * created and migrated at open ({@link PostgresSchema}). Times are kept to the microsecond.
 *
 * <p><b>Fencing in the database.</b> An action write runs in one transaction that first reads the
 * term row {@code FOR SHARE} and compares it with the writer's term. The row lock is held until the
 * write commits, and {@link #beginTerm} updates that row, so a new term and a deposed leader's write
 * are ordered by PostgreSQL itself: either the write commits before the term begins, or it sees the
 * new term and is refused. No check in the JVM can race with it.
 *
 * <p>Connections are opened on demand and reused (a few idle ones are kept). One that breaks is
 * dropped; operations that are safe to repeat (everything except {@code append} and
 * {@code beginTerm}) are retried once on a fresh connection.
 */
public final class PostgresStore implements PlannerStore {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);
  private static final int MAX_IDLE = 4;
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);

  private static final String ACTION_COLUMNS = "id, idempotency_key, policy, action, host, check_name, command, "
      + "status, term, node, created_at, updated_at, detail";
  private static final String EVENT_COLUMNS = "seq, at, kind, host, check_name, action_id, who, what, why, "
      + "details::text";
  private static final String HOLD_COLUMNS = "id, host, role, cluster, action, until, reason, created_by";
  private static final String APPROVAL_COLUMNS = "id, policy, action, host, check_name, command, requested_at, "
      + "deadline, status, decided_by, decided_at, comment";

  /** One database round: may throw the fencing refusal. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException, FencedOutException;
  }

  private final PostgresEndpoint endpoint;
  private final Clock clock;
  private final String name;
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
  private volatile boolean closed;

  private PostgresStore(PostgresEndpoint endpoint, Clock clock) {
    this.endpoint = endpoint;
    this.clock = clock;
    this.name = "PostgreSQL planner store " + endpoint.safeUrl() + " (user " + endpoint.user() + ")";
  }

  public static PostgresStore open(PostgresEndpoint endpoint) {
    return open(endpoint, Clock.systemUTC());
  }

  /**
   * Connects, creates or migrates the schema, and returns the store.
   *
   * @throws StoreException when the database cannot be reached, refuses the user, or has a newer schema
   */
  public static PostgresStore open(PostgresEndpoint endpoint, Clock clock) {
    PostgresStore store = new PostgresStore(endpoint, clock);
    store.read("migrating the schema", c -> {
      int before = PostgresSchema.migrate(c);
      if (before < PostgresSchema.MIGRATIONS.size()) {
        LOG.info("{}: schema migrated from version {} to {}", store.name, before, PostgresSchema.MIGRATIONS.size());
      }
      return null;
    });
    return store;
  }

  // ---------------------------------------------------------------------------------------------
  // Terms and actions

  @Override
  public long beginTerm(String node) {
    return once("beginning a term", c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE vigil_term SET term = term + 1, node = ?, began_at = now() WHERE id = 1 RETURNING term")) {
        s.setString(1, node);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public long currentTerm() {
    return read("reading the term", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT term FROM vigil_term WHERE id = 1");
          ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /** In the caller's transaction: locks the term row until commit and refuses an older writer. */
  private static void fence(Connection c, long writerTerm) throws SQLException, FencedOutException {
    try (PreparedStatement s = c.prepareStatement("SELECT term FROM vigil_term WHERE id = 1 FOR SHARE");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      long current = rs.getLong(1);
      if (writerTerm < current) {
        throw new FencedOutException(writerTerm, current);
      }
    }
  }

  @Override
  public ActionRecord recordIntent(ActionRecord a) throws FencedOutException {
    return fenced("recording intent " + a.id(), c -> {
      c.setAutoCommit(false);
      fence(c, a.term());
      try (PreparedStatement s = c.prepareStatement("INSERT INTO vigil_action (" + ACTION_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING RETURNING "
          + ACTION_COLUMNS)) {
        int i = 0;
        s.setString(++i, a.id());
        s.setString(++i, a.idempotencyKey());
        s.setString(++i, a.policy());
        s.setString(++i, a.action());
        s.setString(++i, a.host());
        s.setString(++i, a.check());
        s.setString(++i, a.command());
        s.setString(++i, a.status().name());
        s.setLong(++i, a.term());
        s.setString(++i, a.node());
        s.setObject(++i, time(a.createdAt()));
        s.setObject(++i, time(a.updatedAt()));
        s.setString(++i, a.detail());
        ActionRecord stored = single(s, PostgresStore::action).orElse(null);
        if (stored == null) {
          stored = actionBy(c, "idempotency_key", a.idempotencyKey()).orElseThrow();
        }
        c.commit();
        return stored;
      } catch (SQLException e) {
        if ("23505".equals(e.getSQLState())) {
          c.rollback();
          throw new IllegalArgumentException("action id '" + a.id() + "' already exists with another idempotency key");
        }
        throw e;
      }
    });
  }

  @Override
  public ActionRecord updateAction(String id, ActionRecord.Status status, String detail, long term)
      throws FencedOutException {
    return fenced("updating action " + id, c -> {
      c.setAutoCommit(false);
      fence(c, term);
      try (PreparedStatement s = c.prepareStatement("UPDATE vigil_action SET status = ?, detail = ?, updated_at = ? "
          + "WHERE id = ? RETURNING " + ACTION_COLUMNS)) {
        s.setString(1, status.name());
        s.setString(2, detail == null ? "" : detail);
        s.setObject(3, time(clock.instant()));
        s.setString(4, id);
        Optional<ActionRecord> updated = single(s, PostgresStore::action);
        if (updated.isEmpty()) {
          c.rollback();
          throw new IllegalArgumentException("no action with id '" + id + "'");
        }
        c.commit();
        return updated.get();
      }
    });
  }

  @Override
  public Optional<ActionRecord> action(String id) {
    return read("reading action " + id, c -> actionBy(c, "id", id));
  }

  private static Optional<ActionRecord> actionBy(Connection c, String column, String value) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + ACTION_COLUMNS + " FROM vigil_action WHERE "
        + column + " = ?")) {
      s.setString(1, value);
      return single(s, PostgresStore::action);
    }
  }

  @Override
  public List<ActionRecord> unfinishedActions() {
    return read("listing unfinished actions", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + ACTION_COLUMNS + " FROM vigil_action "
          + "WHERE status IN ('INTENT', 'RUNNING') ORDER BY seq")) {
        return all(s, PostgresStore::action);
      }
    });
  }

  @Override
  public List<ActionRecord> actions(TimelineQuery q) {
    return read("listing actions", c -> {
      Filter f = Filter.of(q, "created_at");
      try (PreparedStatement s = c.prepareStatement("SELECT " + ACTION_COLUMNS + " FROM vigil_action" + f.where
          + " ORDER BY seq DESC LIMIT ?")) {
        f.bind(s, q.limit());
        return all(s, PostgresStore::action);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Timeline

  @Override
  public TimelineEvent append(TimelineEvent e) {
    return appendAll(List.of(e)).get(0);
  }

  @Override
  public List<TimelineEvent> appendAll(List<TimelineEvent> events) {
    if (events.isEmpty()) {
      return List.of();
    }
    return once("appending to the timeline", c -> {
      c.setAutoCommit(events.size() == 1);
      try (PreparedStatement s = c.prepareStatement("INSERT INTO vigil_timeline (at, kind, host, check_name, "
          + "action_id, who, what, why, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)", new String[] {"seq"})) {
        for (TimelineEvent e : events) {
          int i = 0;
          s.setObject(++i, time(e.at()));
          s.setString(++i, e.kind().name());
          s.setString(++i, e.host());
          s.setString(++i, e.check());
          s.setString(++i, e.actionId());
          s.setString(++i, e.who());
          s.setString(++i, e.what());
          s.setString(++i, e.why());
          s.setString(++i, JournalCodec.mapJson(e.details()));
          s.addBatch();
        }
        s.executeBatch();
        List<TimelineEvent> out = new ArrayList<>(events.size());
        try (ResultSet keys = s.getGeneratedKeys()) {
          for (TimelineEvent e : events) {
            keys.next();
            out.add(e.withSeq(keys.getLong(1)));
          }
        }
        if (!c.getAutoCommit()) {
          c.commit();
        }
        return out;
      }
    });
  }

  @Override
  public List<TimelineEvent> timeline(TimelineQuery q) {
    return read("reading the timeline", c -> {
      Filter f = Filter.of(q, "at");
      try (PreparedStatement s = c.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM vigil_timeline" + f.where
          + " ORDER BY seq DESC LIMIT ?")) {
        f.bind(s, q.limit());
        List<TimelineEvent> newestFirst = all(s, PostgresStore::event);
        List<TimelineEvent> out = new ArrayList<>(newestFirst);
        Collections.reverse(out);
        return out;
      }
    });
  }

  /** The WHERE clause of a query: fixed SQL fragments, values bound as parameters. */
  private record Filter(String where, List<Object> values) {

    static Filter of(TimelineQuery q, String timeColumn) {
      StringBuilder w = new StringBuilder();
      List<Object> v = new ArrayList<>();
      if (q.host() != null) {
        w.append(" AND host = ?");
        v.add(q.host());
      }
      if (q.check() != null) {
        w.append(" AND check_name = ?");
        v.add(q.check());
      }
      if (q.since() != null) {
        w.append(" AND ").append(timeColumn).append(" >= ?");
        v.add(time(q.since()));
      }
      if (q.until() != null) {
        w.append(" AND ").append(timeColumn).append(" < ?");
        v.add(time(q.until()));
      }
      return new Filter(w.length() == 0 ? "" : " WHERE" + w.substring(4), v);
    }

    void bind(PreparedStatement s, int limit) throws SQLException {
      int i = 0;
      for (Object o : values) {
        s.setObject(++i, o);
      }
      s.setInt(++i, limit);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Holds and approvals

  @Override
  public void putHold(Hold h) {
    read("storing hold " + h.id(), c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO vigil_hold (" + HOLD_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET host = excluded.host, "
          + "role = excluded.role, cluster = excluded.cluster, action = excluded.action, until = excluded.until, "
          + "reason = excluded.reason, created_by = excluded.created_by, ended_at = NULL, ended_by = NULL")) {
        int i = 0;
        s.setString(++i, h.id());
        s.setString(++i, h.host());
        s.setString(++i, h.role());
        s.setString(++i, h.cluster());
        s.setString(++i, h.action());
        s.setObject(++i, time(h.until()));
        s.setString(++i, h.reason());
        s.setString(++i, h.by());
        return s.executeUpdate();
      }
    });
  }

  @Override
  public boolean endHold(String id, Instant at, String by) {
    return read("ending hold " + id, c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE vigil_hold SET until = least(until, ?), ended_at = ?, "
          + "ended_by = ? WHERE id = ? AND until > ?")) {
        OffsetDateTime t = time(at);
        s.setObject(1, t);
        s.setObject(2, t);
        s.setString(3, by);
        s.setString(4, id);
        s.setObject(5, t);
        return s.executeUpdate() > 0;
      }
    });
  }

  @Override
  public List<Hold> holds(Instant now) {
    return read("listing holds", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + HOLD_COLUMNS + " FROM vigil_hold WHERE until > ? "
          + "ORDER BY id")) {
        s.setObject(1, time(now));
        return all(s, rs -> new Hold(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), instant(rs, 6), rs.getString(7), rs.getString(8)));
      }
    });
  }

  @Override
  public void putApproval(Approval a) {
    read("storing approval " + a.id(), c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO vigil_approval (" + APPROVAL_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, "
          + "action = excluded.action, host = excluded.host, check_name = excluded.check_name, "
          + "command = excluded.command, requested_at = excluded.requested_at, deadline = excluded.deadline, "
          + "status = excluded.status, decided_by = excluded.decided_by, decided_at = excluded.decided_at, "
          + "comment = excluded.comment")) {
        int i = 0;
        s.setString(++i, a.id());
        s.setString(++i, a.policy());
        s.setString(++i, a.action());
        s.setString(++i, a.host());
        s.setString(++i, a.check());
        s.setString(++i, a.command());
        setTime(s, ++i, a.requestedAt());
        setTime(s, ++i, a.deadline());
        s.setString(++i, a.status().name());
        s.setString(++i, a.by());
        setTime(s, ++i, a.decidedAt());
        s.setString(++i, a.comment());
        return s.executeUpdate();
      }
    });
  }

  @Override
  public Optional<Approval> approval(String id) {
    return read("reading approval " + id, c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + APPROVAL_COLUMNS + " FROM vigil_approval "
          + "WHERE id = ?")) {
        s.setString(1, id);
        return single(s, PostgresStore::approval);
      }
    });
  }

  @Override
  public List<Approval> approvals() {
    return read("listing approvals", c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + APPROVAL_COLUMNS + " FROM vigil_approval "
          + "ORDER BY requested_at, id")) {
        return all(s, PostgresStore::approval);
      }
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Rows

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private static <T> Optional<T> single(PreparedStatement s, Row<T> row) throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
    }
  }

  private static <T> List<T> all(PreparedStatement s, Row<T> row) throws SQLException {
    List<T> out = new ArrayList<>();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(row.map(rs));
      }
    }
    return out;
  }

  private static ActionRecord action(ResultSet rs) throws SQLException {
    return new ActionRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), ActionRecord.Status.valueOf(rs.getString(8)), rs.getLong(9),
        rs.getString(10), instant(rs, 11), instant(rs, 12), rs.getString(13));
  }

  private static TimelineEvent event(ResultSet rs) throws SQLException {
    return new TimelineEvent(rs.getLong(1), instant(rs, 2), TimelineEvent.Kind.valueOf(rs.getString(3)),
        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
        JournalCodec.parseMapJson(rs.getString(10)));
  }

  private static Approval approval(ResultSet rs) throws SQLException {
    return new Approval(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), instant(rs, 7), instant(rs, 8), Approval.Status.valueOf(rs.getString(9)), rs.getString(10),
        instant(rs, 11), rs.getString(12));
  }

  private static OffsetDateTime time(Instant t) {
    return t == null ? null : OffsetDateTime.ofInstant(t.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private static void setTime(PreparedStatement s, int i, Instant t) throws SQLException {
    if (t == null) {
      s.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      s.setObject(i, time(t));
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  // ---------------------------------------------------------------------------------------------
  // Connections

  /** Safe to repeat: retried once on a fresh connection when the connection broke. */
  private <T> T read(String what, Work<T> work) {
    try {
      return run(what, true, work);
    } catch (FencedOutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Not safe to repeat (a second try would write twice): a broken connection is an error. */
  private <T> T once(String what, Work<T> work) {
    try {
      return run(what, false, work);
    } catch (FencedOutException e) {
      throw new IllegalStateException(e);
    }
  }

  private <T> T fenced(String what, Work<T> work) throws FencedOutException {
    return run(what, true, work);
  }

  private <T> T run(String what, boolean repeatable, Work<T> work) throws FencedOutException {
    for (int attempt = 1; ; attempt++) {
      Connection c = borrow(what);
      boolean broken = false;
      try {
        return work.run(c);
      } catch (SQLException e) {
        broken = isBroken(c, e);
        if (broken && repeatable && attempt == 1) {
          LOG.debug("{}: connection lost while {}, retrying once: {}", name, what, e.getMessage());
          continue;
        }
        throw new StoreException(name + ": " + what + " failed: " + e.getMessage()
            + (broken && !repeatable ? " (the connection broke: the write may or may not have landed)" : ""), e);
      } finally {
        if (broken) {
          discard(c);
        } else {
          giveBack(c);
        }
      }
    }
  }

  private Connection borrow(String what) {
    if (closed) {
      throw new StoreException(name + ": the store is closed");
    }
    Connection c = idle.pollFirst();
    if (c != null) {
      return c;
    }
    try {
      return endpoint.connect("vigil-store", SOCKET_TIMEOUT);
    } catch (SQLException e) {
      throw new StoreException(name + ": cannot connect (" + what + "): " + e.getMessage(), e);
    }
  }

  private void giveBack(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback(); // no-op after a commit; undoes a transaction a refusal or an error left open
        c.setAutoCommit(true);
      }
      if (!closed && idle.size() < MAX_IDLE) {
        idle.addFirst(c);
        return;
      }
    } catch (SQLException e) {
      // not reusable
    }
    discard(c);
  }

  private static boolean isBroken(Connection c, SQLException e) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
      return true;
    }
    try {
      return c.isClosed() || !c.isValid(2);
    } catch (SQLException ignored) {
      return true;
    }
  }

  private static void discard(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // it is gone either way
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      discard(c);
    }
  }

  @Override
  public String toString() {
    return "PostgresStore[" + endpoint.safeUrl() + "]";
  }
}
