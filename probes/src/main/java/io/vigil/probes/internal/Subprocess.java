package io.vigil.probes.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program from an argv list (never a shell string) with a deadline and a bound on the
 * output kept, and kills it and its children by PID when the deadline passes. Used where I/O may
 * hang in the kernel (statfs or writes on a dead FUSE mount) and for Nagios plugins: the JVM thread
 * only waits, so it is never the one stuck.
 */
public final class Subprocess {

  /** What a finished (or killed) program did. */
  public record Outcome(int exitCode, String stdout, String stderr, boolean timedOut) {
  }

  private Subprocess() {
  }

  /**
   * Runs {@code argv} with stdin closed.
   *
   * @param maxOutput bytes of stdout (and of stderr) kept; the rest is read and dropped
   * @throws IOException when the program cannot be started (e.g. it does not exist)
   */
  public static Outcome run(List<String> argv, Duration timeout, int maxOutput) throws IOException, InterruptedException {
    return run(argv, Map.of(), timeout, maxOutput);
  }

  /**
   * Runs {@code argv} with stdin closed and {@code env} added to the JVM's environment (e.g.
   * {@code PCPPASSFILE} for pgpool's pcp commands, which take their password from no other place).
   */
  public static Outcome run(List<String> argv, Map<String, String> env, Duration timeout, int maxOutput)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().putAll(env);
    return run(builder, timeout, maxOutput);
  }

  /**
   * Runs a plugin as nrpe does: with a cleared environment (the agent's own variables, which may
   * hold secrets, are not passed on), a minimal PATH, {@code NRPE_MULTILINESUPPORT=1}, in {@code /}.
   */
  public static Outcome runPlugin(List<String> argv, Duration timeout, int maxOutput) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .directory(new java.io.File("/"));
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    environment.put("LANG", "C");
    environment.put("NRPE_MULTILINESUPPORT", "1");
    return run(builder, timeout, maxOutput);
  }

  private static Outcome run(ProcessBuilder builder, Duration timeout, int maxOutput) throws IOException, InterruptedException {
    Process process = builder.start();
    Drain out = new Drain(process.getInputStream(), maxOutput);
    Drain err = new Drain(process.getErrorStream(), maxOutput);
    out.start();
    err.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      kill(process);
      throw e;
    }
    if (!finished) {
      kill(process);
    }
    // readers end when the pipes close; a killed child stuck in D state may hold them, so bound the wait
    out.join(200);
    err.join(200);
    return new Outcome(finished ? process.exitValue() : -1, out.text(), err.text(), !finished);
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** Reads a stream to its end on its own daemon thread, keeping at most {@code max} bytes. */
  private static final class Drain extends Thread {
    private final InputStream in;
    private final int max;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

    Drain(InputStream in, int max) {
      super("vigil-subprocess-drain");
      setDaemon(true);
      this.in = in;
      this.max = max;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (kept) {
            int room = max - kept.size();
            if (room > 0) {
              kept.write(buffer, 0, Math.min(n, room));
            }
          }
        }
      } catch (IOException ignored) {
        // the process went away; what was read is kept
      }
    }

    String text() {
      synchronized (kept) {
        return kept.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
