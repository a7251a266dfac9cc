package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The web head's heartbeat and cache-flush contract (seed runbook, "Troubleshooting" and
 * "Maintenance") against the real pgpool, RabbitMQ, Celery worker and memcached.
 */
class WebheadIT {

  private static final Lab LAB = Lab.get();
  /** The web head bounds its checks at 2 s (db) and 3 s (queue); an answer must come well before. */
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(6);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void labUp() {
    LAB.up("webhead");
  }

  @AfterEach
  void heal() {
    LAB.heal("broker-stop-app").orThrow();
    LAB.heal("worker-kill").orThrow();
    LAB.heal("webhead-kill").orThrow();
    LAB.heal("memcached-stop").orThrow();
  }

  @Test
  void heartbeatIs200_whenEveryDependencyWorks() throws Exception {
    Answer answer = get("/services/heartbeat");

    assertThat(answer.code()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body())
        .contains("\"status\":\"ok\"", "\"failed\":[]")
        .contains("\"db:postgres\":\"ok\"", "\"db:vigil\":\"ok\"", "\"queue\":\"ok\"");
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(LAB.status().output()).containsPattern("webhead\\s+up\\s+pid \\d+ port 58080 heartbeat 200");
  }

  @Test
  void heartbeatIs503NamingTheQueue_whenTheBrokerAppIsStopped() throws Exception {
    LAB.fault("broker-stop-app").orThrow();

    Answer answer = get("/services/heartbeat");
    assertThat(answer.code()).as(answer.body()).isEqualTo(503);
    assertThat(answer.body())
        .contains("\"status\":\"failed\"", "\"failed\":[\"queue\"]", "\"db:postgres\":\"ok\"")
        .containsPattern("\"queue\":\"error: [^\"]*Connection refused");
    assertThat(answer.took()).isLessThan(ANSWER_BOUND);
    assertThat(LAB.status().output()).containsPattern("webhead\\s+up\\s+.*heartbeat 503");

    LAB.heal("broker-stop-app").orThrow();
    assertThat(get("/services/heartbeat").code()).isEqualTo(200);
  }

  @Test
  void heartbeatIs503NamingTheQueue_whenTheWorkerIsKilled() throws Exception {
    LAB.fault("worker-kill").orThrow();

    Answer answer = get("/services/heartbeat");
    assertThat(answer.code()).as(answer.body()).isEqualTo(503);
    assertThat(answer.body()).contains("\"failed\":[\"queue\"]", "\"queue\":\"timeout after 3.0s\"");
    assertThat(answer.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(3)).isLessThan(ANSWER_BOUND);

    LAB.heal("worker-kill").orThrow();
    assertThat(get("/services/heartbeat").code()).isEqualTo(200);
  }

  @Test
  void heartbeatIs503NamingTheDatabases_whenPgpoolIsDown() throws Exception {
    try {
      LAB.run(List.of(LAB.repoRoot().resolve("lab/down").toString(), "pgpool"), Duration.ofMinutes(1)).orThrow();

      Answer answer = get("/services/heartbeat");
      assertThat(answer.code()).as(answer.body()).isEqualTo(503);
      assertThat(answer.body())
          .contains("\"failed\":[\"db:postgres\",\"db:vigil\"]", "\"queue\":\"ok\"")
          .containsPattern("\"db:vigil\":\"error: [^\"]*Connection refused");
      assertThat(answer.took()).isLessThan(ANSWER_BOUND);
    } finally {
      LAB.up("pgpool");
    }
    assertThat(get("/services/heartbeat").code()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"all", "session", "data"})
  void flushEmptiesMemcached(String scope) throws Exception {
    memcached("set vigil-it-" + scope + " 0 0 5\r\nvalue\r\n", "STORED");
    assertThat(stat("curr_items")).isGreaterThanOrEqualTo(1);
    long flushesBefore = stat("cmd_flush");

    Answer answer = send("DELETE", "/services/flush/" + scope);

    assertThat(answer.code()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).contains("\"status\":\"ok\"", "\"scope\":\"" + scope + "\"", "\"answer\":\"OK\"");
    assertThat(stat("cmd_flush")).isEqualTo(flushesBefore + 1);
    assertThat(memcached("get vigil-it-" + scope + "\r\n", "END")).as("a miss at once").isEqualTo("END");
    // flush_all invalidates at once; curr_items drops when memcached's LRU crawler reclaims the
    // flushed items, about 1 s later
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (stat("curr_items") > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(stat("curr_items")).isZero();
  }

  @Test
  void flushIs503WithJson_whenMemcachedIsDown() throws Exception {
    LAB.fault("memcached-stop").orThrow();

    Answer answer = send("DELETE", "/services/flush/all");
    assertThat(answer.code()).as(answer.body()).isEqualTo(503);
    assertThat(answer.body()).contains("\"status\":\"failed\"", "\"scope\":\"all\"", "Connection refused");
    assertThat(answer.took()).isLessThan(ANSWER_BOUND);

    LAB.heal("memcached-stop").orThrow();
    assertThat(send("DELETE", "/services/flush/all").code()).isEqualTo(200);
  }

  @Test
  void answers404And405WithJson_forOtherRequests() throws Exception {
    Answer unknown = get("/services/nothing");
    assertThat(unknown.code()).isEqualTo(404);
    assertThat(unknown.body()).contains("\"error\":\"not found\"");

    Answer getFlush = get("/services/flush/all");
    assertThat(getFlush.code()).isEqualTo(405);
    assertThat(getFlush.allow()).isEqualTo("DELETE");

    Answer deleteHeartbeat = send("DELETE", "/services/heartbeat");
    assertThat(deleteHeartbeat.code()).isEqualTo(405);
    assertThat(deleteHeartbeat.allow()).contains("GET");

    assertThat(send("DELETE", "/services/flush/everything").code()).isEqualTo(404);
  }

  @Test
  void webheadKill_closesThePort_andHealStartsItAgain() throws Exception {
    LAB.fault("webhead-kill").orThrow();
    assertThat(LAB.status().output()).containsPattern("webhead\\s+FAILING");

    LAB.heal("webhead-kill").orThrow();
    assertThat(get("/services/heartbeat").code()).isEqualTo(200);
  }

  record Answer(int code, String body, String contentType, String allow, Duration took) {
  }

  private static Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path);
  }

  private static Answer send(String method, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + LabPorts.WEBHEAD + path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(15))
        .build();
    long start = System.nanoTime();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Answer(response.statusCode(), response.body(),
        response.headers().firstValue("Content-Type").orElse(""),
        response.headers().firstValue("Allow").orElse(""), took);
  }

  /** Sends one memcached text command over a raw socket and returns its answer up to the line {@code last}. */
  private static String memcached(String command, String last) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LabPorts.HOST, LabPorts.MEMCACHED), 2000);
      s.setSoTimeout(2000);
      OutputStream out = s.getOutputStream();
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      StringBuilder answer = new StringBuilder();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        answer.append(line);
        if (line.equals(last) || line.startsWith("ERROR") || line.startsWith("SERVER_ERROR")) {
          break;
        }
        answer.append('\n');
      }
      assertThat(answer.toString()).as("memcached answer to %s", command.strip()).endsWith(last);
      return answer.toString();
    }
  }

  /** One counter of memcached's {@code stats}. */
  private static long stat(String name) throws IOException {
    String prefix = "STAT " + name + " ";
    for (String line : memcached("stats\r\n", "END").split("\n")) {
      if (line.startsWith(prefix)) {
        return Long.parseLong(line.substring(prefix.length()).trim());
      }
    }
    throw new IllegalStateException("memcached stats without " + name);
  }
}
