package io.vigil.nagios.nrpe;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The commands the server tests answer, named and worded like the lab's nrpe daemon's
 * (lab/components/nrpe.sh), so that both can be asked the same question:
 *
 * <ul>
 *   <li>{@code check_ok} "OK: all-good" 0, {@code check_crit} "CRITICAL: backend-down" 2;
 *   <li>{@code check_long}: the lab's {@code printf 'OK - %02000d|x=1\n' 7}, trailing newline included;
 *   <li>{@code check_slow}: completes after 5 s, like a probe stuck on I/O;
 *   <li>{@code check_64k}: 65,535 characters, the most a v4 packet carries; {@code check_70k}: 70,000;
 *   <li>{@code check_echo}: the only one that takes arguments, and echoes them;
 *   <li>{@code check_empty}, {@code check_newline}, {@code check_nul}, {@code check_fails},
 *       {@code check_throws}, {@code check_never}: the edges of answering.
 * </ul>
 */
final class TestCommands implements NrpeCommands {

  static final String LONG = String.format("OK - %02000d|x=1\n", 7);
  static final String OUTPUT_64K = "OK - " + "x".repeat(NrpeLimits.MAX_TEXT_BYTES - 5);
  static final String OUTPUT_70K = "OK - " + "y".repeat(70_000 - 5);

  @Override
  public Optional<CompletionStage<NrpeAnswer>> answer(String command, List<String> arguments) {
    return switch (command) {
      case "check_ok" -> now(0, "OK: all-good");
      case "check_crit" -> now(2, "CRITICAL: backend-down");
      case "check_long" -> now(0, LONG);
      case "check_64k" -> now(0, OUTPUT_64K);
      case "check_70k" -> now(0, OUTPUT_70K);
      case "check_slow" -> Optional.of(CompletableFuture.supplyAsync(() -> new NrpeAnswer(0, "OK: slow but fine"),
          CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS)));
      case "check_echo" -> now(0, "OK: " + String.join(" ", arguments));
      case "check_empty" -> now(0, "");
      case "check_newline" -> now(1, "WARNING: two lines\nsecond\n");
      case "check_nul" -> now(0, "OK: before\0after");
      case "check_fails" -> Optional.of(CompletableFuture.failedFuture(new IllegalStateException("probe broke")));
      case "check_throws" -> throw new IllegalStateException("answer() broke");
      case "check_never" -> Optional.of(new CompletableFuture<>());
      default -> Optional.empty();
    };
  }

  @Override
  public boolean acceptsArguments(String command) {
    return command.equals("check_echo");
  }

  private static Optional<CompletionStage<NrpeAnswer>> now(int code, String output) {
    return Optional.of(CompletableFuture.completedFuture(new NrpeAnswer(code, output)));
  }
}
