package io.vigil.benchmarks;

import com.sun.net.httpserver.HttpServer;
import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.CheckState;
import io.vigil.probes.ProbeResult;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.Thresholds;
import io.vigil.probes.http.HttpHeartbeatProbe;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.LongStream;

/**
 * {@code bin/bench heartbeat-probe [rounds]}: the cost of one heartbeat probe run on a keep-alive
 * connection as a ratio of one bare keep-alive GET of the same URL with the same
 * {@link HttpClient}, measured side by side (interleaved rounds) in one JVM. Goal: at most 1.5x.
 *
 * <p>Against a tiny HTTP/1.1 server started in this JVM, which answers a heartbeat report at once,
 * so the ratio is the probe's own overhead (request building, deadline, bounded body, report
 * parsing, and for the runner the hand-off to a probe thread); then against the lab's real web
 * head, whose answer includes two database queries and a Celery round trip.
 */
public final class HeartbeatProbeBenchmark {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final String REPORT =
      "{\"status\":\"ok\",\"failed\":[],\"checks\":{\"db:postgres\":\"ok\",\"db:vigil\":\"ok\",\"queue\":\"ok\"}}\n";

  private HeartbeatProbeBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    System.out.println("machine: " + Bench.machine());
    // The JDK server writes headers and body in separate segments without TCP_NODELAY: Nagle plus
    // the client's delayed ACK then cost ~44 ms per answer (measured here), hiding what we measure.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/services/heartbeat", exchange -> {
      byte[] body = REPORT.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try (ProbeRunner runner = new ProbeRunner()) {
      URI local = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/services/heartbeat");
      System.out.println("\n== in-JVM HTTP/1.1 server, " + local);
      compare(runner, local, rounds, 500, 3_000);

      Lab.get().up("webhead");
      URI webhead = URI.create("http://127.0.0.1:" + LabPorts.WEBHEAD + "/services/heartbeat");
      System.out.println("\n== lab web head (HTTP/1.0: it closes the connection after each answer), " + webhead);
      compare(runner, webhead, Math.max(2, rounds / 4), 25, 25);
    } finally {
      server.stop(0);
    }
  }

  /** Interleaves rounds of bare GETs, probe.check() and runner.run(probe) on one client. */
  private static void compare(ProbeRunner runner, URI url, int rounds, int perRound, int warmup) throws Exception {
    HttpClient client = HttpHeartbeatProbe.newClient(TIMEOUT);
    HttpHeartbeatProbe probe = new HttpHeartbeatProbe("bench", url, 200, null, Thresholds.NONE, TIMEOUT, client);
    HttpRequest bare = HttpRequest.newBuilder(url).GET().timeout(TIMEOUT).build();
    Bench.Op get = () -> {
      HttpResponse<String> response = client.send(bare, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("bare GET answered " + response.statusCode());
      }
    };
    Bench.Op check = () -> expectOk(probe.check().state(), "check()");
    Bench.Op run = () -> {
      ProbeResult result = runner.run(probe);
      expectOk(result.state(), result.pluginOutput());
    };
    Bench.time(warmup, 0, get);
    Bench.time(warmup, 0, check);
    Bench.time(warmup, 0, run);
    long[] gets = new long[0];
    long[] checks = new long[0];
    long[] runs = new long[0];
    for (int r = 0; r < rounds; r++) {
      // rotate the order so no kind always follows another
      for (int k = 0; k < 3; k++) {
        switch ((r + k) % 3) {
          case 0 -> gets = concat(gets, Bench.time(0, perRound, get).nanos());
          case 1 -> checks = concat(checks, Bench.time(0, perRound, check).nanos());
          default -> runs = concat(runs, Bench.time(0, perRound, run).nanos());
        }
      }
    }
    Bench.Sample g = new Bench.Sample(gets);
    Bench.Sample c = new Bench.Sample(checks);
    Bench.Sample p = new Bench.Sample(runs);
    System.out.println("bare keep-alive GET      " + g);
    System.out.println("probe.check()            " + c);
    System.out.println("ProbeRunner.run(probe)   " + p);
    System.out.printf(Locale.ROOT, "ratio check()/GET  mean %.2fx  p50 %.2fx%n", c.meanMicros() / g.meanMicros(),
        c.percentileMicros(50) / g.percentileMicros(50));
    System.out.printf(Locale.ROOT, "ratio run()/GET    mean %.2fx  p50 %.2fx   (goal: at most 1.5x)%n",
        p.meanMicros() / g.meanMicros(), p.percentileMicros(50) / g.percentileMicros(50));
    System.out.println("last result: " + runner.run(probe).pluginOutput());
  }

  private static void expectOk(CheckState state, String what) {
    if (state != CheckState.OK) {
      throw new IllegalStateException("probe not OK: " + what);
    }
  }

  private static long[] concat(long[] a, long[] b) {
    return LongStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
  }
}
