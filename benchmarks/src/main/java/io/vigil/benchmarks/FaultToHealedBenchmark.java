package io.vigil.benchmarks;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.config.YamlSection;
import io.vigil.controlplane.planner.engine.PlannerOperations.CheckView;
import io.vigil.controlplane.planner.actions.Remediations;
import io.vigil.controlplane.planner.engine.PlannerRuntime;
import io.vigil.controlplane.planner.engine.PlannerSettings;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.TimelineQuery;
import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.queue.AmqpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Issue 6's fault-to-healed times: a fault injected with {@code lab/fault}, then the real component
 * healthy again, judged by the benchmark itself, independently of whoever heals it:
 *
 * <ol>
 *   <li>{@code pgpool-detach 1} healed by Vigil's planner (an in-process {@link PlannerRuntime}: a
 *   {@code pgpool_pcp_nodes} probe on node 1 every second, policy auto with {@code pgpool_attach});
 *   healed = {@code pcp_node_info -n 1} says {@code waiting} or {@code up}, polled every 50 ms;</li>
 *   <li>{@code worker-kill} (then {@code queue-fill 100}) healed by Vigil ({@code amqp_queue}
 *   probe every second, {@code celery_restart} over SSH); healed = a consumer on queue
 *   {@code celery} again, read every 50 ms with an AMQP passive {@code queue.declare}, which answers
 *   from the queue process itself (the management API's figures are samples that lag by seconds);</li>
 *   <li>{@code pgpool-detach 1} healed by pgpool's own {@code auto_failback} (health_check_period 1,
 *   auto_failback_interval 1, then 60, its default), set in the lab's pgpool.conf and reloaded for
 *   the phase only, with no planner running; then the lab's configuration is restored.</li>
 * </ol>
 *
 * <p>Each fault starts after a random 0-1 s pause, so that it lands at a random phase of the 1 s
 * probe and health-check schedules. Times run from the start of the {@code lab/fault} command (conservative: it includes the lab
 * script's own start-up) and, in brackets, from the first poll that saw the fault.
 *
 * <pre>{@code
 * flock /tmp/vigil-lab-it.lock bin/bench fault-to-healed [runs] [runs-at-60s] [phases]
 * # defaults: 20 runs, 5 runs for auto_failback_interval 60, phases pgpool,worker,failback
 * }</pre>
 */
public final class FaultToHealedBenchmark {

  private static final Lab LAB = Lab.get();
  private static final Duration RUN_DEADLINE = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 50;
  private static final String PSQL = "/usr/lib/postgresql/15/bin/psql";

  private FaultToHealedBenchmark() {
  }

  /** One run: when the fault command started, when the fault was first seen, when healed. */
  record Run(long startNanos, long seenNanos, long healedNanos, int faultExit, Instant startWall) {

    boolean healed() {
      return healedNanos > 0;
    }

    double fromCommand() {
      return (healedNanos - startNanos) / 1e9;
    }

    double fromSeen() {
      return (healedNanos - seenNanos) / 1e9;
    }
  }

  /** The runs of one scenario and what the planner did in them. */
  record Series(String name, List<Run> runs, List<String> notes) {

    double[] times(boolean fromCommand) {
      return runs.stream().filter(Run::healed).mapToDouble(r -> fromCommand ? r.fromCommand() : r.fromSeen()).sorted()
          .toArray();
    }

    double pct(double p, boolean fromCommand) {
      double[] t = times(fromCommand);
      return t.length == 0 ? Double.NaN : t[Math.max(0, Math.min(t.length - 1, (int) Math.ceil(p / 100 * t.length) - 1))];
    }

    long failures() {
      return runs.stream().filter(r -> !r.healed()).count();
    }

    String line() {
      double[] t = times(true);
      return String.format(Locale.ROOT, "%-38s n=%2d healed=%2d  p50 %6.2f s  p95 %6.2f s  max %6.2f s  min %6.2f s"
          + "   (from fault seen: p50 %6.2f s  p95 %6.2f s)", name, runs.size(), runs.size() - failures(), pct(50, true),
          pct(95, true), t.length == 0 ? Double.NaN : t[t.length - 1], t.length == 0 ? Double.NaN : t[0],
          pct(50, false), pct(95, false));
    }
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int runsAt60 = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<String> phases = Arrays.asList((args.length > 2 ? args[2] : "pgpool,worker,failback").split(","));
    System.out.println("fault-to-healed: " + Bench.machine() + ", load average " + loadAverage());
    LAB.up("pgpool", "celery", "sshd");
    requireLabHealthy();
    Path dir = Files.createTempDirectory("vigil-bench-f2h");
    List<Series> results = new ArrayList<>();
    long started = System.nanoTime();
    if (phases.contains("pgpool")) {
      results.add(vigilPgpool(dir, runs));
    }
    if (phases.contains("worker")) {
      results.add(vigilWorker(dir, runs));
    }
    if (phases.contains("failback")) {
      results.addAll(pgpoolAutoFailback(runs, runsAt60));
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "summary (%.1f min, load average now %s); times from the start of lab/fault:%n",
        (System.nanoTime() - started) / 60e9, loadAverage());
    for (Series s : results) {
      System.out.println("  " + s.line());
      s.notes().forEach(n -> System.out.println("      " + n));
    }
    Series vigil = results.stream().filter(s -> s.name().startsWith("pgpool-detach 1, Vigil")).findFirst().orElse(null);
    if (vigil != null) {
      for (Series s : results) {
        if (s.name().startsWith("pgpool-detach 1, pgpool")) {
          System.out.printf(Locale.ROOT, "  ratio %s / Vigil: p50 %.1fx, p95 %.1fx%n", s.name(),
              s.pct(50, true) / vigil.pct(50, true), s.pct(95, true) / vigil.pct(95, true));
        }
      }
    }
    requireLabHealthy();
    System.out.println("lab healthy at the end (lab/status exit 0)");
  }

  // ---------------------------------------------------------------------------------------------
  // (a) pgpool-detach 1, healed by Vigil

  private static Series vigilPgpool(Path dir, int runs) throws Exception {
    String lab = LAB.dir().toString();
    String yaml = """
        vigil:
          node-name: bench-f2h
          inventory:
            primary: {address: 127.0.0.1}
            replica1: {address: 127.0.0.1}
          planner:
            store: {type: file, path: "%s"}
            health:
              max_check_attempts: 1
              checks:
                pgpool_replica1: {max_check_attempts: 1, flap_low: 99, flap_high: 100}
            probes:
              pgpool-replica1:
                host: replica1
                check: pgpool_replica1
                type: pgpool_pcp_nodes
                interval: 1s
                options: {port: "%d", user: pcpadmin, pcppass: "%s/pgpool/pcppass", node: "1", timeout: 3s}
            remediations:
              reattach:
                type: pgpool_attach
                options:
                  pcp_port: "%d"
                  pcp_user: pcpadmin
                  pcppass: "%s/pgpool/pcppass"
                  pcp_timeout: 5s
                  targets:
                    primary: {node_id: "0", host: 127.0.0.1, port: "%d"}
                    replica1: {node_id: "1", host: 127.0.0.1, port: "%d"}
            policies:
              - name: reattach-replica1
                check: pgpool_replica1
                on: [CRITICAL]
                action: reattach
                mode: auto
                budget: {attempts: 1000, window: 1h, backoff: 1s, max_backoff: 1s, reset_after_healthy: 1s}
                timeout: 10s
                verify_deadline: 15s
        """.formatted(dir.resolve("store-pgpool"), LabPorts.PCP, lab, LabPorts.PCP, lab, LabPorts.PG_PRIMARY,
        LabPorts.PG_REPLICA);
    List<Run> list = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try (PlannerRuntime runtime = planner(dir, "pgpool.yml", yaml)) {
      awaitCheckOk(runtime, "replica1", "pgpool_replica1", Duration.ofSeconds(20));
      for (int i = 1; i <= runs; i++) {
        Run run = measure(() -> LAB.fault("pgpool-detach", "1").exitCode(), FaultToHealedBenchmark::replicaAttached);
        list.add(run);
        settleVigil(runtime, "replica1", "pgpool_replica1");
        LAB.heal("pgpool-detach").orThrow();
        print("vigil pgpool", i, run, actionSince(runtime, "replica1", run.startWall()));
      }
      notes.add(actionsSummary(runtime, "replica1"));
    }
    return new Series("pgpool-detach 1, Vigil (pgpool_attach)", list, notes);
  }

  // ---------------------------------------------------------------------------------------------
  // (b) worker-kill, healed by Vigil over SSH

  private static Series vigilWorker(Path dir, int runs) throws Exception {
    String lab = LAB.dir().toString();
    String yaml = """
        vigil:
          node-name: bench-f2h
          inventory:
            worker1: {address: 127.0.0.1}
          planner:
            store: {type: file, path: "%s"}
            health:
              max_check_attempts: 1
              checks:
                celery_queue: {max_check_attempts: 1, flap_low: 99, flap_high: 100}
            probes:
              celery-queue:
                host: worker1
                check: celery_queue
                type: amqp_queue
                interval: 1s
                options: {port: %d, queue: celery, min_consumers: "1", user: guest, password: guest, timeout: 3s}
            remediations:
              restart-worker:
                type: celery_restart
                options:
                  identity: "%s/sshd/client_ed25519"
                  known_hosts: "%s/sshd/known_hosts"
                  connect_timeout: 5s
                  command_timeout: 60s
                  management_url: "http://127.0.0.1:%d"
                  templates:
                    celeryd: "/usr/bin/env VIGIL_LAB_DIR=%s %s restart"
                  targets:
                    worker1: {address: 127.0.0.1, port: "%d", template: celeryd}
            policies:
              - name: restart-worker1
                check: celery_queue
                on: [CRITICAL]
                action: restart-worker
                mode: auto
                budget: {attempts: 1000, window: 1h, backoff: 1s, max_backoff: 1s, reset_after_healthy: 1s}
                timeout: 60s
                verify_deadline: 30s
        """.formatted(dir.resolve("store-worker"), LabPorts.RABBITMQ, lab, lab, LabPorts.RABBITMQ_MANAGEMENT,
        lab, LAB.repoRoot().resolve("lab/celeryd-services"), LabPorts.SSHD);
    List<Run> list = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try (PlannerRuntime runtime = planner(dir, "worker.yml", yaml);
        AmqpClient amqp = new AmqpClient("127.0.0.1", LabPorts.RABBITMQ, "guest", "guest", "/", Duration.ofSeconds(5))) {
      awaitCheckOk(runtime, "worker1", "celery_queue", Duration.ofSeconds(30));
      for (int i = 1; i <= runs; i++) {
        Run run = measure(() -> {
          int rc = LAB.fault("worker-kill").exitCode();
          int fill = LAB.fault("queue-fill", "100").exitCode();
          return rc != 0 ? rc : fill;
        }, () -> counts(amqp).consumers() >= 1);
        list.add(run);
        settleVigil(runtime, "worker1", "celery_queue");
        await(Duration.ofSeconds(30), () -> counts(amqp).messages() == 0);
        print("vigil worker", i, run, actionSince(runtime, "worker1", run.startWall()));
      }
      notes.add(actionsSummary(runtime, "worker1"));
    } finally {
      LAB.heal("worker-kill").orThrow();
      LAB.heal("queue-fill").orThrow();
    }
    return new Series("worker-kill, Vigil (celery_restart over SSH)", list, notes);
  }

  // ---------------------------------------------------------------------------------------------
  // (c) pgpool-detach 1, healed by pgpool's auto_failback

  private static List<Series> pgpoolAutoFailback(int runs, int runsAt60) throws Exception {
    Path conf = LAB.dir().resolve("pgpool/pgpool.conf");
    String original = Files.readString(conf);
    if (!original.contains("\nhealth_check_period = 1\n") || !original.contains("\nauto_failback = off\n")) {
      throw new IllegalStateException(conf + ": expected health_check_period = 1 and auto_failback = off");
    }
    Thread restore = new Thread(() -> restoreConf(conf, original));
    Runtime.getRuntime().addShutdownHook(restore);
    List<Series> out = new ArrayList<>();
    try {
      // interval 1 first: after its last failback the interval-60 phase starts with the wait over, so
      // its first run is an isolated fault and the next ones are repeated faults within the minute
      for (int interval : new int[] {1, 60}) {
        Files.writeString(conf, original.replace("\nauto_failback = off\n",
            "\nauto_failback = on\nauto_failback_interval = " + interval + "\n"));
        reloadPgpool();
        String on = pgpoolShow("auto_failback");
        String every = pgpoolShow("auto_failback_interval");
        String period = pgpoolShow("health_check_period");
        // PGPOOL SHOW prints the interval with its unit (1s, 1min) and the period per node
        boolean intervalOk = every.equals(interval + "s") || interval == 60 && every.equals("1min");
        if (!on.equals("on") || !intervalOk || !period.contains("health_check_period1|1|")) {
          throw new IllegalStateException("pgpool did not take the settings: auto_failback " + on + ", interval " + every
              + ", " + period);
        }
        System.out.println("pgpool reloaded: auto_failback on, auto_failback_interval " + interval
            + ", health_check_period 1, sr_check_period 1");
        List<Run> list = new ArrayList<>();
        int n = interval == 1 ? runs : runsAt60;
        for (int i = 1; i <= n; i++) {
          Run run = measure(() -> LAB.fault("pgpool-detach", "1").exitCode(), FaultToHealedBenchmark::replicaAttached,
              Duration.ofSeconds(interval + 30));
          list.add(run);
          LAB.heal("pgpool-detach").orThrow();
          print("pgpool auto_failback_interval " + interval, i, run, "");
        }
        out.add(new Series("pgpool-detach 1, pgpool auto_failback_interval " + interval, list, List.of()));
      }
    } finally {
      restoreConf(conf, original);
      Runtime.getRuntime().removeShutdownHook(restore);
      LAB.heal("pgpool-detach").orThrow();
    }
    return out;
  }

  private static void restoreConf(Path conf, String original) {
    try {
      if (!Files.readString(conf).equals(original)) {
        Files.writeString(conf, original);
        reloadPgpool();
        System.out.println("pgpool.conf restored and reloaded: auto_failback " + pgpoolShow("auto_failback"));
      }
    } catch (Exception e) {
      System.err.println("could not restore " + conf + ": " + e);
    }
  }

  private static void reloadPgpool() throws Exception {
    String out = run(List.of("/usr/sbin/pcp_reload_config", "-h", "127.0.0.1", "-p", Integer.toString(LabPorts.PCP),
        "-U", "pcpadmin", "-w"), Map.of("PCPPASSFILE", LAB.dir().resolve("pgpool/pcppass").toString()));
    if (out.contains("ERROR") || !out.contains("Command Successful")) {
      throw new IllegalStateException("pcp_reload_config: " + out);
    }
    Thread.sleep(1500); // the reload reaches pgpool's children (health check, sr check) by signal
  }

  private static String pgpoolShow(String parameter) throws Exception {
    return run(List.of(PSQL, "-h", "127.0.0.1", "-p", Integer.toString(LabPorts.PGPOOL), "-U", "postgres", "-d",
        "postgres", "-X", "-A", "-t", "-c", "PGPOOL SHOW " + parameter), Map.of()).strip();
  }

  // ---------------------------------------------------------------------------------------------
  // Measuring

  /** An action that returns the fault command's exit status. */
  @FunctionalInterface
  interface Fault {
    int inject() throws Exception;
  }

  private static Run measure(Fault fault, BooleanSupplier healthy) throws Exception {
    return measure(fault, healthy, RUN_DEADLINE);
  }

  /**
   * Starts the fault in the background and polls {@code healthy} every 50 ms: the fault is seen at
   * the first false, healed at the first true after that (the time a poll returned).
   */
  private static Run measure(Fault fault, BooleanSupplier healthy, Duration deadline) throws Exception {
    if (!healthy.getAsBoolean()) {
      throw new IllegalStateException("not healthy before the fault");
    }
    // a random phase against the 1 s probe and health-check schedules: the runs start right after a
    // settling that is itself paced by probe results, and would otherwise all land at the same phase
    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(1000));
    Instant wall = Instant.now();
    long start = System.nanoTime();
    CompletableFuture<Integer> injected = CompletableFuture.supplyAsync(() -> {
      try {
        return fault.inject();
      } catch (Exception e) {
        System.err.println("fault failed: " + e);
        return -1;
      }
    });
    long seen = 0;
    long healed = 0;
    long end = start + deadline.toNanos();
    while (System.nanoTime() < end) {
      boolean ok = healthy.getAsBoolean();
      long now = System.nanoTime();
      if (!ok && seen == 0) {
        seen = now;
      } else if (ok && seen != 0) {
        healed = now;
        break;
      }
      Thread.sleep(POLL_MILLIS);
    }
    int rc = injected.get(60, TimeUnit.SECONDS);
    return new Run(start, seen, healed, rc, wall);
  }

  /** pcp_node_info -n 1: status 1 (waiting) or 2 (up). */
  private static boolean replicaAttached() {
    try {
      String out = run(List.of("/usr/sbin/pcp_node_info", "-h", "127.0.0.1", "-p", Integer.toString(LabPorts.PCP),
          "-U", "pcpadmin", "-w", "-n", "1"), Map.of("PCPPASSFILE", LAB.dir().resolve("pgpool/pcppass").toString()));
      String[] f = out.strip().split("\\s+");
      return f.length > 2 && (f[2].equals("1") || f[2].equals("2"));
    } catch (Exception e) {
      return false;
    }
  }

  private static String run(List<String> argv, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly(); // by the PID we started
      throw new IllegalStateException(argv.get(0) + " did not finish within 10 s");
    }
    return out.get(5, TimeUnit.SECONDS);
  }

  // ---------------------------------------------------------------------------------------------
  // The planner

  private static PlannerRuntime planner(Path dir, String file, String yaml) throws Exception {
    Path config = Files.writeString(dir.resolve(file), yaml);
    PlannerSettings settings = PlannerSettings.parse(YamlSection.load(config).section("vigil"), Remediations.types());
    PlannerRuntime runtime = new PlannerRuntime(settings, null, new PrometheusRegistry(), Clock.systemUTC());
    await(Duration.ofSeconds(10), () -> runtime.engine().isLeader());
    return runtime;
  }

  /** Until no action is in flight and the check is OK again, then a little more (budget reset, fresh results). */
  private static void settleVigil(PlannerRuntime runtime, String host, String check) throws Exception {
    await(Duration.ofSeconds(60), () -> runtime.operations().actions(new TimelineQuery(host, null, null, null, 1000))
        .stream().allMatch(a -> a.status().isFinal()));
    awaitCheckOk(runtime, host, check, Duration.ofSeconds(30));
    Thread.sleep(1500);
    awaitCheckOk(runtime, host, check, Duration.ofSeconds(30));
  }

  private static void awaitCheckOk(PlannerRuntime runtime, String host, String check, Duration timeout) throws Exception {
    await(timeout, () -> runtime.operations().states(host).stream()
        .anyMatch(v -> v.check().equals(check) && v.state().equals("OK")));
  }

  /** "intent +1.23 s SUCCEEDED +2.34 s" for the action that started after {@code since}. */
  private static String actionSince(PlannerRuntime runtime, String host, Instant since) {
    List<ActionRecord> actions = runtime.operations().actions(new TimelineQuery(host, null, null, null, 1000)).stream()
        .filter(a -> !a.createdAt().isBefore(since)).toList();
    if (actions.isEmpty()) {
      List<CheckView> states = runtime.operations().states(host);
      return "no action (" + states + ")";
    }
    StringBuilder b = new StringBuilder();
    for (ActionRecord a : actions) {
      b.append(String.format(Locale.ROOT, "intent at +%.2f s, %s at +%.2f s; ",
          Duration.between(since, a.createdAt()).toMillis() / 1000.0, a.status(),
          Duration.between(since, a.updatedAt()).toMillis() / 1000.0));
    }
    return b.toString();
  }

  private static String actionsSummary(PlannerRuntime runtime, String host) {
    List<ActionRecord> all = runtime.operations().actions(new TimelineQuery(host, null, null, null, 10_000));
    long ok = all.stream().filter(a -> a.status() == ActionRecord.Status.SUCCEEDED).count();
    long refusals = runtime.operations().timeline(new TimelineQuery(host, null, null, null, 10_000)).stream()
        .filter(e -> e.what().startsWith("refused by precondition")).count();
    return "planner: " + all.size() + " actions, " + ok + " SUCCEEDED (verified), " + refusals
        + " precondition refusals recorded";
  }

  private static void print(String what, int i, Run r, String extra) {
    System.out.printf(Locale.ROOT, "%s run %2d: %s (fault seen +%.2f s, lab/fault exit %d) %s%n", what, i,
        r.healed() ? String.format(Locale.ROOT, "healed +%.2f s", r.fromCommand()) : "NOT HEALED",
        r.seenNanos() == 0 ? Double.NaN : (r.seenNanos() - r.startNanos()) / 1e9, r.faultExit(), extra);
  }

  // ---------------------------------------------------------------------------------------------
  // Lab helpers

  private static void requireLabHealthy() throws Exception {
    Lab.Result status = null;
    for (int i = 0; i < 10; i++) {
      status = LAB.status();
      if (status.exitCode() == 0) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("lab/status is not healthy:\n" + status.output());
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("not within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The celery queue's counts now, or -1s when they cannot be read. */
  private static AmqpClient.Counts counts(AmqpClient amqp) {
    try {
      return amqp.counts("celery");
    } catch (java.io.IOException e) {
      return new AmqpClient.Counts(-1, -1);
    }
  }
}
