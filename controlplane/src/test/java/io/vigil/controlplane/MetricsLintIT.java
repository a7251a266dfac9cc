package io.vigil.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.annotation.Property;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real {@code promtool check metrics} (Debian's prometheus) finds nothing to say about /metrics. */
@MicronautTest
@Property(name = "vigil.agent.enabled", value = "true")
@Property(name = "vigil.planner.enabled", value = "true")
class MetricsLintIT {

  @Inject
  EmbeddedServer server;

  @Test
  void promtoolCheckMetrics_reportsNoProblem() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    // one request first, so HTTP server timers exist too
    http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    String metrics = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();

    Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true).start();
    promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
    promtool.getOutputStream().close();
    String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(report).isEmpty();
    assertThat(promtool.exitValue()).isZero();
    assertThat(metrics).contains("http_server_requests_seconds_count").contains("vigil_build_info");
  }
}
