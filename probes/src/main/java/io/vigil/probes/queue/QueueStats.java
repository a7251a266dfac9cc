package io.vigil.probes.queue;

import io.vigil.probes.CheckState;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Thresholds;
import io.vigil.probes.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One queue as the RabbitMQ management API reports it. A count the API has not reported yet is
 * {@value #UNREPORTED}: right after a queue is declared its statistics are missing until the next
 * collection (lab recipe, section 3: "right after creation the queue can return []").
 */
record QueueStats(String name, long messages, long ready, long unacknowledged, long consumers) {

  static final long UNREPORTED = -1;

  /** Queues from the API's JSON: an array of queue objects (one object for a named queue, wrapped). */
  static List<QueueStats> fromApi(Object json) {
    if (!(json instanceof List)) {
      throw new IllegalArgumentException("expected a JSON array of queues, got " + Json.kind(json));
    }
    List<QueueStats> queues = new ArrayList<>();
    for (Object item : Json.list(json)) {
      if (!(item instanceof Map)) {
        throw new IllegalArgumentException("expected a queue object, got " + Json.kind(item));
      }
      Map<String, Object> q = Json.map(item);
      if (!(q.get("name") instanceof String name)) {
        throw new IllegalArgumentException("a queue without a name");
      }
      queues.add(new QueueStats(name, count(q, "messages"), count(q, "messages_ready"),
          count(q, "messages_unacknowledged"), count(q, "consumers")));
    }
    return queues;
  }

  private static long count(Map<String, Object> q, String key) {
    Object v = q.get(key);
    if (v == null || v == Json.NULL) {
      return UNREPORTED;
    }
    if (v instanceof Long n && n >= 0) {
      return n;
    }
    throw new IllegalArgumentException(key + " of queue '" + q.get("name") + "' is not a count: " + v);
  }

  boolean reported() {
    return messages != UNREPORTED && consumers != UNREPORTED;
  }

  /** Messages ready for delivery; the API's total when it gave no split. */
  long waiting() {
    return ready == UNREPORTED ? messages : ready;
  }

  /** The worst of: waiting with no consumer, too few consumers, the message thresholds. */
  CheckState evaluate(Thresholds thresholds, int minConsumers) {
    if (!reported()) {
      return CheckState.UNKNOWN;
    }
    if (waiting() > 0 && consumers == 0) {
      return CheckState.CRITICAL;
    }
    if (consumers < minConsumers) {
      return CheckState.CRITICAL;
    }
    return thresholds.evaluate(messages);
  }

  /**
   * {@code celery: 200 waiting, 0 consumers (workers dead or not consuming)}, or
   * {@code celery: 3 messages (1 ready, 2 unacked), 1 consumer}.
   */
  String describe(int minConsumers) {
    if (!reported()) {
      return name + ": no statistics yet (queue just declared?)";
    }
    if (waiting() > 0 && consumers == 0) {
      return name + ": " + waiting() + " waiting, 0 consumers (workers dead or not consuming)";
    }
    String text = name + ": " + messages + " messages (" + orUnknown(ready) + " ready, " + orUnknown(unacknowledged)
        + " unacked), " + consumers + (consumers == 1 ? " consumer" : " consumers");
    return consumers < minConsumers ? text + ", expected at least " + minConsumers : text;
  }

  /** {@code messages ready unacknowledged consumers}, each label after {@code prefix}. */
  List<Perfdata> perfdata(String prefix, Thresholds thresholds) {
    return List.of(
        Perfdata.of(prefix + "messages", nan(messages), "").withThresholds(thresholds).withMin(0),
        Perfdata.of(prefix + "ready", nan(ready), "").withMin(0),
        Perfdata.of(prefix + "unacknowledged", nan(unacknowledged), "").withMin(0),
        Perfdata.of(prefix + "consumers", nan(consumers), "").withMin(0));
  }

  private static double nan(long n) {
    return n == UNREPORTED ? Double.NaN : n;
  }

  private static String orUnknown(long n) {
    return n == UNREPORTED ? "?" : Long.toString(n);
  }
}
