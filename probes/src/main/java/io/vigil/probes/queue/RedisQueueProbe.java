package io.vigil.probes.queue;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Depth of a Celery queue on a Redis broker (the Failmap seed, 004): {@code LLEN} of the queue's
 * list over one TCP connection kept open across runs, against warning and critical ranges on the
 * message count.
 *
 * <pre>{@code
 * vigil check redis_queue --port 56379 --queue celery -w 100 -c 1000
 * WARNING: celery: 200 waiting | messages=200;100;1000;0
 * }</pre>
 *
 * <p>Celery's Redis transport (kombu 5.2, {@code kombu/transport/redis.py}) keeps a queue as a
 * list named after it, plus one list per priority step, {@code <queue>\x06\x16<step>} for steps
 * 3, 6 and 9 ({@code PRIORITY_STEPS = [0, 3, 6, 9]}); kombu's own {@code _size} sums the
 * {@code LLEN} of all of them, and so does this probe (option {@code priority_steps}). An empty
 * queue has no key at all: {@code LLEN} of a missing key is 0.
 *
 * <p><b>Unlike RabbitMQ, Redis cannot tell "messages waiting and no consumer".</b> A Celery worker
 * on Redis is a client blocked in {@code BRPOP}; Redis keeps no consumer count per list, so a dead
 * worker and a busy one look alike here. Pair this probe with a process probe on the workers and
 * read a growing depth as the sign that they do not consume.
 *
 * <p>A refused connection or a timeout is CRITICAL; an error reply ({@code -NOAUTH},
 * {@code -WRONGTYPE}) or bytes that are not RESP are UNKNOWN. After any failure the connection is
 * closed and the next run opens a new one. The password is sent in {@code AUTH} only.
 */
public final class RedisQueueProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("redis_queue",
      "Celery queue depth on Redis, LLEN over a kept-open connection (options: host, port, user, password, db, "
          + "queue, priority_steps, warning, critical on messages, timeout)",
      (name, o) -> new RedisQueueProbe(name, o.string("host", "127.0.0.1"), o.port("port", 6379),
          o.string("user", null), o.string("password", null), database(o.integer("db", 0)),
          o.string("queue", "celery"), priorityLists(o.string("queue", "celery"), o.string("priority_steps", "0,3,6,9")),
          o.thresholds("", null, null), o.duration("timeout", Duration.ofSeconds(5))));

  /** kombu's separator between a queue name and its priority step. */
  static final String PRIORITY_SEPARATOR = "\u0006\u0016";

  private final String name;
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final int db;
  private final String queue;
  private final List<String> lists;
  private final Thresholds messages;
  private final Duration timeout;
  private RespClient redis;

  /** @param lists the Redis lists that hold the queue's messages (see {@link #priorityLists}) */
  public RedisQueueProbe(String name, String host, int port, String user, String password, int db, String queue,
      List<String> lists, Thresholds messages, Duration timeout) {
    if (user != null && password == null) {
      throw new IllegalArgumentException("option 'user' needs option 'password'");
    }
    this.name = name;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.db = db;
    this.queue = queue;
    this.lists = List.copyOf(lists);
    this.messages = messages;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public synchronized Observation check() {
    String where = "redis " + host + ":" + port;
    long deadline = System.nanoTime() + ProbeRunner.ownDeadline(timeout).toNanos();
    List<RespDecoder.Reply> replies;
    try {
      replies = connection(deadline).call(deadline, lists.stream().map(l -> List.of("LLEN", l)).toList());
    } catch (ConnectException e) {
      close();
      return Observation.of(CheckState.CRITICAL, where + ": " + (e.getMessage() == null ? "Connection refused" : e.getMessage()));
    } catch (SocketTimeoutException e) {
      close();
      return Observation.of(CheckState.CRITICAL, where + ": no answer within " + timeout.toMillis() + "ms");
    } catch (ProtocolException e) {
      close();
      return Observation.of(CheckState.UNKNOWN, where + " does not speak RESP: " + e.getMessage());
    } catch (RedisError e) {
      close();
      return Observation.of(CheckState.UNKNOWN, where + ": " + e.getMessage());
    } catch (IOException e) {
      close();
      return Observation.of(CheckState.CRITICAL, where + ": " + e.getMessage());
    }
    long total = 0;
    for (int i = 0; i < replies.size(); i++) {
      RespDecoder.Reply reply = replies.get(i);
      if (reply.kind() != RespDecoder.Reply.Kind.INTEGER) {
        // e.g. -WRONGTYPE: the key holds no list, so this is not a kombu queue
        return Observation.of(CheckState.UNKNOWN, where + ": LLEN " + printable(lists.get(i)) + " answered " + reply);
      }
      total += reply.integer();
    }
    CheckState state = messages.evaluate(total);
    String summary = String.format(Locale.ROOT, "%s: %d waiting", queue, total)
        + (lists.size() > 1 ? " (in " + lists.size() + " priority lists)" : "");
    return new Observation(state, summary, List.of(Perfdata.of("messages", total, "").withThresholds(messages).withMin(0)));
  }

  /** The open connection, or a new one that has passed AUTH and SELECT. */
  private RespClient connection(long deadline) throws IOException {
    if (redis != null) {
      return redis;
    }
    RespClient fresh = RespClient.connect(host, port, (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    try {
      List<List<String>> setup = new ArrayList<>();
      if (password != null) {
        setup.add(user == null ? List.of("AUTH", password) : List.of("AUTH", user, password));
      }
      if (db != 0) {
        setup.add(List.of("SELECT", Integer.toString(db)));
      }
      if (!setup.isEmpty()) {
        List<RespDecoder.Reply> replies = fresh.call(deadline, setup);
        for (int i = 0; i < replies.size(); i++) {
          if (replies.get(i).isError()) {
            // never echo AUTH's arguments: name the command only
            throw new RedisError(setup.get(i).get(0) + " failed: " + replies.get(i).text());
          }
        }
      }
    } catch (IOException e) {
      fresh.close();
      throw e;
    }
    redis = fresh;
    return fresh;
  }

  /**
   * The lists kombu keeps for {@code queue}: the queue itself for step 0 and
   * {@code queue\x06\x16<step>} for each other step; {@code priority_steps=0} reads one list.
   */
  public static List<String> priorityLists(String queue, String steps) {
    List<String> lists = new ArrayList<>();
    for (String step : steps.split(",")) {
      int n;
      try {
        n = Integer.parseInt(step.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("option 'priority_steps': '" + steps + "' (expected: numbers 0..255, e.g. 0,3,6,9)");
      }
      if (n < 0 || n > 255) {
        throw new IllegalArgumentException("option 'priority_steps': " + n + " (expected: 0..255)");
      }
      String list = n == 0 ? queue : queue + PRIORITY_SEPARATOR + n;
      if (!lists.contains(list)) {
        lists.add(list);
      }
    }
    return lists;
  }

  static int database(int db) {
    if (db < 0 || db > 65535) {
      throw new IllegalArgumentException("option 'db': " + db + " (expected: 0..65535)");
    }
    return db;
  }

  private static String printable(String key) {
    return "'" + key.replace(PRIORITY_SEPARATOR, "\\x06\\x16") + "'";
  }

  @Override
  public synchronized void close() {
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }

  /** An error reply to connection setup (AUTH, SELECT): a configuration problem, not an outage. */
  private static final class RedisError extends IOException {
    RedisError(String message) {
      super(message);
    }
  }
}
