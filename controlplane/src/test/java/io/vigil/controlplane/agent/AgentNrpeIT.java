package io.vigil.controlplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.vigil.lab.Lab;
import io.vigil.lab.LabPorts;
import io.vigil.probes.ProbeResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real check_nrpe (Debian's nagios-nrpe-plugin) asks a running agent about every kind of lab
 * probe, over TLS (v4, v2, v3) and plaintext, and gets exactly the probe's latest snapshot; the lab
 * nrpe daemon's own nrpe.cfg commands keep working through the agent unchanged.
 */
class AgentNrpeIT {

  private static final Lab LAB = Lab.get();
  private static final String CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe";
  private static final List<String> PROBES = List.of("memcached", "disk", "tcp_pgpool", "memcached_process",
      "pg_primary", "pgpool", "heartbeat", "queue", "gluster");

  @TempDir
  static Path dir;
  private static ApplicationContext tlsAgent;
  private static ApplicationContext plainAgent;
  private static int tlsPort;
  private static int plainPort;

  @BeforeAll
  static void startAgents() throws Exception {
    LAB.up("memcached", "disk", "pgpool", "webhead", "gluster");
    run(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-keyout", dir.resolve("agent.key").toString(), "-out", dir.resolve("agent.pem").toString()));
    tlsPort = freePort();
    plainPort = freePort();
    tlsAgent = agent("tls", tlsPort, "tls: tls\n      certificate: " + dir.resolve("agent.pem") + "\n      key: "
        + dir.resolve("agent.key"));
    plainAgent = agent("plain", plainPort, "tls: plaintext\n      nrpe_cfg: " + LAB.dir().resolve("nrpe/plain/nrpe.cfg"));
    for (ApplicationContext agent : List.of(tlsAgent, plainAgent)) {
      SnapshotStore store = agent.getBean(Agent.class).snapshots();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!store.all().keySet().containsAll(PROBES) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(store.all()).containsKeys(PROBES.toArray(String[]::new));
    }
  }

  private static ApplicationContext agent(String name, int port, String nrpe) throws IOException {
    String lab = LAB.dir().toString();
    Path config = Files.writeString(dir.resolve(name + ".yml"), """
        vigil:
          agent:
            host: lab-%s
            probes:
              memcached: {type: memcached, interval: 1s, options: {port: %d}}
              disk: {type: disk, interval: 1s, options: {path: %s/disk/mnt, warning: 45, critical: 50}}
              tcp_pgpool: {type: tcp, interval: 1s, options: {port: %d}}
              memcached_process: {type: process, interval: 1s, options: {pidfile: %s/memcached/memcached.pid}}
              pg_primary: {type: pg_replication_lag, interval: 1s, options: {port: %d, role: primary, expect: replica1}}
              pgpool: {type: pgpool_nodes, interval: 1s, options: {port: %d}}
              heartbeat: {type: http_heartbeat, interval: 1s, options: {url: "http://127.0.0.1:%d/services/heartbeat"}}
              queue: {type: rabbitmq_queue, interval: 1s, options: {url: "http://127.0.0.1:%d", queue: celery}}
              gluster: {type: mount, interval: 1s, options: {path: %s/gluster/mnt, fstype: fuse.glusterfs, timeout: 3s}}
            nrpe:
              listen: 127.0.0.1:%d
              %s
        """.formatted(name, LabPorts.MEMCACHED, lab, LabPorts.PGPOOL, lab, LabPorts.PG_PRIMARY, LabPorts.PGPOOL,
        LabPorts.WEBHEAD, LabPorts.RABBITMQ_MANAGEMENT, lab, port, nrpe));
    return ApplicationContext.run(Map.of("vigil.agent.enabled", "true", "vigil.config.file", config.toString()));
  }

  @AfterAll
  static void stopAgents() {
    for (ApplicationContext agent : new ApplicationContext[] {tlsAgent, plainAgent}) {
      if (agent != null) {
        agent.close();
      }
    }
  }

  @Test
  void everyLabProbe_answersCheckNrpe_overTlsV4V2AndV3_withItsSnapshot() throws Exception {
    for (String probe : PROBES) {
      assertMatchesSnapshot(tlsAgent, probe, List.of("-p", String.valueOf(tlsPort)));
      assertMatchesSnapshot(tlsAgent, probe, List.of("-p", String.valueOf(tlsPort), "-2"));
      assertMatchesSnapshot(tlsAgent, probe, List.of("-p", String.valueOf(tlsPort), "-3"));
    }
  }

  @Test
  void everyLabProbe_answersCheckNrpe_inPlaintext() throws Exception {
    for (String probe : PROBES) {
      assertMatchesSnapshot(plainAgent, probe, List.of("-n", "-p", String.valueOf(plainPort)));
    }
  }

  @Test
  void theVersionCheck_andAnUnknownCommand_answerAsNrpeDoes() throws Exception {
    assertThat(checkNrpe(List.of("-p", String.valueOf(tlsPort)))).isEqualTo(new Answer(0, "NRPE v4.1.0"));
    assertThat(checkNrpe(List.of("-p", String.valueOf(tlsPort), "-c", "check_nothing")))
        .isEqualTo(new Answer(3, "NRPE: Command 'check_nothing' not defined"));
  }

  @Test
  void anExistingNrpeCfg_keepsWorkingThroughTheAgent() throws Exception {
    assertThat(checkNrpe(List.of("-n", "-p", String.valueOf(plainPort), "-c", "check_ok"))).isEqualTo(new Answer(0, "OK: all-good"));
    assertThat(checkNrpe(List.of("-n", "-p", String.valueOf(plainPort), "-c", "check_crit")))
        .isEqualTo(new Answer(2, "CRITICAL: backend-down"));
  }

  record Answer(int exitCode, String stdout) {
  }

  private static void assertMatchesSnapshot(ApplicationContext agent, String probe, List<String> flags) throws Exception {
    SnapshotStore store = agent.getBean(Agent.class).snapshots();
    List<String> args = new ArrayList<>(flags);
    args.addAll(List.of("-c", "check_" + probe));
    // a new snapshot may land between the query and our read: retry a few times
    Answer answer = null;
    ProbeResult snapshot = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      ProbeResult before = store.latest(probe).orElseThrow();
      answer = checkNrpe(args);
      snapshot = store.latest(probe).orElseThrow();
      if (snapshot == before) {
        break;
      }
    }
    String expected = snapshot.pluginOutput();
    if (flags.contains("-2") && expected.length() > 1023) {
      expected = expected.substring(0, 1023);
    }
    assertThat(answer).as(probe + " " + flags).isEqualTo(new Answer(snapshot.state().exitCode(), expected));
  }

  private static Answer checkNrpe(List<String> args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(CHECK_NRPE, "-H", "127.0.0.1", "-t", "10"));
    argv.addAll(args);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Answer(p.exitValue(), out.endsWith("\n") ? out.substring(0, out.length() - 1) : out);
  }

  private static void run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
