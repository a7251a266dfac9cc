package io.vigil.probes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat probe against a small in-JVM HTTP server that answers what a broken web head or
 * proxy might: the lab web head's own answers are covered by {@code HttpHeartbeatProbeIT}.
 */
class HttpHeartbeatProbeTest {

  private static final ProbeRunner RUNNER = new ProbeRunner();
  private static final List<Integer> CLIENT_PORTS = new CopyOnWriteArrayList<>();
  private static HttpServer server;

  @BeforeAll
  static void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/ok", x -> answer(x, 200, "{\"status\":\"ok\",\"failed\":[],\"checks\":{\"db:postgres\":\"ok\",\"queue\":\"ok\"}}"));
    server.createContext("/queue-down", x -> answer(x, 503, "{\"status\":\"failed\",\"failed\":[\"queue\"],"
        + "\"checks\":{\"db:postgres\":\"ok\",\"db:vigil\":\"ok\",\"queue\":\"timeout after 3.0s\"}}"));
    server.createContext("/ok-but-failed", x -> answer(x, 200, "{\"failed\":[\"db:vigil\"],\"checks\":{\"db:vigil\":\"error: gone\"}}"));
    server.createContext("/garbage", x -> answer(x, 200, "\u0000\u0001garbage\r\n<<<>>>"));
    server.createContext("/bad-gateway", x -> answer(x, 502,
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>" + "padding ".repeat(40) + "</body></html>"));
    server.createContext("/slow", x -> {
      sleep(150);
      answer(x, 200, "ok");
    });
    server.createContext("/hang", x -> {
      sleep(3000);
      answer(x, 200, "late");
    });
    server.createContext("/trickle", x -> {
      x.sendResponseHeaders(200, 0);
      try (OutputStream out = x.getResponseBody()) {
        for (int i = 0; i < 30; i++) {
          out.write("still here\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          sleep(100);
        }
      } catch (IOException closedByTheProbe) {
        // the probe gave up: expected
      }
    });
    server.createContext("/huge", x -> answer(x, 200, "{\"status\":\"ok\"}" + " ".repeat(1024 * 1024)));
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    RUNNER.close();
  }

  @Test
  void healthy200_isOk_withTimeAndStatusPerfdata_andTheChecksNamed() {
    ProbeResult result = run(Map.of("url", url("/ok")));

    assertThat(result.state()).isEqualTo(CheckState.OK);
    assertThat(result.summary()).matches("200 in \\d\\.\\d{3}s: db:postgres ok, queue ok");
    assertThat(result.value("status")).isEqualTo(200);
    assertThat(result.value("time")).isBetween(0.0, 1.0);
    assertThat(result.pluginOutput()).matches("OK: .* \\| time=[\\d.]+s;;;0 status=200");
  }

  @Test
  void a503Report_namesTheFailedDependencyAndItsReason() {
    ProbeResult result = run(Map.of("url", url("/queue-down"), "warning", "1", "critical", "3"));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("503: queue failed (timeout after 3.0s); db:postgres ok, db:vigil ok");
    assertThat(result.pluginOutput()).matches("CRITICAL: .* \\| time=[\\d.]+s;1;3;0 status=503");
  }

  @Test
  void expectedStatus_canBeAnotherCode() {
    assertThat(run(Map.of("url", url("/queue-down"), "expect_status", "503")).state()).isEqualTo(CheckState.OK);
    ProbeResult wrong = run(Map.of("url", url("/ok"), "expect_status", "204"));
    assertThat(wrong.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(wrong.summary()).isEqualTo("200: db:postgres ok, queue ok (expected 204)");
  }

  @Test
  void a200WhoseReportNamesFailures_isCritical() {
    ProbeResult result = run(Map.of("url", url("/ok-but-failed")));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("200 but the report names failed checks: db:vigil failed (error: gone)");
  }

  @Test
  void a200WithAGarbageBody_failingBodyMatch_isCriticalNamingTheMismatch() {
    ProbeResult result = run(Map.of("url", url("/garbage"), "body_match", "\"status\":\"ok\""));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("200 but the body does not match '\"status\":\"ok\"': garbage <<<>>>");
    assertThat(run(Map.of("url", url("/ok"), "body_match", "\"status\":\"ok\"")).state()).isEqualTo(CheckState.OK);
  }

  @Test
  void aNonJson5xx_isSummarisedAndCut() {
    ProbeResult result = run(Map.of("url", url("/bad-gateway")));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).startsWith("502: <html> <head><title>502 Bad Gateway</title></head> <body>padding")
        .endsWith("...").hasSizeLessThan(120);
  }

  @Test
  void latencyThresholds_decideTheStateOfAnExpectedAnswer() {
    ProbeResult result = run(Map.of("url", url("/slow"), "warning", "0.1", "critical", "5"));

    assertThat(result.state()).isEqualTo(CheckState.WARNING);
    assertThat(result.value("time")).isGreaterThanOrEqualTo(0.15);
  }

  @Test
  void noAnswerWithinTheTimeout_isCritical_andReturnsAtTheDeadline() {
    ProbeResult result = run(Map.of("url", url("/hang"), "timeout", "500ms"));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("GET " + url("/hang") + ": no complete answer within 0.5s");
    assertThat(result.took()).isLessThan(Duration.ofMillis(900));
  }

  @Test
  void aBodyTricklingPastTheDeadline_isCritical_notAHang() {
    // the body is cut by a watchdog that looks every 50 ms: 1 s leaves it 200 ms before the
    // runner's own deadline would answer "timed out after 1s" instead (a CI flake at 500 ms)
    ProbeResult result = run(Map.of("url", url("/trickle"), "timeout", "1s"));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).endsWith("no complete answer within 1.0s");
    assertThat(result.took()).isLessThan(Duration.ofMillis(1400));
  }

  @Test
  void aRefusedConnection_isCritical() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    ProbeResult result = run(Map.of("url", "http://127.0.0.1:" + closed + "/services/heartbeat", "timeout", "2s"));

    assertThat(result.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(result.summary()).isEqualTo("GET http://127.0.0.1:" + closed + "/services/heartbeat: Connection refused");
    assertThat(result.pluginOutput()).contains("status=U");
  }

  @Test
  void aHugeBody_isKeptOnlyInPart_andTheConnectionIsReused() {
    try (Probe probe = create(Map.of("url", url("/huge"), "body_match", "status"))) {
      CLIENT_PORTS.clear();
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
      assertThat(RUNNER.run(probe).state()).isEqualTo(CheckState.OK);
    }
    assertThat(CLIENT_PORTS).hasSize(3);
    assertThat(CLIENT_PORTS.stream().distinct().count()).as("one keep-alive connection").isEqualTo(1);
  }

  @Test
  void badOptions_failAtCreation_namingTheOption() {
    assertThatThrownBy(() -> create(Map.of("url", "ftp://host/x"))).hasMessageContaining("option 'url'")
        .hasMessageContaining("http:// or https://");
    assertThatThrownBy(() -> create(Map.of("url", "http://exa mple"))).hasMessageStartingWith("option 'url': Illegal character");
    assertThatThrownBy(() -> create(Map.of("url", "http:///path"))).hasMessageEndingWith("has no host");
    assertThatThrownBy(() -> create(Map.of("url", "http://u:secret@h/"))).hasMessageNotContaining("secret");
    assertThatThrownBy(() -> create(Map.of("url", url("/ok"), "body_match", "(["))).hasMessageStartingWith("option 'body_match'");
    assertThatThrownBy(() -> create(Map.of("url", url("/ok"), "expect_status", "42"))).hasMessage("option 'expect_status': 42 (expected: 100..599)");
    assertThatThrownBy(() -> create(Map.of("url", url("/ok"), "warning", "1:x"))).hasMessageStartingWith("warning threshold");
    assertThatThrownBy(() -> create(Map.of("url", url("/ok"), "expect", "200"))).hasMessageStartingWith("unknown option 'expect'");
    assertThatThrownBy(() -> create(Map.of())).hasMessage("option 'url' is required");
  }

  private static ProbeResult run(Map<String, String> options) {
    try (Probe probe = create(options)) {
      return RUNNER.run(probe);
    }
  }

  private static Probe create(Map<String, String> options) {
    return ProbeCatalog.standard().create("http_heartbeat", "heartbeat", new HashMap<>(options));
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static void answer(HttpExchange x, int code, String body) throws IOException {
    CLIENT_PORTS.add(x.getRemoteAddress().getPort());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
