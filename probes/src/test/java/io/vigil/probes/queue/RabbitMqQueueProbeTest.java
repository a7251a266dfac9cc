package io.vigil.probes.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.Thresholds;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The RabbitMQ probe's reading of the management API's answers, served by an in-JVM HTTP server
 * with bodies in the API's format (lab recipe, section 3). The real broker: {@code RabbitMqQueueProbeIT}.
 */
class RabbitMqQueueProbeTest {

  private static final ProbeRunner RUNNER = new ProbeRunner();
  /** Raw path and query of each request, and its Authorization header. */
  private static final Map<String, String> SEEN = new ConcurrentHashMap<>();
  private static HttpServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", x -> {
      String path = x.getRequestURI().getRawPath();
      SEEN.put("path", path + "?" + x.getRequestURI().getRawQuery());
      SEEN.put("auth", String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
      switch (path) {
        case "/api/queues/%2F/celery" -> answer(x, 200,
            "{\"consumers\":0,\"messages\":201,\"messages_ready\":201,\"messages_unacknowledged\":0,\"name\":\"celery\",\"vhost\":\"/\"}");
        case "/api/queues/%2F/busy" -> answer(x, 200,
            "{\"consumers\":2,\"messages\":5,\"messages_ready\":1,\"messages_unacknowledged\":4,\"name\":\"busy\",\"vhost\":\"/\"}");
        case "/api/queues/%2F/fresh" -> answer(x, 200, "{\"name\":\"fresh\",\"vhost\":\"/\"}");
        case "/api/queues/%2F/odd" -> answer(x, 200, "{\"name\":\"odd\",\"messages\":\"many\",\"consumers\":1}");
        case "/api/queues/%2F" -> answer(x, 200, "[{\"consumers\":1,\"messages\":0,\"messages_ready\":0,"
            + "\"messages_unacknowledged\":0,\"name\":\"celery\",\"vhost\":\"/\"},{\"consumers\":0,\"messages\":7,"
            + "\"messages_ready\":7,\"messages_unacknowledged\":0,\"name\":\"reports\",\"vhost\":\"/\"}]");
        case "/api/queues/empty%20vhost" -> answer(x, 200, "[]");
        case "/api/queues/%2F/locked" -> answer(x, 401, "{\"error\":\"not_authorised\",\"reason\":\"Login failed\"}");
        case "/api/queues/%2F/html" -> answer(x, 200, "<html><body>Welcome to nginx!</body></html>");
        case "/api/queues/%2F/booting" -> answer(x, 503, "Service Unavailable");
        default -> answer(x, 404, "{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}");
      }
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    RUNNER.close();
  }

  @Test
  void messagesWaitingWithNoConsumer_isItsOwnCriticalState_whateverTheThresholds() {
    ProbeResult result = run(Map.of("queue", "celery", "warning", "1000", "critical", "5000"));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("celery: 201 waiting, 0 consumers (workers dead or not consuming)");
    assertThat(result.pluginOutput()).endsWith("| messages=201;1000;5000;0 ready=201;;;0 unacknowledged=0;;;0 consumers=0;;;0");
    assertThat(SEEN.get("path")).isEqualTo("/api/queues/%2F/celery?columns=name,vhost,messages,messages_ready,"
        + "messages_unacknowledged,consumers");
    assertThat(SEEN.get("auth")).isEqualTo("Basic Z3Vlc3Q6Z3Vlc3Q=");
  }

  @Test
  void consumersAndThresholds() {
    ProbeResult ok = run(Map.of("queue", "busy", "warning", "10"));
    assertThat(ok.state()).isEqualTo(CheckState.OK);
    assertThat(ok.summary()).isEqualTo("busy: 5 messages (1 ready, 4 unacked), 2 consumers");

    assertThat(run(Map.of("queue", "busy", "warning", "3")).state()).isEqualTo(CheckState.WARNING);
    assertThat(run(Map.of("queue", "busy", "critical", "4")).state()).isEqualTo(CheckState.CRITICAL);

    ProbeResult few = run(Map.of("queue", "busy", "min_consumers", "3"));
    assertThat(few.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(few.summary()).isEqualTo("busy: 5 messages (1 ready, 4 unacked), 2 consumers, expected at least 3");
  }

  @Test
  void everyQueueOfTheVhost_whenNoQueueIsNamed_problemsFirst() {
    ProbeResult result = run(Map.of());

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("2 queues in vhost '/': reports: 7 waiting, 0 consumers "
        + "(workers dead or not consuming); 1 other OK");
    assertThat(result.value("reports_messages")).isEqualTo(7);
    assertThat(result.value("celery_consumers")).isEqualTo(1);

    ProbeResult empty = run(Map.of("vhost", "empty vhost"));
    assertThat(empty.state()).isEqualTo(CheckState.OK);
    assertThat(empty.summary()).isEqualTo("no queues in vhost 'empty vhost'");
  }

  @Test
  void aQueueWithoutStatisticsYet_isUnknown() {
    ProbeResult result = run(Map.of("queue", "fresh"));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).isEqualTo("fresh: no statistics yet (queue just declared?)");
    assertThat(result.pluginOutput()).contains("messages=U");
  }

  @Test
  void wrongCredentials_areUnknown_andNeverEchoThePassword() {
    ProbeResult result = run(Map.of("queue", "locked", "user", "monitor", "password", "s3cret-pw"));

    assertThat(result.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(result.summary()).isEqualTo("RabbitMQ 127.0.0.1:" + port() + " answered 401 Unauthorized for user "
        + "'monitor': wrong user or password, or the user lacks the management tag");
    assertThat(result.pluginOutput()).doesNotContain("s3cret-pw");
  }

  @Test
  void anUnknownQueue_isCritical_quotingTheApisError() {
    ProbeResult result = run(Map.of("queue", "nope"));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("queue 'nope' in vhost '/' not found (404 Object Not Found)");
  }

  @Test
  void answersThatAreNotTheApisJson_areUnknown_or5xxCritical() {
    ProbeResult html = run(Map.of("queue", "html"));
    assertThat(html.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(html.summary()).isEqualTo("RabbitMQ 127.0.0.1:" + port() + ": unexpected answer (not JSON: expected a value "
        + "at offset 0, found '<'): <html><body>Welcome to nginx!</body></html>");

    ProbeResult odd = run(Map.of("queue", "odd"));
    assertThat(odd.state()).isEqualTo(CheckState.UNKNOWN);
    assertThat(odd.summary()).contains("messages of queue 'odd' is not a count: many");

    ProbeResult booting = run(Map.of("queue", "booting"));
    assertThat(booting.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(booting.summary()).endsWith("answered 503: Service Unavailable");
  }

  @Test
  void vhostsAndQueueNamesAreEncodedAsOnePathSegment() {
    RabbitMqQueueProbe probe = new RabbitMqQueueProbe("q", URI.create("http://h:15672/"), "u", "p", "/", "a b/c",
        Thresholds.NONE, 0, Duration.ofSeconds(1));

    assertThat(probe.endpoint().getRawPath()).isEqualTo("/api/queues/%2F/a%20b%2Fc");
  }

  @Test
  void badOptions_failAtCreation() {
    assertThatThrownBy(() -> create(Map.of("url", "http://h/?x=1"))).hasMessageContaining("no query");
    assertThatThrownBy(() -> create(Map.of("min_consumers", "-1"))).hasMessage("option 'min_consumers': -1 (expected: 0 or more)");
    assertThatThrownBy(() -> create(Map.of("url", "localhost:15672"))).hasMessageContaining("option 'url'");
  }

  @Test
  void queueStats_describeEachCase() {
    assertThat(new QueueStats("q", 3, QueueStats.UNREPORTED, QueueStats.UNREPORTED, 1).describe(0))
        .isEqualTo("q: 3 messages (? ready, ? unacked), 1 consumer");
    assertThat(new QueueStats("q", 0, 0, 0, 0).evaluate(Thresholds.NONE, 0)).isEqualTo(CheckState.OK);
    // unacknowledged but nothing ready: a consumer just went away with messages in flight
    assertThat(new QueueStats("q", 2, 0, 2, 0).evaluate(Thresholds.NONE, 0)).isEqualTo(CheckState.OK);
    assertThat(QueueStats.fromApi(List.of())).isEmpty();
    assertThatThrownBy(() -> QueueStats.fromApi(Map.of())).hasMessage("expected a JSON array of queues, got object");
  }

  private static ProbeResult run(Map<String, String> options) {
    try (Probe probe = create(options)) {
      return RUNNER.run(probe);
    }
  }

  private static Probe create(Map<String, String> options) {
    Map<String, String> all = new HashMap<>(Map.of("url", "http://127.0.0.1:" + port(), "timeout", "2s"));
    all.putAll(options);
    return ProbeCatalog.standard().create("rabbitmq_queue", "queue", all);
  }

  private static int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange x, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }
}
