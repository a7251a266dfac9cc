package io.vigil.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real launcher, {@code bin/vigil run}, as a newcomer would, and talks to it over HTTP. */
class VigilLauncherIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @TempDir
  Path dir;

  @Test
  void binVigilRun_servesHealthAndMetrics_fromTheGivenConfig_andStopsOnSigterm() throws Exception {
    int port = freePort();
    Path config = Files.writeString(dir.resolve("vigil.yml"), """
        vigil:
          node-name: launcher-it
        micronaut:
          server:
            host: 127.0.0.1
            port: %d
        """.formatted(port));
    Path log = dir.resolve("vigil.log");
    Process vigil = new ProcessBuilder(List.of(
        Lab.get().repoRoot().resolve("bin/vigil").toString(), "run", "--config", config.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long started = System.nanoTime();
      HttpResponse<String> ready = awaitReady(port, Duration.ofSeconds(60), vigil, log);
      long readyMillis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf("bin/vigil run: ready in %d ms%n", readyMillis);

      assertThat(ready.statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(port, "/metrics");
      assertThat(metrics.body()).contains("vigil_build_info{version=\"0.1.0\"} 1");
      assertThat(Files.readString(log)).contains("serving on http://127.0.0.1:" + port, "config file:" + config);
    } finally {
      vigil.destroy(); // SIGTERM to the PID we started
      assertThat(vigil.waitFor(20, TimeUnit.SECONDS)).as("vigil stops on SIGTERM").isTrue();
    }
  }

  @Test
  void binVigilRun_refusesABadConfig_withFileAndLine_andExits2() throws Exception {
    Path config = Files.writeString(dir.resolve("bad.yml"), "vigil:\n  node-name: x\nplanr:\n  a: 1\n");
    Lab.Result result = Lab.get().run(List.of(
        Lab.get().repoRoot().resolve("bin/vigil").toString(), "run", "--config", config.toString()),
        Duration.ofSeconds(60));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.output()).contains("vigil: bad configuration: " + config + ":3:1: unknown section 'planr'");
  }

  private static HttpResponse<String> awaitReady(int port, Duration timeout, Process vigil, Path log) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!vigil.isAlive()) {
        throw new AssertionError("bin/vigil exited " + vigil.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> response = get(port, "/health/readiness");
        if (response.statusCode() == 200) {
          return response;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not ready within " + timeout + ":\n" + Files.readString(log));
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
