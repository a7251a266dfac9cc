package io.vigil.remediations.ssh;

import io.vigil.probes.internal.HttpFetch;
import io.vigil.probes.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One queue's depth and consumers from the RabbitMQ management API
 * ({@code GET /api/queues/{vhost}/{queue}}). Its figures lag {@code rabbitmqctl} by 1.5 to 5 s
 * (lab recipe, section 3), so a caller compares readings over time rather than trusting one.
 */
final class QueueReader {

  /**
   * {@code messages} ready plus unacknowledged; {@code consumers} attached, and the channels they
   * consume on ({@code 127.0.0.1:41790 -> 127.0.0.1:5672 (1)}): a restarted worker connects from a
   * new client port, so a channel name tells a new consumer from a stale reading of the old one.
   * {@code ackRate} is acknowledgements per second over the last sample: consumers are working.
   */
  record Depth(long messages, long consumers, Set<String> channels, double ackRate) {
  }

  private static final int MAX_BODY = 64 * 1024;

  private final URI base;
  private final String authorization;
  private final Duration timeout;
  private final HttpClient client;

  QueueReader(URI base, String user, String password, Duration timeout) {
    this.base = URI.create(base.toString().replaceAll("/+$", ""));
    // the password lives only in this header value, never in a summary or a rendered command
    this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
    this.timeout = timeout;
    this.client = HttpFetch.newClient(timeout);
  }

  URI url(String vhost, String queue) {
    return URI.create(base + "/api/queues/" + segment(vhost) + "/" + segment(queue)
        + "?columns=name,messages,consumers,consumer_details,message_stats.ack_details.rate");
  }

  /** @throws IOException when the API cannot be reached or does not answer 200 with the queue */
  Depth read(String vhost, String queue) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(url(vhost, queue)).GET().timeout(timeout)
        .header("Authorization", authorization).header("Accept", "application/json").build();
    HttpFetch.Response r = HttpFetch.send(client, request, timeout, MAX_BODY);
    if (r.status() != 200) {
      throw new IOException("management API answered " + r.status() + " for queue '" + queue + "' in vhost '"
          + vhost + "': " + HttpFetch.excerpt(r.body(), 80));
    }
    Map<String, Object> q;
    try {
      q = Json.object(r.body());
    } catch (IllegalArgumentException e) {
      throw new IOException("management API: unexpected answer: " + HttpFetch.excerpt(r.body(), 80));
    }
    // right after a queue is declared the API may not report counts yet: -1 then
    Set<String> channels = new LinkedHashSet<>();
    for (Object c : Json.list(q.get("consumer_details"))) {
      Object name = Json.map(Json.map(c).get("channel_details")).get("name");
      if (name instanceof String n) {
        channels.add(n);
      }
    }
    Object rate = Json.map(Json.map(q.get("message_stats")).get("ack_details")).get("rate");
    return new Depth(count(q.get("messages")), count(q.get("consumers")), channels,
        rate instanceof Number n ? n.doubleValue() : 0);
  }

  private static long count(Object v) {
    return v instanceof Number n ? n.longValue() : -1;
  }

  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
