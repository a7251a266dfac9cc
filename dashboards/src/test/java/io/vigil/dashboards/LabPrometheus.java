package io.vigil.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/** The lab's Prometheus (127.0.0.1:59090) through its HTTP API. */
final class LabPrometheus {

  private static final String BASE = "http://127.0.0.1:59090";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private LabPrometheus() {
  }

  /** The whole answer of an instant query, errors included ({@code status}, {@code error}). */
  static JsonNode query(String promql) throws IOException, InterruptedException {
    return get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  static JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** Polls {@code what} until {@code until} holds; fails with the last answer after {@code timeout}. */
  static JsonNode await(Duration timeout, String description, Call what, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = what.call();
    while (!until.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + description + "; last answer: " + last);
      }
      Thread.sleep(250);
      last = what.call();
    }
    return last;
  }

  /** A call to the API. */
  interface Call {
    JsonNode call() throws Exception;
  }
}
