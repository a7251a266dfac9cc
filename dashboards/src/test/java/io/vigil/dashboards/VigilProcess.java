package io.vigil.dashboards;

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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real Vigil started with {@code bin/vigil <mode> --config ...} (the agent alone, or planner and
 * agent with {@code run}) whose probes watch the lab, registered with the lab's Prometheus through
 * {@code lab/vigil/register} while it runs. Stopped by its PID (SIGTERM) on close.
 */
final class VigilProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final int port;
  private final String job;
  private final String name;
  private boolean registered;

  private VigilProcess(Process process, Path log, int port, String job, String name) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.job = job;
    this.name = name;
  }

  /**
   * Starts {@code bin/vigil mode} in {@code dir} with an agent that probes the lab's PostgreSQL,
   * pgpool, RabbitMQ queue, memcached, web heartbeat, the root filesystem and its mount.
   */
  static VigilProcess start(String mode, String name, Path dir) throws Exception {
    int port = freePort();
    Path config = Files.writeString(dir.resolve("vigil.yml"), """
        vigil:
          node-name: %1$s
          agent:
            host: %1$s
            roles: [database-master]
            probes:
              pg_replication: {interval: 2s, options: {port: 55432, expect: replica1}}
              postgres_port: {interval: 2s, options: {port: 55432}}
              disk_data: {interval: 2s, options: {path: /, warning: 95, critical: 98}}
              pg_replica_lag: {type: pg_replication_lag, interval: 2s, options: {role: replica, port: 55433}}
              pgpool_nodes: {type: pgpool_nodes, interval: 2s, options: {port: 59999}}
              celery_queue: {type: rabbitmq_queue, interval: 1s, options: {url: "http://127.0.0.1:55673", queue: celery}}
              cache: {type: memcached, interval: 2s, options: {port: 51211}}
              heartbeat: {type: http_heartbeat, interval: 2s, options: {url: "http://127.0.0.1:58080/services/heartbeat"}}
              root_mount: {type: mount, interval: 2s, options: {path: /, write: false}}
          planner:
            store: {type: file, path: %2$s}
        %4$s
        micronaut:
          server:
            host: 127.0.0.1
            port: %3$d
        """.formatted(name, dir.resolve("data"), port, mode.equals("run") ? selfHealingLoop(name, dir) : ""));
    Path log = dir.resolve("vigil-" + mode + ".log");
    Process process = new ProcessBuilder(List.of(Lab.get().repoRoot().resolve("bin/vigil").toString(), mode,
        "--config", config.toString())).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    VigilProcess vigil = new VigilProcess(process, log, port, mode.equals("agent") ? "vigil-agent" : "vigil-planner",
        name);
    try {
      vigil.awaitReady(Duration.ofSeconds(300)); // the first bin/vigil may build the application
    } catch (Exception | AssertionError e) {
      vigil.close();
      throw e;
    }
    return vigil;
  }

  /**
   * For a planner: a fault that comes back every few seconds and a real remediation that repairs
   * it, so the decision, budget and action-duration panels get data. The planner probes a
   * directory whose newest file must be under 3 s old; the action {@code touch}es a file in it.
   * Nothing in the lab is touched. Indented as planner keys.
   */
  private static String selfHealingLoop(String host, Path dir) throws IOException {
    Path healed = Files.createDirectories(dir.resolve("healed"));
    return """
            probes:
              healed:
                host: %1$s
                check: healed_file
                type: file_freshness
                interval: 500ms
                options: {path: "%2$s", max_age_warning: 2s, max_age_critical: 3s}
            remediations:
              touch: {type: command, options: {argv: [/usr/bin/touch, "%3$s"]}}
            policies:
              - name: keep-healed-fresh
                check: healed_file
                on: [CRITICAL, WARNING, UNKNOWN]
                action: touch
                mode: auto
                budget: {attempts: 10000, window: 1h, backoff: 1s, multiplier: 1, max_backoff: 1s}
                verify_deadline: 20s
        """.formatted(host, healed, healed.resolve("ok")).stripTrailing();
  }

  /** Has the lab's Prometheus scrape this process (job vigil-agent or vigil-planner). */
  VigilProcess register() {
    Lab.Result r = Lab.get().run(List.of(Lab.get().repoRoot().resolve("lab/vigil/register").toString(), job, name,
        "127.0.0.1:" + port), Duration.ofSeconds(10));
    if (r.exitCode() != 0) {
      throw new AssertionError("lab/vigil/register: " + r.output());
    }
    registered = true;
    return this;
  }

  /** Started as {@code bin/vigil agent}, without a planner. */
  boolean isAgentOnly() {
    return job.equals("vigil-agent");
  }

  String instance() {
    return "127.0.0.1:" + port;
  }

  /** GET /metrics with this Accept header. */
  String metrics(String accept) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + instance() + "/metrics"))
        .header("Accept", accept).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("bin/vigil exited " + process.exitValue() + ":\n" + log());
      }
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create("http://" + instance() + "/metrics"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("bin/vigil not serving /metrics within " + timeout + ":\n" + log());
  }

  /** A port below the ephemeral range (the project's rule), free now. */
  private static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      int candidate = ThreadLocalRandom.current().nextInt(20000, 30000);
      try (ServerSocket socket = new ServerSocket(candidate, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 20000..29999");
  }

  @Override
  public void close() throws Exception {
    if (registered) {
      Lab.get().run(List.of(Lab.get().repoRoot().resolve("lab/vigil/unregister").toString(), job, name),
          Duration.ofSeconds(10));
    }
    process.destroy(); // SIGTERM to the PID we started
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
