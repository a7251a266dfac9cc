package io.vigil.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

@MicronautTest
class HealthAndMetricsEndpointsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Inject
  EmbeddedServer server;

  @Test
  void healthLivenessAndReadiness_answerUp() throws Exception {
    for (String path : new String[] {"/health", "/health/liveness", "/health/readiness"}) {
      HttpResponse<String> response = get(path, "application/json");
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.body()).as(path).contains("\"status\":\"UP\"");
    }
  }

  @Test
  void metrics_arePrometheusText_byDefault_withVigilAndJvmMetricsInOneRegistry() throws Exception {
    HttpResponse<String> response = get("/metrics", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE vigil_build_info gauge")
        .containsPattern("vigil_build_info\\{version=\"[^\"]+\"} 1")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void metrics_areOpenMetrics_whenTheScraperAsksForIt() throws Exception {
    HttpResponse<String> response = get("/metrics", "application/openmetrics-text; version=1.0.0; charset=utf-8");

    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/openmetrics-text"));
    assertThat(response.body()).contains("# TYPE vigil_build info").endsWith("# EOF\n");
  }

  @Test
  void metrics_areGzipped_whenTheScraperAcceptsIt() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(uri("/metrics")).header("Accept-Encoding", "gzip").build();
    HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gunzip(response.body())).contains("vigil_build_info");
  }

  @Test
  void micronautsJsonMetricsEndpoint_isNotExposed() throws Exception {
    assertThat(get("/prometheus", null).statusCode()).isEqualTo(404);
    assertThat(get("/metrics", "application/json").body()).doesNotStartWith("{");
  }

  private HttpResponse<String> get(String path, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(server.getURL() + path);
  }

  private static String gunzip(byte[] body) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
