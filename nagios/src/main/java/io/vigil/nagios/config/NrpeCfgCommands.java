package io.vigil.nagios.config;

import io.vigil.nagios.nrpe.NrpeCommands;
import io.vigil.probes.internal.Subprocess;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers NRPE queries by running the plugins of an existing nrpe.cfg on demand, as nrpe does: one
 * run per query, killed at {@code command_timeout}, its output and exit code turned into an answer
 * by nrpe's rules (see {@link NrpeCfgAnswers}). Programs run from their argv list, never through a
 * shell, with stdin from /dev/null.
 *
 * <pre>{@code
 * try (NrpeCfgCommands cfg = NrpeCfgCommands.of(NrpeConfig.parse(Path.of("/etc/nagios/nrpe.cfg")))) {
 *   NrpeCommands all = NrpeCommands.firstOf(List.of(agentProbes, cfg));
 *   ...
 * }
 * }</pre>
 *
 * <p>A bulkhead bounds the plugins running at once, so a flood of queries cannot fork-bomb the host:
 * {@code max_commands} when nrpe.cfg sets it, else {@value #DEFAULT_MAX_RUNNING}. A query that finds
 * it full is answered at once with UNKNOWN {@value #TOO_MANY_RUNNING}. (nrpe 4.1 instead makes the
 * query's process sleep until a slot frees, which holds its connection open.)
 */
public final class NrpeCfgCommands implements NrpeCommands, AutoCloseable {

  /** The answer when the bulkhead is full. */
  public static final String TOO_MANY_RUNNING = "NRPE: too many commands running";

  /** Plugins running at once when nrpe.cfg sets no {@code max_commands}: enough for a 2-core host. */
  public static final int DEFAULT_MAX_RUNNING = 4;

  /** Output bytes kept: nrpe 4.1 reads at most 64 KiB ({@code output_size = 1024 * 64}). */
  static final int MAX_OUTPUT_BYTES = 64 * 1024;

  private static final System.Logger LOG = System.getLogger(NrpeCfgCommands.class.getName());

  private final NrpeConfig config;
  private final Semaphore slots;
  private final int maxRunning;
  private final ExecutorService runners;
  private volatile boolean closed;

  /** With nrpe.cfg's {@code max_commands} as the bulkhead, or {@value #DEFAULT_MAX_RUNNING}. */
  public static NrpeCfgCommands of(NrpeConfig config) {
    return new NrpeCfgCommands(config, config.maxCommands() > 0 ? config.maxCommands() : DEFAULT_MAX_RUNNING);
  }

  /** @param maxRunning plugins allowed to run at once; more queries are answered UNKNOWN */
  public NrpeCfgCommands(NrpeConfig config, int maxRunning) {
    if (maxRunning < 1) {
      throw new IllegalArgumentException("maxRunning: " + maxRunning + " (expected: >= 1)");
    }
    this.config = config;
    this.maxRunning = maxRunning;
    this.slots = new Semaphore(maxRunning);
    this.runners = Executors.newFixedThreadPool(maxRunning, named("vigil-nrpe-cfg-"));
  }

  @Override
  public Optional<CompletionStage<NrpeAnswer>> answer(String command, List<String> arguments) {
    Optional<NrpeCommandLine> line = config.command(command);
    if (line.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> refused = NrpeCfgAnswers.refusal(arguments, config.dontBlameNrpe(), config.nastyMetachars());
    if (refused.isPresent()) {
      return Optional.of(CompletableFuture.completedFuture(
          NrpeCfgAnswers.unknown("NRPE: Command '" + command + "' refused: " + refused.get())));
    }
    List<String> argv = argv(line.get(), arguments);
    if (!slots.tryAcquire()) {
      return Optional.of(CompletableFuture.completedFuture(NrpeCfgAnswers.unknown(TOO_MANY_RUNNING)));
    }
    CompletableFuture<NrpeAnswer> answer = new CompletableFuture<>();
    try {
      runners.execute(() -> {
        NrpeAnswer result = null;
        Exception failure = null;
        try {
          if (closed) {
            throw new RejectedExecutionException("closed before command[" + command + "] started");
          }
          result = run(command, argv);
        } catch (InterruptedException | RuntimeException e) {
          failure = e; // InterruptedException: close() while running, and the plugin was killed
        } finally {
          slots.release(); // before the answer is seen, so a caller can always run the next query
        }
        if (failure == null) {
          answer.complete(result);
        } else {
          answer.completeExceptionally(failure);
        }
      });
    } catch (RejectedExecutionException e) {
      slots.release();
      answer.completeExceptionally(e);
    }
    return Optional.of(answer);
  }

  /** True only with {@code dont_blame_nrpe=1}, for a command nrpe.cfg defines. */
  @Override
  public boolean acceptsArguments(String command) {
    return config.dontBlameNrpe() && config.commands().containsKey(command);
  }

  /** The configuration these commands come from. */
  public NrpeConfig config() {
    return config;
  }

  /** Plugins running now. */
  public int running() {
    return maxRunning - slots.availablePermits();
  }

  /** Stops taking queries and kills the plugins still running. */
  @Override
  public void close() {
    closed = true;
    // queued queries (rare: slots match threads) still complete, exceptionally, and free their slot
    runners.shutdownNow().forEach(Runnable::run);
  }

  /** {@code command_prefix} and the command's words, with their {@code $ARGn$} macros replaced. */
  List<String> argv(NrpeCommandLine line, List<String> arguments) {
    List<String> words = new ArrayList<>(config.commandPrefix());
    words.addAll(line.argv());
    return NrpeMacros.expand(words, config.dontBlameNrpe() ? arguments : List.of());
  }

  private NrpeAnswer run(String command, List<String> argv) throws InterruptedException {
    long timeoutSeconds = config.commandTimeout().toSeconds();
    try {
      return NrpeCfgAnswers.of(Subprocess.runPlugin(argv, config.commandTimeout(), MAX_OUTPUT_BYTES), timeoutSeconds);
    } catch (IOException e) {
      // nrpe's /bin/sh would print "not found" to stderr, which nrpe drops, and exit 127
      LOG.log(Level.WARNING, "command[{0}]: cannot run {1}: {2}", command, argv.get(0), e.getMessage());
      return NrpeCfgAnswers.unknown(NrpeCfgAnswers.UNABLE_TO_READ_OUTPUT);
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
