package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.nagios.nrpe.CheckNrpe.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Security;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The opt-in, insecure LEGACY_ANON_DH mode against the real check_nrpe. The server runs in a child
 * JVM ({@link LegacyAnonDhServerMain}, started and stopped by its PID) because the mode edits the
 * JVM-wide {@code jdk.tls.disabledAlgorithms}: this test JVM must keep JSSE's defaults.
 */
class NrpeLegacyAnonDhIT {

  private static Process child;
  private static BufferedReader childOut;
  private static int port;

  @BeforeAll
  static void startChildJvm() throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    child = new ProcessBuilder(List.of(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        LegacyAnonDhServerMain.class.getName())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line = childOut.readLine();
    assertThat(line).as("the child JVM's first line").startsWith("LISTENING ");
    port = Integer.parseInt(line.substring("LISTENING ".length()));
  }

  @AfterAll
  static void stopChildJvm() throws Exception {
    if (child == null) {
      return;
    }
    child.getOutputStream().close(); // the child stops when its stdin closes
    if (!child.waitFor(10, TimeUnit.SECONDS)) {
      child.destroyForcibly(); // by its PID, never by name
      child.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void defaultCheckNrpe_negotiatesAnonymousDh_andGetsTheAnswer() {
    assertThat(CheckNrpe.run(port, "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
    assertThat(CheckNrpe.run(port)).isEqualTo(Result.of(0, "NRPE v4.1.0\n"));
    assertThat(CheckNrpe.run(port, "-2", "-c", "check_crit")).isEqualTo(Result.of(2, "CRITICAL: backend-down\n"));
  }

  @Test
  void forcedAnonymousDh_works() {
    assertThat(CheckNrpe.run(port, "-d", "2", "-c", "check_ok")).isEqualTo(Result.of(0, "OK: all-good\n"));
  }

  @Test
  void clientRefusingAnonymousDh_failsTheHandshake() {
    Result result = CheckNrpe.run(port, "-d", "0", "-c", "check_ok");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stdout()).startsWith("CHECK_NRPE: (ssl_err != 5) Error - Could not complete SSL handshake");
  }

  @Test
  void thisJvm_keepsAnonymousSuitesDisabled() {
    assertThat(Security.getProperty("jdk.tls.disabledAlgorithms")).contains("anon");
  }
}
