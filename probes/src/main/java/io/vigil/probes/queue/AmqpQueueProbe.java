package io.vigil.probes.queue;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * A queue's ready messages and consumers read over AMQP itself (passive {@code queue.declare}), on
 * a connection kept open across runs: what a worker restart policy should watch, since the count
 * changes the moment a consumer dies, where the management API ({@code rabbitmq_queue}) shows it up
 * to 5 s later. The same verdict as {@code rabbitmq_queue}: messages waiting with no consumer, or
 * fewer consumers than {@code min_consumers}, is CRITICAL; then the message thresholds.
 */
public final class AmqpQueueProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("amqp_queue",
      "RabbitMQ queue depth and consumers over AMQP, passive queue.declare (options: host, port, user, password, "
          + "vhost, queue, warning, critical on messages, min_consumers, timeout)",
      (name, o) -> new AmqpQueueProbe(name, o.string("host", "127.0.0.1"), o.port("port", 5672),
          o.string("user", "guest"), o.string("password", "guest"), o.string("vhost", "/"), o.string("queue"),
          o.thresholds("", null, null), RabbitMqQueueProbe.minConsumers(o.integer("min_consumers", 0)),
          o.duration("timeout", Duration.ofSeconds(5))));

  private final String name;
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final String vhost;
  private final String queue;
  private final Thresholds messages;
  private final int minConsumers;
  private final Duration timeout;
  private AmqpClient client;

  public AmqpQueueProbe(String name, String host, int port, String user, String password, String vhost, String queue,
      Thresholds messages, int minConsumers, Duration timeout) {
    if (queue == null || queue.isBlank() || queue.length() > 255) {
      throw new IllegalArgumentException("option 'queue': a queue name is required");
    }
    this.name = name;
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.vhost = vhost;
    this.queue = queue;
    this.messages = messages;
    this.minConsumers = minConsumers;
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
    String where = "RabbitMQ " + host + ":" + port;
    AmqpClient.Counts counts;
    try {
      if (client == null) {
        client = new AmqpClient(host, port, user, password, vhost, timeout);
      }
      counts = client.counts(queue);
    } catch (AmqpClient.ClosedByBroker e) {
      if (e.code() != 404) {
        drop();
      }
      return e.code() == 404
          ? Observation.of(CheckState.CRITICAL, "queue '" + queue + "' in vhost '" + vhost + "' not found")
          : Observation.of(e.code() == 403 || e.code() == 530 ? CheckState.UNKNOWN : CheckState.CRITICAL,
              where + ": " + e.getMessage());
    } catch (SocketTimeoutException e) {
      drop();
      return Observation.of(CheckState.CRITICAL, where + ": no answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      drop();
      return Observation.of(CheckState.CRITICAL, where + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
    QueueStats q = new QueueStats(queue, counts.messages(), counts.messages(), QueueStats.UNREPORTED, counts.consumers());
    return new Observation(q.evaluate(messages, minConsumers), q.describe(minConsumers), q.perfdata("", messages));
  }

  private void drop() {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  @Override
  public synchronized void close() {
    drop();
  }
}
