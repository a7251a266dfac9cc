package io.vigil.probes.queue;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import io.vigil.probes.internal.HttpFetch;
import io.vigil.probes.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Depth and consumers of RabbitMQ queues from the management HTTP API, over one keep-alive
 * connection: messages, ready, unacknowledged and consumers of one queue, or of every queue of a
 * vhost when {@code queue} is not given.
 *
 * <pre>{@code
 * vigil check rabbitmq_queue --url http://127.0.0.1:55673 --queue celery -w 100 -c 1000
 * CRITICAL: celery: 200 waiting, 0 consumers (workers dead or not consuming) | messages=200;100;1000;0 ready=200 ...
 * }</pre>
 *
 * <p>States, worst first: messages waiting (ready) with zero consumers is CRITICAL on its own,
 * whatever the thresholds say, because no one will ever take them (workers dead, or alive and not
 * consuming: pain point C12, celery#2296); fewer consumers than {@code min_consumers} is CRITICAL;
 * then the {@code warning} and {@code critical} ranges on the message count. An unknown queue or
 * vhost (404 {@code Object Not Found}) is CRITICAL; a refused connection or timeout is CRITICAL;
 * wrong credentials (401) and an answer that is not the API's JSON are UNKNOWN, as they say nothing
 * about the queue.
 *
 * <p>The management API serves statistics sampled every {@code collect_statistics_interval}: its
 * counts lag {@code rabbitmqctl list_queues} by 1.5 to 5 s (lab recipe, section 3). The password
 * is sent in an {@code Authorization} header only and never appears in a summary.
 */
public final class RabbitMqQueueProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("rabbitmq_queue",
      "RabbitMQ queue depth and consumers from the management API (options: url, user, password, vhost, "
          + "queue, warning, critical on messages, min_consumers, timeout)",
      (name, o) -> new RabbitMqQueueProbe(name, managementUrl(o.string("url", "http://127.0.0.1:15672")),
          o.string("user", "guest"), o.string("password", "guest"), o.string("vhost", "/"),
          o.string("queue", null), o.thresholds("", null, null), minConsumers(o.integer("min_consumers", 0)),
          o.duration("timeout", Duration.ofSeconds(10))));

  private static final int MAX_BODY = 1024 * 1024;
  private static final int EXCERPT = 100;
  private static final String COLUMNS = "columns=name,vhost,messages,messages_ready,messages_unacknowledged,consumers";

  private final String name;
  private final URI endpoint;
  private final String user;
  private final Duration deadline;
  private final HttpRequest request;
  private final String vhost;
  private final String queue;
  private final Thresholds messages;
  private final int minConsumers;
  private final Duration timeout;
  private HttpClient client;

  /** @param queue one queue, or null for every queue of {@code vhost} */
  public RabbitMqQueueProbe(String name, URI managementUrl, String user, String password, String vhost, String queue,
      Thresholds messages, int minConsumers, Duration timeout) {
    this.name = name;
    this.user = user;
    this.vhost = vhost;
    this.queue = queue;
    this.messages = messages;
    this.minConsumers = minConsumers;
    this.timeout = timeout;
    String base = managementUrl.toString().replaceAll("/+$", "");
    this.endpoint = URI.create(base + "/api/queues/" + segment(vhost) + (queue == null ? "" : "/" + segment(queue))
        + "?" + COLUMNS);
    this.deadline = ProbeRunner.ownDeadline(timeout);
    // the password lives only in this header of an immutable request, built once
    String authorization = "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.request = HttpRequest.newBuilder(endpoint).GET().timeout(deadline)
        .header("Authorization", authorization).header("Accept", "application/json").build();
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
  public Observation check() throws InterruptedException {
    String where = "RabbitMQ " + endpoint.getHost() + ":" + endpoint.getPort();
    HttpFetch.Response response;
    try {
      response = HttpFetch.send(client(), request, deadline, MAX_BODY);
    } catch (HttpTimeoutException e) {
      return Observation.of(CheckState.CRITICAL, where + ": no answer within " + HttpFetch.seconds(timeout));
    } catch (IOException e) {
      return Observation.of(CheckState.CRITICAL, where + ": " + HttpFetch.reason(e));
    }
    switch (response.status()) {
      case 200:
        break;
      case 401:
        return Observation.of(CheckState.UNKNOWN, where + " answered 401 Unauthorized for user '" + user
            + "': wrong user or password, or the user lacks the management tag");
      case 404:
        return Observation.of(CheckState.CRITICAL, (queue == null ? "vhost '" + vhost + "'"
            : "queue '" + queue + "' in vhost '" + vhost + "'") + " not found (404 " + apiError(response.body()) + ")");
      default:
        return Observation.of(response.status() >= 500 ? CheckState.CRITICAL : CheckState.UNKNOWN,
            where + " answered " + response.status() + ": " + HttpFetch.excerpt(response.body(), EXCERPT));
    }
    if (response.truncated()) {
      return Observation.of(CheckState.UNKNOWN, where + ": answer longer than " + MAX_BODY / 1024
          + " KiB; name one queue instead of listing the vhost");
    }
    List<QueueStats> queues;
    try {
      queues = QueueStats.fromApi(queue == null ? Json.parse(response.body()) : List.of(Json.parse(response.body())));
    } catch (IllegalArgumentException e) {
      return Observation.of(CheckState.UNKNOWN, where + ": unexpected answer (" + e.getMessage() + "): "
          + HttpFetch.excerpt(response.body(), EXCERPT));
    }
    return queue == null ? allQueues(queues) : oneQueue(queues.get(0));
  }

  private Observation oneQueue(QueueStats q) {
    List<Perfdata> perfdata = q.perfdata("", messages);
    return new Observation(q.evaluate(messages, minConsumers), q.describe(minConsumers), perfdata);
  }

  private Observation allQueues(List<QueueStats> queues) {
    if (queues.isEmpty()) {
      return Observation.of(CheckState.OK, "no queues in vhost '" + vhost + "'");
    }
    CheckState state = CheckState.OK;
    List<String> problems = new ArrayList<>();
    List<Perfdata> perfdata = new ArrayList<>();
    int okCount = 0;
    for (QueueStats q : queues) {
      CheckState s = q.evaluate(messages, minConsumers);
      state = state.worse(s);
      if (s == CheckState.OK) {
        okCount++;
      } else {
        problems.add(q.describe(minConsumers));
      }
      perfdata.addAll(q.perfdata(q.name() + "_", messages));
    }
    String summary = queues.size() + " queues in vhost '" + vhost + "'";
    if (problems.isEmpty()) {
      summary += " OK, " + queues.stream().filter(QueueStats::reported).mapToLong(QueueStats::messages).sum() + " messages in all";
    } else {
      summary += ": " + String.join("; ", problems) + (okCount == 0 ? "" : "; " + okCount + " other OK");
    }
    return new Observation(state, summary, perfdata);
  }

  /** The API's {@code {"error":"Object Not Found","reason":"Not Found"}}, or the body quoted. */
  private static String apiError(String body) {
    try {
      Object error = Json.object(body).get("error");
      if (error instanceof String s) {
        return s;
      }
    } catch (IllegalArgumentException ignored) {
      // not the API's JSON: quote it below
    }
    return HttpFetch.excerpt(body, EXCERPT);
  }

  /** A path segment: "/" is %2F, as the management API wants the default vhost. */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private synchronized HttpClient client() {
    if (client == null) {
      client = HttpFetch.newClient(timeout);
    }
    return client;
  }

  static URI managementUrl(String text) {
    URI uri = HttpFetch.url("url", text);
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("option 'url': '" + text + "' (expected the API's base URL, no query)");
    }
    return uri;
  }

  static int minConsumers(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("option 'min_consumers': " + n + " (expected: 0 or more)");
    }
    return n;
  }

  /** For tests: the API address queried, which never holds the password. */
  URI endpoint() {
    return endpoint;
  }
}
