package io.vigil.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A handle on the lab of real components that {@code lab/up} starts on 127.0.0.1, for integration
 * tests. {@link #up} is idempotent and cheap when the components already run, so every test class
 * can ask for what it needs while the lab itself is started once per build by {@code bin/test}.
 *
 * <pre>{@code
 * Lab lab = Lab.get();
 * lab.up("pgpool");                       // starts postgres first, as pgpool depends on it
 * lab.fault("pgpool-detach", "1").orThrow();
 * }</pre>
 */
public final class Lab {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  private static volatile Lab instance;

  private final Path repoRoot;
  private final Path dir;

  private Lab(Path repoRoot, Path dir) {
    this.repoRoot = repoRoot;
    this.dir = dir;
  }

  /** The lab of this checkout: the repository is found by walking up to the folder holding lab/up. */
  public static Lab get() {
    Lab lab = instance;
    if (lab == null) {
      synchronized (Lab.class) {
        if (instance == null) {
          String labDir = System.getenv().getOrDefault("VIGIL_LAB_DIR", "/tmp/vigil-lab");
          instance = new Lab(findRepoRoot(), Path.of(labDir));
        }
        lab = instance;
      }
    }
    return lab;
  }

  static Path findRepoRoot() {
    String configured = System.getProperty("vigil.repo");
    if (configured != null) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      if (Files.isExecutable(p.resolve("lab/up")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
      p = p.getParent();
    }
    throw new IllegalStateException("no lab/up found above " + Path.of("").toAbsolutePath()
        + "; set -Dvigil.repo to the repository root");
  }

  /** The repository root. */
  public Path repoRoot() {
    return repoRoot;
  }

  /** The lab's private directory ({@code $VIGIL_LAB_DIR}, default /tmp/vigil-lab). */
  public Path dir() {
    return dir;
  }

  /** Starts the named components (and their dependencies) unless they already run healthy. */
  public void up(String... components) {
    List<String> argv = new ArrayList<>();
    argv.add(script("up"));
    argv.addAll(List.of(components));
    run(argv, Duration.ofMinutes(3)).orThrow();
  }

  /** Injects a fault ({@code lab/fault name args...}). */
  public Result fault(String name, String... args) {
    return labCommand("fault", name, args);
  }

  /** Undoes a fault and waits for the component to be healthy ({@code lab/heal name args...}). */
  public Result heal(String name, String... args) {
    return labCommand("heal", name, args);
  }

  /** {@code lab/status}: exit 0 when every started component is healthy. */
  public Result status() {
    return run(List.of(script("status")), DEFAULT_TIMEOUT);
  }

  private Result labCommand(String verb, String name, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(script(verb));
    argv.add(name);
    argv.addAll(List.of(args));
    return run(argv, DEFAULT_TIMEOUT);
  }

  private String script(String name) {
    return repoRoot.resolve("lab").resolve(name).toString();
  }

  /**
   * Runs a program (an argv list, never a shell string) with stdout and stderr merged, killing it
   * by its PID at the deadline.
   */
  public Result run(List<String> argv, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(Map.of("VIGIL_LAB_DIR", dir.toString()));
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + argv, e);
    }
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return new Result(argv, -1, "timed out after " + timeout + "\n" + output.getNow(""));
      }
      return new Result(argv, process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the output of " + argv, e);
    }
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }

  /** What a lab command or helper program did. */
  public record Result(List<String> argv, int exitCode, String output) {

    public boolean ok() {
      return exitCode == 0;
    }

    /** Returns this result, or throws with the command and its output if it failed. */
    public Result orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException(String.join(" ", argv) + " exited " + exitCode + ":\n" + output);
      }
      return this;
    }
  }
}
