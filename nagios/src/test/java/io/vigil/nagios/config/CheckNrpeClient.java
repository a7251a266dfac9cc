package io.vigil.nagios.config;

import io.vigil.probes.internal.Subprocess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real check_nrpe 4.1 (Debian nagios-nrpe-plugin), plaintext, as Nagios would run it. */
final class CheckNrpeClient {

  static final String CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe";

  /** What check_nrpe printed on stdout and its exit code. */
  record Printed(int exitCode, String stdout) {
  }

  private CheckNrpeClient() {
  }

  static Printed query(int port, String command) {
    List<String> argv = new ArrayList<>(List.of(CHECK_NRPE, "-n", "-H", "127.0.0.1", "-p", String.valueOf(port),
        "-t", "30", "-c", command));
    try {
      Subprocess.Outcome outcome = Subprocess.run(argv, Duration.ofSeconds(40), 1 << 20);
      if (outcome.timedOut()) {
        throw new IllegalStateException(argv + " timed out");
      }
      return new Printed(outcome.exitCode(), outcome.stdout());
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
