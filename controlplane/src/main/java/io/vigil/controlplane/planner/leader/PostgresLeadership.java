package io.vigil.controlplane.planner.leader;

import io.vigil.controlplane.planner.store.PlannerStore;
import io.vigil.controlplane.planner.store.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election through a PostgreSQL session advisory lock ({@code pg_try_advisory_lock(key)}) held
 * on a direct connection of its own, named {@code vigil-leader <node>} in {@code pg_stat_activity}.
 *
 * <p>A thread {@code vigil-leader-<node>} runs every {@code checkInterval}: a follower tries the lock; on
 * getting it, it begins a term in the store ({@link PlannerStore#beginTerm}) and calls
 * {@code onElected(term)}. A leader checks its connection with a query and that no later term has
 * begun in the store; when either fails (the connection was killed, the network or the store is
 * gone) it calls {@code onDeposed} at once, drops the connection (PostgreSQL releases the lock with
 * the session) and campaigns again. Actions already running are stopped by the store's fencing.
 *
 * <pre>{@code
 * Leadership l = new PostgresLeadership(endpoint, store, "p1", 7596950838L, Duration.ofSeconds(1));
 * l.start(engine::elected, engine::deposed);
 * }</pre>
 */
public final class PostgresLeadership implements Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresLeadership.class);

  private final PostgresEndpoint endpoint;
  private final PlannerStore store;
  private final String node;
  private final long lockKey;
  private final Duration checkInterval;
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean leader;
  private volatile long term;
  private volatile boolean running;
  private Thread thread;
  private Connection connection; // only the campaign thread touches it
  private String lastProblem = "";

  public PostgresLeadership(PostgresEndpoint endpoint, PlannerStore store, String node, long lockKey,
      Duration checkInterval) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.store = Objects.requireNonNull(store, "store");
    this.node = Objects.requireNonNull(node, "node");
    this.lockKey = lockKey;
    if (checkInterval == null || checkInterval.isNegative() || checkInterval.isZero()) {
      throw new IllegalArgumentException("leader_check_interval: " + checkInterval + " (expected: > 0)");
    }
    this.checkInterval = checkInterval;
  }

  @Override
  public synchronized void start(LongConsumer onElected, Runnable onDeposed) {
    if (thread != null) {
      throw new IllegalStateException("leadership of " + node + " already started");
    }
    running = true;
    thread = new Thread(() -> campaign(onElected, onDeposed), "vigil-leader-" + node);
    thread.setDaemon(true);
    thread.start();
  }

  private void campaign(LongConsumer onElected, Runnable onDeposed) {
    while (running) {
      try {
        if (leader) {
          checkStillLeader(onDeposed);
        } else {
          tryToLead(onElected);
        }
      } catch (RuntimeException e) {
        // a callback or the store threw: count it, keep the loop alive
        failures.incrementAndGet();
        LOG.warn("leadership of {}: {}", node, e.toString());
      }
      try {
        Thread.sleep(checkInterval.toMillis());
      } catch (InterruptedException e) {
        break;
      }
    }
    disconnect();
  }

  private void tryToLead(LongConsumer onElected) {
    boolean locked;
    try {
      if (connection == null) {
        connection = endpoint.connect("vigil-leader " + node, checkInterval.multipliedBy(3).plusSeconds(5));
      }
      try (PreparedStatement s = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        s.setLong(1, lockKey);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          locked = rs.getBoolean(1);
        }
      }
    } catch (SQLException e) {
      problem("cannot campaign for leadership at " + endpoint.safeUrl() + ": " + e.getMessage());
      disconnect();
      return;
    }
    if (!locked) {
      return;
    }
    long begun;
    try {
      begun = store.beginTerm(node);
    } catch (RuntimeException e) {
      // without a term there is no fencing token: give the lock back and try later
      problem("got the leader lock but could not begin a term: " + e.getMessage());
      disconnect();
      return;
    }
    term = begun;
    leader = true;
    lastProblem = "";
    LOG.info("{} won the leader lock {}: term {}", node, lockKey, begun);
    onElected.accept(begun);
  }

  private void checkStillLeader(Runnable onDeposed) {
    String lost = null;
    try (PreparedStatement s = connection.prepareStatement("SELECT 1")) {
      s.setQueryTimeout((int) Math.max(1, checkInterval.multipliedBy(2).toSeconds()));
      s.execute();
    } catch (SQLException e) {
      lost = "the leader lock connection failed: " + e.getMessage();
    }
    if (lost == null) {
      try {
        long current = store.currentTerm();
        if (current > term) {
          lost = "term " + current + " has begun since ours (" + term + ")";
        }
      } catch (RuntimeException e) {
        lost = "the store is unreachable: " + e.getMessage();
      }
    }
    if (lost != null) {
      leader = false;
      disconnect(); // releases the lock if the session is still alive
      LOG.warn("{} is deposed (term {}): {}", node, term, lost);
      onDeposed.run();
    }
  }

  private void problem(String message) {
    failures.incrementAndGet();
    if (!message.equals(lastProblem)) { // say it once, not every interval
      LOG.warn("leadership of {}: {}", node, message);
      lastProblem = message;
    }
  }

  private void disconnect() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // the session is gone either way, and the lock with it
      }
      connection = null;
    }
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

  /** Campaign failures so far (connection refused, lock query failed, callback threw). */
  public long failures() {
    return failures.get();
  }

  /**
   * Stops campaigning and closes the lock connection, which releases the lock. {@code onDeposed} is
   * not called: the planner is shutting down.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    leader = false;
    if (t != null) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
