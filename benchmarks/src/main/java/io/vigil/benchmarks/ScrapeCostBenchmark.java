package io.vigil.benchmarks;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Scrape cost per sample of Vigil's {@code /metrics} against Debian's prometheus-node-exporter (the
 * lab's, on 127.0.0.1:59100) on the same machine, side by side in one run: the server process's CPU
 * time (utime + stime from /proc) per scrape, divided by the samples each scrape returns. Goal:
 * Vigil at most 0.25x node_exporter's cost per sample (issue 7).
 *
 * <p>Vigil's side is {@link ScrapeCostServer}: the agent's metrics over a fleet of probe snapshots
 * (at least 1,000 series) and the JVM meters, in a JVM with the agent's flags. Scrapes are
 * sequential, text format 0.0.4, no compression, as one Prometheus would do them without gzip.
 *
 * <p>Usage: {@code bin/bench scrape-cost [scrapes] [hosts]} (default 2000 scrapes, 40 hosts).
 */
public final class ScrapeCostBenchmark {

  private static final String ACCEPT = "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
  private static final int VIGIL_PORT = 19471;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private ScrapeCostBenchmark() {
  }

  /** One side's figures. */
  record Cost(String name, int samples, int bytes, double cpuMillisPerScrape) {
    double microsPerSample() {
      return cpuMillisPerScrape * 1000 / samples;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-14s %6d samples %8d bytes  %.3f ms CPU/scrape  %.3f us CPU/sample", name,
          samples, bytes, cpuMillisPerScrape, microsPerSample());
    }
  }

  public static void main(String[] args) throws Exception {
    int scrapes = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    Lab.get().up("prometheus");
    long nodePid = Long.parseLong(Files.readString(Lab.get().dir().resolve("prometheus/node_exporter.pid")).strip());

    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    argv.addAll(List.of("-Xms32m", "-Xmx64m", "-Xss512k", "-XX:MaxMetaspaceSize=64m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ScrapeCostServer.class.getName(),
        Integer.toString(VIGIL_PORT), Integer.toString(hosts)));
    Process vigil = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(vigil.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      if (!"LISTENING".equals(line)) {
        throw new IllegalStateException("the Vigil metrics server did not start: " + line);
      }
      String vigilUrl = "http://127.0.0.1:" + VIGIL_PORT + "/metrics";
      String nodeUrl = "http://127.0.0.1:" + LabPorts.NODE_EXPORTER + "/metrics";
      // warm-up: the JIT for Vigil, page cache and /proc for node_exporter
      measure("warm-up", vigilUrl, vigil.pid(), Math.max(200, scrapes / 4));
      measure("warm-up", nodeUrl, nodePid, 50);
      // interleaved rounds, so that both see the same machine load
      double vigilCpu = 0;
      double nodeCpu = 0;
      Cost v = null;
      Cost n = null;
      int rounds = 4;
      for (int r = 0; r < rounds; r++) {
        v = measure("vigil", vigilUrl, vigil.pid(), scrapes / rounds);
        n = measure("node_exporter", nodeUrl, nodePid, scrapes / rounds);
        vigilCpu += v.cpuMillisPerScrape() / rounds;
        nodeCpu += n.cpuMillisPerScrape() / rounds;
      }
      Cost vigilCost = new Cost("vigil", v.samples(), v.bytes(), vigilCpu);
      Cost nodeCost = new Cost("node_exporter", n.samples(), n.bytes(), nodeCpu);
      System.out.println("scrape cost, " + scrapes + " scrapes each, " + hosts + " hosts of probes; " + Bench.machine());
      System.out.println(vigilCost);
      System.out.println(nodeCost);
      double ratio = vigilCost.microsPerSample() / nodeCost.microsPerSample();
      System.out.printf(Locale.ROOT, "vigil / node_exporter CPU per sample: %.3fx (goal <= 0.25x: %s)%n", ratio,
          ratio <= 0.25 ? "met" : "NOT met");
    } finally {
      vigil.getOutputStream().close();
      if (!vigil.waitFor(10, TimeUnit.SECONDS)) {
        vigil.destroyForcibly();
      }
    }
  }

  private static Cost measure(String name, String url, long pid, int scrapes) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", ACCEPT)
        .timeout(Duration.ofSeconds(10)).build();
    String body = "";
    CpuMeter.Reading before = CpuMeter.read(pid);
    for (int i = 0; i < scrapes; i++) {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(url + " answered " + response.statusCode());
      }
      body = response.body();
    }
    CpuMeter.Reading used = CpuMeter.read(pid).minus(before);
    int samples = (int) body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    return new Cost(name, samples, body.getBytes(StandardCharsets.UTF_8).length, used.serverMillis() / scrapes);
  }
}
