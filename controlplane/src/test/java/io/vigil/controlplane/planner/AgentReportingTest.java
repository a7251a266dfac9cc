package io.vigil.controlplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.serde.ObjectMapper;
import io.vigil.controlplane.agent.ReportSender;
import io.vigil.probes.CheckState;
import io.vigil.probes.ProbeResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** An agent's sender against a real planner HTTP endpoint that goes away and comes back. */
class AgentReportingTest {

  private static final String TOKEN = "test-token-db1-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ApplicationContext planner(int port) {
    return ApplicationContext.run(EmbeddedServer.class, Map.of(
        "micronaut.server.port", port,
        "vigil.planner.enabled", "true",
        "vigil.config.file", Path.of("src/test/resources/planner-test.yml").toAbsolutePath().toString()))
        .getApplicationContext();
  }

  private static HttpResponse<String> post(int port, String auth, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/reports"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void plannerRefusesStrangersAndGarbage_andAcceptsAGoodReport() throws Exception {
    int port = freePort();
    try (ApplicationContext planner = planner(port)) {
      String report = "{\"agent\":\"db1\",\"sentAt\":\"" + Instant.now() + "\",\"results\":[{\"probe\":\"disk_root\","
          + "\"state\":\"OK\",\"summary\":\"fine\",\"perfdata\":[],\"at\":\"" + Instant.now() + "\",\"tookMillis\":1}]}";

      assertThat(post(port, "Bearer wrong-token-000000000", report).statusCode()).isEqualTo(401);
      assertThat(post(port, null, report).statusCode()).isEqualTo(401);
      assertThat(post(port, "Bearer " + TOKEN, report.replace("db1", "db9")).statusCode()).isEqualTo(401);
      HttpResponse<String> garbage = post(port, "Bearer " + TOKEN, "{\"agent\": [not json");
      assertThat(garbage.statusCode()).isEqualTo(400);
      assertThat(garbage.body()).startsWith("{\"error\":\"malformed report: ");
      HttpResponse<String> ok = post(port, "Bearer " + TOKEN, report);
      assertThat(ok.statusCode()).isEqualTo(202);
      assertThat(ok.body()).contains("\"accepted\":1");
      assertThat(planner.getBean(ReportController.class).unauthorized()).isEqualTo(3);
      assertThat(planner.getBean(ReportIngest.class).latest()).containsKey("db1/disk_root");
    }
  }

  @Test
  void senderBuffersWhileThePlannerIsAway_andDeliversWhenItReturns() throws Exception {
    int port = freePort();
    ObjectMapper json = ObjectMapper.getDefault();
    ReportSender.ReportSettings settings = new ReportSender.ReportSettings(
        URI.create("http://127.0.0.1:" + port + "/api/v1/reports"), TOKEN, 100, 10, Duration.ofMillis(50),
        Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(400));
    try (ReportSender sender = new ReportSender(settings, "db1", HttpClient.newHttpClient(), json, Clock.systemUTC())) {
      sender.start();
      for (int i = 0; i < 150; i++) {
        sender.offer("disk_root", "disk", new ProbeResult(CheckState.OK, "run " + i, List.of(), Instant.now(), Duration.ZERO));
      }
      awaitTrue(() -> sender.failures() >= 2, "sender retries while the planner is down");
      assertThat(sender.buffered()).as("bounded buffer").isEqualTo(100);
      assertThat(sender.dropped()).as("oldest dropped and counted").isEqualTo(50);
      assertThat(sender.sent()).isZero();

      try (ApplicationContext planner = planner(port)) {
        awaitTrue(() -> sender.buffered() == 0, "the backlog is delivered once the planner is back");
        assertThat(sender.sent()).isEqualTo(100);
        assertThat(planner.getBean(ReportIngest.class).latest().get("db1/disk_root").summary()).isEqualTo("run 149");
      }
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 20s: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
