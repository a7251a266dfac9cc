package io.vigil.controlplane.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.agent.SnapshotStore;
import io.vigil.controlplane.config.VigilConfig;
import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.ProbeResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent runtime of {@code vigil agent} (no Micronaut application) against the real check_nrpe
 * and the lab: probe snapshots over default TLS (v4, v2, v3), an nrpe.cfg command, and its HTTP
 * side's health and Prometheus/OpenMetrics/gzip metrics.
 */
class AgentRuntimeIT {

  private static final Lab LAB = Lab.get();
  private static final String CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  static Path dir;
  private static AgentRuntime runtime;
  private static int nrpePort;
  private static int httpPort;
  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    LAB.up("memcached", "disk", "nrpe");
    Lab.Result made = LAB.run(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", dir.resolve("agent.key").toString(), "-out",
        dir.resolve("agent.pem").toString()), Duration.ofSeconds(60));
    assertThat(made.exitCode()).as(made.output()).isZero();
    nrpePort = freePort();
    httpPort = freePort();
    config = Files.writeString(dir.resolve("agent.yml"), """
        vigil:
          agent:
            host: runtime-it
            probes:
              memcached: {type: memcached, interval: 1s, options: {port: %d}}
              disk: {type: disk, interval: 1s, options: {path: %s/disk/mnt, warning: 45, critical: 50}}
            nrpe:
              listen: 127.0.0.1:%d
              certificate: %s
              key: %s
              nrpe_cfg: %s
        micronaut:
          server:
            host: 127.0.0.1
            port: %d
        """.formatted(LabPorts.MEMCACHED, LAB.dir(), nrpePort, dir.resolve("agent.pem"), dir.resolve("agent.key"),
        LAB.dir().resolve("nrpe/plain/nrpe.cfg"), httpPort));
    runtime = AgentRuntime.open(new VigilConfig(config.toString()).agent(), HttpListen.of(config));
    SnapshotStore store = runtime.agent().snapshots();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!store.all().keySet().containsAll(List.of("memcached", "disk")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(store.all()).containsKeys("memcached", "disk");
  }

  @AfterAll
  static void stop() {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Test
  void probes_answerCheckNrpe_overTlsV4V2AndV3_withTheirSnapshots() throws Exception {
    for (String probe : List.of("memcached", "disk")) {
      for (List<String> flags : List.of(List.<String>of(), List.of("-2"), List.of("-3"))) {
        SnapshotStore store = runtime.agent().snapshots();
        Answer answer = null;
        ProbeResult snapshot = null;
        for (int attempt = 0; attempt < 5; attempt++) { // a new snapshot may land between query and read
          ProbeResult before = store.latest(probe).orElseThrow();
          List<String> args = new ArrayList<>(flags);
          args.addAll(List.of("-c", "check_" + probe));
          answer = checkNrpe(args);
          snapshot = store.latest(probe).orElseThrow();
          if (snapshot == before) {
            break;
          }
        }
        assertThat(answer).as(probe + " " + flags)
            .isEqualTo(new Answer(snapshot.state().exitCode(), snapshot.pluginOutput()));
      }
    }
  }

  @Test
  void theVersionCheck_andAnNrpeCfgCommand_answerAsNrpeDoes() throws Exception {
    assertThat(checkNrpe(List.of())).isEqualTo(new Answer(0, "NRPE v4.1.0"));
    assertThat(checkNrpe(List.of("-c", "check_ok"))).isEqualTo(new Answer(0, "OK: all-good"));
  }

  @Test
  void health_isUp_andMetrics_comeAsPrometheusText_openMetrics_andGzip() throws Exception {
    for (String path : List.of("/health", "/health/liveness", "/health/readiness")) {
      HttpResponse<String> health = get(path, "");
      assertThat(health.statusCode()).as(path).isEqualTo(200);
      assertThat(health.body()).as(path).contains("\"status\":\"UP\"");
    }
    HttpResponse<String> text = get("/metrics", "");
    assertThat(text.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(text.body()).contains("vigil_build_info{version=", "vigil_probe_state{check=\"memcached\"}",
        "jvm_memory_used_bytes");
    HttpResponse<String> open = get("/metrics", "application/openmetrics-text; version=1.0.0");
    assertThat(open.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/openmetrics-text"));
    assertThat(open.body()).endsWith("# EOF\n");
    HttpResponse<byte[]> gzip = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).header("Accept-Encoding", "gzip")
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gzip.headers().firstValue("content-encoding")).hasValue("gzip");
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("vigil_build_info");
    }
    assertThat(get("/nothing", "").statusCode()).isEqualTo(404);
  }

  @Test
  void anHttpPortInUse_failsTheStart_withOneLine() throws Exception {
    Path other = Files.writeString(dir.resolve("busy.yml"), Files.readString(config)
        .replace("127.0.0.1:" + nrpePort, "127.0.0.1:" + freePort()));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AgentRuntime.start(other, new VigilConfig(other.toString()).agent(),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("vigil: failed to start: cannot listen for HTTP on 127.0.0.1:"
        + httpPort);
  }

  record Answer(int exitCode, String stdout) {
  }

  private static Answer checkNrpe(List<String> args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(CHECK_NRPE, "-H", "127.0.0.1", "-t", "10", "-p", String.valueOf(nrpePort)));
    argv.addAll(args);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Answer(p.exitValue(), out.endsWith("\n") ? out.substring(0, out.length() - 1) : out);
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort + path);
  }

  private static HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
    if (!accept.isEmpty()) {
      request.header("Accept", accept);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Below the ephemeral range, where the lab's ports are not. */
  private static int freePort() throws IOException {
    Random random = new Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + random.nextInt(10_000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException inUse) {
        // another
      }
    }
    throw new IOException("no free port in 20000..29999");
  }
}
