package io.vigil.benchmarks;

import io.vigil.lab.Lab;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The agent as an operator runs it, {@code bin/vigil agent --config FILE} with bin/vigil's own JVM
 * flags (and its class data sharing archive), answering default TLS check_nrpe from probe
 * snapshots and serving {@code /metrics}: the time from process start to its first NRPE answer over
 * several starts, and its resident memory after a load of checks and scrapes. A first start, not
 * counted, builds the application if needed and records the CDS archive.
 */
final class AgentStarts {

  /** What {@link #measure} found. */
  record Result(List<Long> firstAnswerMillis, long rssKib, long peakKib, int checks, String javaFlags) {
  }

  private AgentStarts() {
  }

  static Result measure(Path dir, Path certificate, Path key, String checkNrpe, int starts) throws Exception {
    int nrpePort = freePort();
    int httpPort = freePort();
    Path config = Files.writeString(dir.resolve("agent.yml"), """
        vigil:
          agent:
            host: bench-agent
            probes:
              disk_root: {type: disk, interval: 1s, options: {path: /, warning: 99, critical: 100}}
              tcp_self: {type: tcp, interval: 1s, options: {port: %d}}
            nrpe:
              listen: 127.0.0.1:%d
              tls: tls
              certificate: %s
              key: %s
        micronaut:
          server:
            host: 127.0.0.1
            port: %d
        """.formatted(httpPort, nrpePort, certificate, key, httpPort));
    List<String> version = List.of(checkNrpe, "-H", "127.0.0.1", "-p", Integer.toString(nrpePort));
    stop(start(config, dir), version, 600); // builds if needed; its exit writes the CDS archive
    List<Long> first = new ArrayList<>();
    for (int i = 0; i < starts; i++) {
      Process agent = start(config, dir);
      long started = System.nanoTime();
      awaitAnswer(agent, version, 30);
      first.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      if (i < starts - 1) {
        stop(agent, version, 10);
        continue;
      }
      Thread.sleep(2_000); // the probes' first runs start within their interval (jitter)
      int checks = load(List.of(checkNrpe, "-H", "127.0.0.1", "-p", Integer.toString(nrpePort), "-c", "check_disk_root"));
      HttpClient http = HttpClient.newHttpClient();
      for (int s = 0; s < 5; s++) {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
            .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.discarding());
      }
      Thread.sleep(3_000);
      long[] resident = resident(agent.pid());
      String flags = agent.info().arguments().map(a -> String.join(" ", a)).orElse("?")
          .replaceAll(" -cp .*", "");
      stop(agent, version, 10);
      return new Result(first, resident[0], resident[1], checks, flags);
    }
    throw new IllegalArgumentException("starts must be at least 1");
  }

  private static Process start(Path config, Path dir) throws IOException {
    Path vigil = Lab.get().repoRoot().resolve("bin/vigil");
    return new ProcessBuilder(vigil.toString(), "agent", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
  }

  private static void awaitAnswer(Process agent, List<String> version, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!agent.isAlive()) {
        throw new IllegalStateException("bin/vigil agent exited " + agent.exitValue());
      }
      if (run(version).startsWith("NRPE v")) {
        return;
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("bin/vigil agent did not answer NRPE within " + seconds + " s");
  }

  /** SIGTERM to this PID (bin/vigil execs java), as a service manager stops it. */
  private static void stop(Process agent, List<String> version, int answerSeconds) throws Exception {
    try {
      awaitAnswer(agent, version, answerSeconds);
    } finally {
      agent.destroy();
      if (!agent.waitFor(30, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
    }
  }

  /** 400 TLS checks from 8 parallel check_nrpe clients. */
  private static int load(List<String> argv) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        done.add(clients.submit(() -> {
          int ok = 0;
          for (int i = 0; i < 50; i++) {
            ok += run(argv).startsWith("OK") ? 1 : 0;
          }
          return ok;
        }));
      }
      int ok = 0;
      for (Future<Integer> f : done) {
        ok += f.get();
      }
      return ok;
    } finally {
      clients.shutdownNow();
    }
  }

  private static String run(List<String> argv) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor();
    return output;
  }

  private static long[] resident(long pid) throws IOException {
    long rss = -1;
    long peak = -1;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      } else if (line.startsWith("VmHWM:")) {
        peak = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new long[] {rss, peak};
  }

  /** A free port below the ephemeral range (32768+), where the lab's and clients' ports are not. */
  private static int freePort() throws IOException {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + random.nextInt(10_000);
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException inUse) {
        // try another
      }
    }
    throw new IOException("no free port in 20000..29999");
  }
}
