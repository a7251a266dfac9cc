package io.vigil.controlplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.lab.Lab;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real planners ({@code bin/vigil planner}) share the lab's PostgreSQL as store and elect one
 * leader with an advisory lock. A check breaks; its repair is slow. The leader is deposed mid-action
 * (its lock connection terminated): the other planner takes over with a greater term, resolves the
 * intent by verifying instead of acting again, and the deposed leader's late write is refused
 * (FENCED). Then the new leader is SIGKILLed mid-action: the first takes over again and resolves.
 * Through all of it, the repair ran exactly once per incident.
 */
class PlannerFailoverIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final String PG = "jdbc:postgresql://127.0.0.1:55432/";

  @TempDir
  Path dir;

  private final String db = "vigil_failover_" + ProcessHandle.current().pid();
  private final List<Process> planners = new ArrayList<>();
  private Path runs;
  private Path healed;

  @BeforeEach
  void database() throws Exception {
    Lab.get().up("postgres");
    sql("postgres", "create database " + db);
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : planners) {
      p.destroyForcibly(); // by the PID we started
      p.waitFor(20, TimeUnit.SECONDS);
    }
    sql("postgres", "drop database if exists " + db + " with (force)");
  }

  private Path config(String node, int port) throws Exception {
    runs = dir.resolve("runs.log");
    healed = Files.createDirectories(dir.resolve("healed"));
    Path repair = dir.resolve("repair.sh");
    if (!Files.exists(repair)) {
      // the slow repair: note the run, take 4 s, then leave the file the check looks for
      Files.writeString(repair, """
          #!/bin/sh
          echo "run $$ for $1" >> %s
          sleep 4
          touch %s/ok
          """.formatted(runs, healed));
      Files.setPosixFilePermissions(repair, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return Files.writeString(dir.resolve(node + ".yml"), """
        vigil:
          node-name: %s
          inventory:
            app1: {address: 127.0.0.1}
          planner:
            store:
              type: postgres
              url: "%s%s"
              user: postgres
              leader_check_interval: 500ms
            api: {read_open: true}
            health: {max_check_attempts: 2, ttl: 30s}
            probes:
              healed:
                host: app1
                check: healed_file
                type: file_freshness
                interval: 500ms
                options: {path: "%s", max_age_warning: 1h, max_age_critical: 2h}
            remediations:
              repair: {type: command, options: {argv: ["%s", "{host}"]}}
            policies:
              - name: repair-app1
                check: healed_file
                on: [CRITICAL, WARNING, UNKNOWN]
                action: repair
                mode: auto
                budget: {attempts: 5, window: 1h, backoff: 1s}
                verify_deadline: 20s
        micronaut:
          server: {host: 127.0.0.1, port: %d}
        """.formatted(node, PG, db, healed, repair, port));
  }

  private Process start(String node, int port) throws Exception {
    Process p = new ProcessBuilder(Lab.get().repoRoot().resolve("bin/vigil").toString(), "planner", "--config",
        config(node, port).toString()).redirectErrorStream(true).redirectOutput(dir.resolve(node + ".log").toFile())
        .start();
    planners.add(p);
    await(Duration.ofSeconds(90), () -> get(port, "/health/readiness").contains("UP") || !p.isAlive());
    assertThat(p.isAlive()).as(log(node)).isTrue();
    return p;
  }

  @Test
  void oneExecutorPerIncident_intentsResolvedByTheNewLeader_lateWritesFenced() throws Exception {
    Process a = start("planner-a", 18491);
    await(Duration.ofSeconds(20), () -> leader(18491));
    Process b = start("planner-b", 18492);
    assertThat(leader(18492)).isFalse();

    // incident 1: the check is CRITICAL (no file); A runs the slow repair
    await(Duration.ofSeconds(20), () -> lines().size() == 1);
    // depose A mid-action: its lock connection goes away; B takes over
    sql(db, "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'vigil-leader planner-a'");
    await(Duration.ofSeconds(20), () -> leader(18492));
    await(Duration.ofSeconds(30), () -> actionsFinal() && Files.exists(healed.resolve("ok")));
    await(Duration.ofSeconds(20), () -> timeline().contains("FENCED"));
    assertThat(lines()).as("the repair ran once for incident 1").hasSize(1);
    String t1 = timeline();
    assertThat(t1).contains("resolved RUNNING action").contains("as SUCCEEDED");
    assertThat(a.isAlive()).as("A keeps serving reads as a follower").isTrue();

    // incident 2: break it again; B (leader) repairs; SIGKILL B mid-action; A takes over
    Files.delete(healed.resolve("ok"));
    await(Duration.ofSeconds(30), () -> lines().size() == 2);
    b.destroyForcibly(); // SIGKILL to the PID we started
    assertThat(b.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await(Duration.ofSeconds(20), () -> leader(18491));
    await(Duration.ofSeconds(30), () -> actionsFinal() && Files.exists(healed.resolve("ok")));
    Thread.sleep(2000);
    assertThat(lines()).as("one run per incident, none repeated by a new leader").hasSize(2);
    try (Connection c = DriverManager.getConnection(PG + db, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*), count(distinct term), max(term) from vigil_action")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).as("two actions").isEqualTo(2);
      assertThat(rs.getLong(3)).as("written by terms 1 and 2").isEqualTo(2);
    }
    assertThat(timeline()).contains("became leader").contains("term 3");
  }

  private List<String> lines() {
    try {
      return Files.exists(runs) ? Files.readAllLines(runs) : List.of();
    } catch (Exception e) {
      return List.of();
    }
  }

  private boolean actionsFinal() {
    String body = get(18491, "/api/v1/actions");
    if (body.isEmpty()) {
      body = get(18492, "/api/v1/actions");
    }
    return !body.isEmpty() && !body.contains("\"INTENT\"") && !body.contains("\"RUNNING\"") && body.contains("\"id\"");
  }

  private String timeline() {
    String body = get(18491, "/api/v1/timeline?limit=1000");
    return body.isEmpty() ? get(18492, "/api/v1/timeline?limit=1000") : body;
  }

  private boolean leader(int port) {
    return get(port, "/api/v1/leader").contains("\"leader\":true");
  }

  private static String get(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  private String log(String node) {
    try {
      return Files.readString(dir.resolve(node + ".log"));
    } catch (Exception e) {
      return "";
    }
  }

  private static void sql(String database, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(PG + database, "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + timeout);
      }
      Thread.sleep(200);
    }
  }
}
