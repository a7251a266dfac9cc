package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab components without faults of their own, driven with their real clients: ssh, check_nrpe,
 * Prometheus' HTTP API and node_exporter.
 */
class LabComponentsIT {

  private static final Lab LAB = Lab.get();
  private static final String CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe";
  private static final Pattern SAMPLE_VALUE_1 = Pattern.compile("\"value\":\\[[0-9.]+,\"1\"\\]");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final Path sshd = LAB.dir().resolve("sshd");

  @BeforeAll
  static void labUp() {
    LAB.up("postgres", "pgpool", "sshd", "disk", "nrpe", "prometheus");
  }

  @Test
  void sshd_runsACommandAsRoot_withTheEd25519Key_andStrictHostKeyChecking() {
    Lab.Result result = ssh(sshd.resolve("client_ed25519"), "echo", "vigil-lab-ok");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isEqualTo("vigil-lab-ok\n");
  }

  @Test
  void sshd_acceptsThePemRsaKey_andPassesTheRemoteExitCodeThrough() throws IOException {
    assertThat(Files.readString(sshd.resolve("client_rsa"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    Lab.Result result = ssh(sshd.resolve("client_rsa"), "exit", "7");

    assertThat(result.exitCode()).as(result.output()).isEqualTo(7);
  }

  @Test
  void sshd_refusesAKeyThatIsNotAuthorized() {
    // the host key is a valid key, but not in authorized_keys
    Lab.Result result = ssh(sshd.resolve("ssh_host_ed25519_key"), "true");

    assertThat(result.exitCode()).isEqualTo(255);
    assertThat(result.output()).contains("Permission denied (publickey)");
  }

  @Test
  void sshd_knownHosts_pinsBothHostKeysInBracketedPortForm() throws IOException {
    assertThat(Files.readAllLines(sshd.resolve("known_hosts")))
        .hasSize(2)
        .anySatisfy(line -> assertThat(line).startsWith("[127.0.0.1]:52222 ssh-ed25519 AAAA"))
        .anySatisfy(line -> assertThat(line).startsWith("[127.0.0.1]:52222 ssh-rsa AAAA"));
  }

  @Test
  void nrpeTls_answersCheckOkAndCheckCrit_withTheDummyPluginsOutput() {
    assertThat(nrpe(LabPorts.NRPE_TLS, "-c", "check_ok")).isEqualTo(new Answer(0, "OK: all-good\n"));
    assertThat(nrpe(LabPorts.NRPE_TLS, "-c", "check_crit")).isEqualTo(new Answer(2, "CRITICAL: backend-down\n"));
    assertThat(nrpe(LabPorts.NRPE_TLS)).isEqualTo(new Answer(0, "NRPE v4.1.0\n"));
  }

  @Test
  void nrpePlain_answersOnlyWithoutTls() {
    assertThat(nrpe(LabPorts.NRPE_PLAIN, "-n", "-c", "check_ok")).isEqualTo(new Answer(0, "OK: all-good\n"));
    assertThat(nrpe(LabPorts.NRPE_PLAIN, "-c", "check_ok").exitCode()).as("a TLS client is refused").isEqualTo(2);
  }

  @Test
  void nrpe_reportsUnknownCommands_andTruncatesNothingOverV4() {
    assertThat(nrpe(LabPorts.NRPE_PLAIN, "-n", "-c", "nosuch"))
        .isEqualTo(new Answer(3, "NRPE: Command 'nosuch' not defined\n"));
    Answer longOutput = nrpe(LabPorts.NRPE_TLS, "-c", "check_long");
    assertThat(longOutput.exitCode()).isZero();
    assertThat(longOutput.output()).startsWith("OK - 0000").endsWith("7|x=1\n").hasSize(2010);
  }

  @Test
  void nrpeSlowCommand_outlastsAShortClientTimeout() {
    Answer answer = nrpe(LabPorts.NRPE_PLAIN, "-n", "-t", "1", "-c", "check_slow");

    assertThat(answer).isEqualTo(new Answer(2, "CHECK_NRPE STATE CRITICAL: Socket timeout after 1 seconds.\n"));
  }

  @Test
  void prometheus_isReady_withTheVigilFileSdJob() throws Exception {
    assertThat(get(LabPorts.PROMETHEUS, "/-/ready").statusCode()).isEqualTo(200);

    String config = get(LabPorts.PROMETHEUS, "/api/v1/status/config").body();
    assertThat(config).contains("job_name: vigil").contains("file_sd_configs")
        .contains(LAB.dir().resolve("prometheus/targets") + "/*.json")
        .contains(LAB.dir().resolve("prometheus/rules") + "/*.yml");
  }

  @Test
  void prometheus_scrapesATargetDroppedIntoTheVigilFileSdDirectory_withoutARestart() throws Exception {
    Path targets = LAB.dir().resolve("prometheus/targets/lab-components-it.json");
    Path partial = targets.resolveSibling(targets.getFileName() + ".partial");
    Files.writeString(partial, "[{\"targets\": [\"127.0.0.1:" + LabPorts.NODE_EXPORTER + "\"], "
        + "\"labels\": {\"role\": \"lab-components-it\"}}]");
    // file_sd reacts to the file's creation: it must appear complete
    Files.move(partial, targets, StandardCopyOption.ATOMIC_MOVE);
    try {
      String query = "/api/v1/query?query=up%7Bjob%3D%22vigil%22%2Crole%3D%22lab-components-it%22%7D";
      // file_sd sees the file at once; the first scrape of a new target lands a few seconds later
      LabPolling.await(Duration.ofSeconds(20), "up{job=\"vigil\",role=\"lab-components-it\"} == 1",
          () -> SAMPLE_VALUE_1.matcher(get(LabPorts.PROMETHEUS, query).body()).find());
    } finally {
      Files.deleteIfExists(targets);
    }
  }

  @Test
  void nodeExporter_servesHostMetrics() throws Exception {
    HttpResponse<String> metrics = get(LabPorts.NODE_EXPORTER, "/metrics");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("\nnode_load1 ").contains("\nnode_memory_MemAvailable_bytes ")
        .contains("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"}");
  }

  @Test
  void labStatus_listsEveryComponentOfThisSuiteAsUp() {
    String status = LAB.status().output();

    for (String component : List.of("postgres", "pgpool", "sshd", "disk", "nrpe", "prometheus")) {
      assertThat(status).containsPattern("(?m)^" + component + "\\s+up\\s");
    }
  }

  private Lab.Result ssh(Path key, String... command) {
    List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-p", Integer.toString(LabPorts.SSHD),
        "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes",
        "-o", "UserKnownHostsFile=" + sshd.resolve("known_hosts"), "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "root@" + LabPorts.HOST));
    argv.addAll(List.of(command));
    return LAB.run(argv, Duration.ofSeconds(30));
  }

  /** What check_nrpe printed and its exit code. */
  record Answer(int exitCode, String output) {
  }

  private static Answer nrpe(int port, String... args) {
    List<String> argv = new ArrayList<>(List.of(CHECK_NRPE, "-H", LabPorts.HOST, "-p", Integer.toString(port)));
    argv.addAll(List.of(args));
    Lab.Result result = LAB.run(argv, Duration.ofSeconds(30));
    return new Answer(result.exitCode(), result.output());
  }

  private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + LabPorts.HOST + ":" + port + path))
        .timeout(Duration.ofSeconds(5)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
