package io.vigil.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link NrpeServerMain} in a JVM of its own with explicit memory flags, as an operator would run
 * the agent: its PID, its resident memory from /proc, and a clean stop (stdin closed, then the PID
 * killed if it lingers; never by name).
 */
final class NrpeServerProcess implements AutoCloseable {

  /**
   * The server JVM's flags. C1 only ({@code TieredStopAtLevel=1}): C2's compiler arenas and code
   * cost about 30 MB of resident memory, and measured here C2 did not even make handshakes cheaper
   * within minutes on 2 busy cores. TLS mode handshakes in BoringSSL, so C1 only slows JSSE, the
   * fallback: there, without C2's BigInteger intrinsics, an RSA-2048 signature costs about 7 ms
   * against 0.5 ms for ECDSA P-256. Unpooled Netty buffers: one short connection per query.
   */
  static final List<String> JVM_FLAGS = List.of("-Xms16m", "-Xmx24m", "-Xss256k", "-XX:MaxMetaspaceSize=32m",
      "-XX:ReservedCodeCacheSize=16m", "-XX:MaxDirectMemorySize=16m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-Dio.netty.allocator.type=unpooled");

  private final Process process;
  private final CompletableFuture<Long> listening = new CompletableFuture<>();
  private final StringBuffer printed = new StringBuffer();
  private final Thread reader;
  final long startedNanos;

  private NrpeServerProcess(Process process, long startedNanos) {
    this.process = process;
    this.startedNanos = startedNanos;
    // reads the server's stdout as it comes, so that LISTENING is timed when printed
    this.reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          if (line.equals("LISTENING")) {
            listening.complete(System.nanoTime());
          } else {
            printed.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new IOException("the NRPE server JVM exited: " + printed));
    }, "nrpe-server-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the JVM with {@link NrpeServerMain}'s arguments; returns at once, before it listens. */
  static NrpeServerProcess start(List<String> serverArgs) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(JVM_FLAGS);
    argv.addAll(List.of("-cp", serverClassPath(), NrpeServerMain.class.getName()));
    argv.addAll(serverArgs);
    try {
      long started = System.nanoTime();
      Process process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      return new NrpeServerProcess(process, started);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + argv, e);
    }
  }

  /** This module's classes, vigil-nagios and Netty: what the agent's NRPE server needs, nothing else. */
  private static String serverClassPath() {
    return String.join(":", Arrays.stream(System.getProperty("java.class.path").split(":"))
        .filter(entry -> entry.contains("benchmarks") || entry.contains("vigil-nagios") || entry.contains("nagios/")
            || entry.contains("netty"))
        .toList());
  }

  long pid() {
    return process.pid();
  }

  /** The nanoTime at which the server printed LISTENING, waiting up to 30 s for it. */
  long listeningNanos() throws Exception {
    return listening.get(30, TimeUnit.SECONDS);
  }

  /** {@code VmRSS} and {@code VmHWM} (peak) in KiB, from /proc/PID/status. */
  long[] residentKib() throws IOException {
    long rss = -1;
    long peak = -1;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
      } else if (line.startsWith("VmHWM:")) {
        peak = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return new long[] {rss, peak};
  }

  /** Closes the server's stdin, collects what it printed on the way out, and waits for it to exit. */
  String stop() throws IOException, InterruptedException {
    process.getOutputStream().close();
    process.waitFor(10, TimeUnit.SECONDS);
    close();
    reader.join(5_000);
    return printed.toString();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly(); // this PID only
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
