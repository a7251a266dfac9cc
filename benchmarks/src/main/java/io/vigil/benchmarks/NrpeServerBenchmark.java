package io.vigil.benchmarks;

import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code bin/bench nrpe-server [SECONDS [ROUNDS]]}: Vigil's NRPE server against the C nrpe 4.1 daemon,
 * the same check side by side in one run, driven by 8 parallel real {@code check_nrpe} processes.
 *
 * <ul>
 *   <li>Throughput in checks/s of {@code check_ok} over default TLS and over plaintext ({@code -n}).
 *       The lab's daemon on 55666/55667 forks {@code check_dummy 0 all-good} per query and, having no
 *       certificate, negotiates anonymous DH. Vigil, in its own JVM ({@link NrpeServerMain}), answers
 *       from a precomputed snapshot over TLS 1.3 (in BoringSSL where netty-tcnative loads) with an
 *       ECDSA P-256 certificate, and also with an RSA-2048 one (reported, not the goal's figure).
 *       Targets alternate over the rounds so that load from elsewhere falls on all of them.
 *   <li>For that JVM, started with explicit heap, stack, metaspace and code cache flags: resident
 *       memory after the run. And with the same flags, over several starts of a JVM with one TLS
 *       server: the time from process start to its first answer to a default (TLS) check_nrpe.
 *   <li>The goals' figures for memory and start-up, from the whole agent as {@code bin/vigil agent}
 *       runs it ({@link AgentStarts}): first answer over several starts, resident memory after
 *       400 TLS checks and 5 scrapes.
 * </ul>
 *
 * Goals (issue 4): plain at least 1.5x nrpe's, default TLS at least 3x, at most 90 MB resident,
 * first answer within 1 s. Every answer is checked to be exactly "OK: all-good".
 */
public final class NrpeServerBenchmark {

  private static final String CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe";
  private static final String OK = "OK: all-good\n";
  private static final int CLIENTS = 8;
  private static final int STARTS = 7;
  /** check_nrpe reads nothing: /dev/null spares a pipe per check. */
  private static final ProcessBuilder.Redirect NO_INPUT = ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));

  private NrpeServerBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    // vfork+exec check_nrpe directly: the default posix_spawn goes through jspawnhelper, a second
    // exec per check that costs the driver as much CPU as a plaintext check costs the server
    System.setProperty("jdk.lang.Process.launchMechanism", "VFORK");
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    if (!Files.isExecutable(Path.of(CHECK_NRPE))) {
      throw new IllegalStateException(CHECK_NRPE + " is missing: apt-get install nagios-nrpe-plugin");
    }
    System.out.println("machine: " + Bench.machine());
    System.out.println("load before: " + Files.readString(Path.of("/proc/loadavg")).strip());
    Lab.get().up("nrpe");
    Path dir = Files.createTempDirectory("vigil-nrpe-bench");
    Path[] ec = certificate(dir, "ec", "-keyalg", "EC", "-groupname", "secp256r1");
    Path[] rsa = certificate(dir, "rsa", "-keyalg", "RSA", "-keysize", "2048");
    int tlsPort = freePort();
    int rsaPort = freePort();
    int plainPort = freePort();
    List<String> serverArgs = List.of("--tls", Integer.toString(tlsPort), ec[0].toString(), ec[1].toString(),
        "--tls", Integer.toString(rsaPort), rsa[0].toString(), rsa[1].toString(), "--plain", Integer.toString(plainPort));

    // start-up as an agent starts its NRPE endpoint: one TLS server, nothing else in the JVM
    List<Long> firstAnswerMillis = new ArrayList<>();
    List<Long> listeningMillis = new ArrayList<>();
    for (int i = 0; i < STARTS; i++) {
      NrpeServerProcess agentLike = NrpeServerProcess.start(serverArgs.subList(0, 4));
      firstAnswerMillis.add(firstAnswer(agentLike, tlsPort));
      listeningMillis.add(TimeUnit.NANOSECONDS.toMillis(agentLike.listeningNanos() - agentLike.startedNanos));
      agentLike.stop();
    }
    // the whole agent, as bin/vigil starts it: the memory and first-answer goals are its
    AgentStarts.Result agent = AgentStarts.measure(dir, ec[0], ec[1], CHECK_NRPE, STARTS);
    NrpeServerProcess server = NrpeServerProcess.start(serverArgs);
    server.listeningNanos();

    Map<String, List<String>> targets = new LinkedHashMap<>();
    targets.put("vigil-tls", List.of("-p", Integer.toString(tlsPort)));
    targets.put("nrpe-tls", List.of("-p", Integer.toString(LabPorts.NRPE_TLS)));
    targets.put("vigil-plain", List.of("-p", Integer.toString(plainPort), "-n"));
    targets.put("nrpe-plain", List.of("-p", Integer.toString(LabPorts.NRPE_PLAIN), "-n"));
    targets.put("vigil-tls-rsa", List.of("-p", Integer.toString(rsaPort)));
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    Map<String, Segment> totals = new LinkedHashMap<>();
    try {
      for (List<String> target : targets.values()) {
        load(clients, target, 2, server.pid()); // warm-up, also of the server's JIT
      }
      for (int round = 0; round < rounds; round++) {
        for (Map.Entry<String, List<String>> target : targets.entrySet()) {
          Segment s = load(clients, target.getValue(), seconds, server.pid());
          totals.merge(target.getKey(), s, (a, b) -> new Segment(a.checks() + b.checks(), a.nanos() + b.nanos(),
              new CpuMeter.Reading(a.cpu().machineMillis() + b.cpu().machineMillis(),
                  a.cpu().serverMillis() + b.cpu().serverMillis(), a.cpu().driverMillis() + b.cpu().driverMillis())));
          System.out.printf(Locale.ROOT, "round %d %-13s %6.1f checks/s%n", round + 1, target.getKey(),
              s.checks() * 1e9 / s.nanos());
        }
      }
    } finally {
      clients.shutdownNow();
    }
    long[] resident = server.residentKib();
    String counters = server.stop();
    report(totals, resident, counters, listeningMillis, firstAnswerMillis, seconds, rounds);
    report(agent);
  }

  private static void report(AgentStarts.Result agent) throws IOException {
    List<Long> sorted = agent.firstAnswerMillis().stream().sorted().toList();
    long slowest = sorted.get(sorted.size() - 1);
    System.out.println("bin/vigil agent JVM: " + agent.javaFlags());
    System.out.printf(Locale.ROOT, "bin/vigil agent: VmRSS %.1f MB, peak VmHWM %.1f MB after %d TLS checks and 5 scrapes"
        + " (goal <= 90 MB) %s%n", agent.rssKib() / 1024.0, agent.peakKib() / 1024.0, agent.checks(),
        pass(agent.peakKib() <= 90 * 1024));
    System.out.println("bin/vigil agent: start to first TLS answer, ms: " + agent.firstAnswerMillis() + ", median "
        + sorted.get(sorted.size() / 2) + " (goal <= 1000) " + pass(slowest <= 1000));
    System.out.println("load after: " + Files.readString(Path.of("/proc/loadavg")).strip());
  }

  private static void report(Map<String, Segment> totals, long[] resident, String counters, List<Long> listening,
      List<Long> firstAnswer, int seconds, int rounds) throws IOException {
    Map<String, Double> rate = new LinkedHashMap<>();
    totals.forEach((name, t) -> rate.put(name, t.checks() * 1e9 / t.nanos()));
    double plainRatio = rate.get("vigil-plain") / rate.get("nrpe-plain");
    double tlsRatio = rate.get("vigil-tls") / rate.get("nrpe-tls");
    double rsaRatio = rate.get("vigil-tls-rsa") / rate.get("nrpe-tls");
    long slowestStart = firstAnswer.stream().mapToLong(Long::longValue).max().orElseThrow();
    System.out.println();
    System.out.println("server JVM flags: " + String.join(" ", NrpeServerProcess.JVM_FLAGS));
    System.out.println("server counters at stop:\n" + counters.strip());
    System.out.printf(Locale.ROOT, "%d check_nrpe clients, %d rounds x %d s per target%n", CLIENTS, rounds, seconds);
    System.out.println("target          checks/s   CPU ms per check: machine  Vigil JVM  driver  rest (clients, nrpe, other)");
    totals.forEach((name, t) -> {
      double machine = t.cpu().machineMillis() / t.checks();
      double vigil = name.startsWith("vigil") ? t.cpu().serverMillis() / t.checks() : 0;
      double driver = t.cpu().driverMillis() / t.checks();
      System.out.printf(Locale.ROOT, "%-13s %10.1f %25.2f %10.2f %7.2f %7.2f%n", name, rate.get(name), machine, vigil,
          driver, machine - vigil - driver);
    });
    System.out.printf(Locale.ROOT, "plain:      Vigil/nrpe = %.2fx (goal >= 1.5x) %s%n", plainRatio, pass(plainRatio >= 1.5));
    System.out.printf(Locale.ROOT, "TLS:        Vigil/nrpe = %.2fx (goal >= 3x) %s%n", tlsRatio, pass(tlsRatio >= 3));
    System.out.printf(Locale.ROOT, "TLS (RSA):  Vigil/nrpe = %.2fx (not a goal: an RSA-2048 certificate)%n", rsaRatio);
    System.out.printf(Locale.ROOT, "NRPE-only JVM, resident after the run: VmRSS %.1f MB, peak VmHWM %.1f MB%n",
        resident[0] / 1024.0, resident[1] / 1024.0);
    List<Long> sorted = firstAnswer.stream().sorted().toList();
    System.out.println("one TLS server per JVM, start to LISTENING, ms: " + listening);
    System.out.println("one TLS server per JVM, start to first TLS answer, ms: " + firstAnswer + ", median "
        + sorted.get(sorted.size() / 2) + ", slowest " + slowestStart);
  }

  /** Polls with default (TLS) check_nrpe until the new server answers; millis since its process started. */
  private static long firstAnswer(NrpeServerProcess server, int tlsPort) throws Exception {
    List<String> argv = List.of(CHECK_NRPE, "-H", "127.0.0.1", "-p", Integer.toString(tlsPort), "-c", "check_ok");
    long deadline = server.startedNanos + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (OK.equals(run(argv))) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - server.startedNanos);
      }
    }
    throw new IllegalStateException("the NRPE server JVM did not answer within 30 s");
  }

  /** What one target did in one segment. */
  private record Segment(long checks, long nanos, CpuMeter.Reading cpu) {
  }

  /** {@link #CLIENTS} threads running check_nrpe back to back for {@code seconds}. */
  private static Segment load(ExecutorService clients, List<String> target, int seconds, long serverPid)
      throws Exception {
    CpuMeter.Reading before = CpuMeter.read(serverPid);
    List<String> argv = new ArrayList<>(List.of(CHECK_NRPE, "-H", "127.0.0.1"));
    argv.addAll(target);
    argv.addAll(List.of("-c", "check_ok"));
    AtomicReference<String> failure = new AtomicReference<>();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Long>> counts = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      counts.add(clients.submit(() -> {
        long ok = 0;
        while (System.nanoTime() < end) {
          String output = run(argv);
          if (OK.equals(output)) {
            ok++;
          } else {
            failure.compareAndSet(null, output);
          }
        }
        return ok;
      }));
    }
    long checks = 0;
    for (Future<Long> count : counts) {
      checks += count.get();
    }
    long nanos = System.nanoTime() - start;
    CpuMeter.Reading used = CpuMeter.read(serverPid).minus(before);
    if (failure.get() != null) {
      throw new IllegalStateException(argv + " answered: " + failure.get());
    }
    return new Segment(checks, nanos, used);
  }

  /** stdout+stderr of one check_nrpe, with its exit code appended unless it is 0. */
  private static String run(List<String> argv) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(NO_INPUT).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = process.waitFor();
    return rc == 0 ? output : output + "(rc " + rc + ")";
  }

  /** A self-signed certificate and its PKCS#8 key as PEM files (NAME.pem, NAME.key), made with keytool. */
  private static Path[] certificate(Path dir, String name, String... keyAlgorithm) throws Exception {
    Path store = dir.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    String password = "bench-" + System.nanoTime();
    List<String> genkey = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", name, "-dname", "CN=localhost",
        "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", password));
    genkey.addAll(List.of(keyAlgorithm));
    exec(genkey);
    Path certificate = dir.resolve(name + ".pem");
    exec(List.of(keytool, "-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", password, "-file", certificate.toString()));
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keyStore.load(in, password.toCharArray());
    }
    PrivateKey key = (PrivateKey) keyStore.getKey(name, password.toCharArray());
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    for (Path file : List.of(dir, store, certificate, keyFile)) {
      file.toFile().deleteOnExit(); // files first: deleteOnExit runs in reverse order
    }
    return new Path[] {certificate, keyFile};
  }

  private static void exec(List<String> argv) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(argv.get(1) + " failed: " + output);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String pass(boolean met) {
    return met ? "MET" : "MISSED";
  }
}
