package io.vigil.nagios.nrpe;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code check_nrpe} 4.1 from Debian's nagios-nrpe-plugin, run as an argv list (never
 * through a shell) against 127.0.0.1, with stdout and stderr kept apart so tests can assert both
 * exactly. A run that outlives its deadline is killed by its own PID.
 *
 * <pre>{@code
 * CheckNrpe.Result r = CheckNrpe.run(port, "-n", "-c", "check_ok");
 * assertThat(r).isEqualTo(CheckNrpe.Result.of(0, "OK: all-good\n"));
 * }</pre>
 */
final class CheckNrpe {

  static final String BINARY = "/usr/lib/nagios/plugins/check_nrpe";
  static final String HOST = "127.0.0.1";

  private CheckNrpe() {
  }

  /** What check_nrpe did: its exit code, and everything it wrote to stdout and stderr. */
  record Result(int exitCode, String stdout, String stderr) {

    /** A result with nothing on stderr, which is how check_nrpe reports everything but a refused connect. */
    static Result of(int exitCode, String stdout) {
      return new Result(exitCode, stdout, "");
    }
  }

  /** {@code check_nrpe -H 127.0.0.1 -p PORT args...}, killed after 30 s. */
  static Result run(int port, String... args) {
    List<String> argv = new ArrayList<>(List.of(BINARY, "-H", HOST, "-p", Integer.toString(port)));
    argv.addAll(List.of(args));
    return exec(argv);
  }

  static Result exec(List<String> argv) {
    Process process;
    try {
      process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + argv, e);
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException("check_nrpe ran over 30 s: " + argv);
      }
      return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the output of " + argv, e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
