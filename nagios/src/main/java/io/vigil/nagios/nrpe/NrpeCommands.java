package io.vigil.nagios.nrpe;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the NRPE server answers with: a command name (and, only where a command allows them,
 * arguments) in, a result code and output out. The agent's implementation answers Vigil probes
 * from their latest snapshot without I/O; an nrpe.cfg implementation runs the configured plugin,
 * bounded by {@code command_timeout}, as nrpe does.
 */
public interface NrpeCommands {

  /**
   * The answer to {@code command}, or empty when no such command is defined (the server then
   * answers {@code NRPE: Command '<name>' not defined} with UNKNOWN, as nrpe does).
   *
   * @param arguments the {@code !}-separated arguments, already checked by the server against
   *                  nrpe's metacharacters; empty unless {@link #acceptsArguments} said yes
   */
  Optional<CompletionStage<NrpeAnswer>> answer(String command, List<String> arguments);

  /** Whether {@code command} may be given arguments (nrpe's {@code dont_blame_nrpe}, per command). */
  default boolean acceptsArguments(String command) {
    return false;
  }

  /** A result code (0..3) and the plugin-style output line(s). */
  record NrpeAnswer(int resultCode, String output) {
    public NrpeAnswer {
      if (resultCode < 0 || resultCode > 3) {
        throw new IllegalArgumentException("result code " + resultCode + " (expected: 0..3)");
      }
      output = output == null ? "" : output;
    }
  }

  /** Commands tried in order: the first that defines a name answers it. */
  static NrpeCommands firstOf(List<NrpeCommands> sources) {
    return new NrpeCommands() {
      @Override
      public Optional<CompletionStage<NrpeAnswer>> answer(String command, List<String> arguments) {
        for (NrpeCommands source : sources) {
          Optional<CompletionStage<NrpeAnswer>> answer = source.answer(command, arguments);
          if (answer.isPresent()) {
            return answer;
          }
        }
        return Optional.empty();
      }

      @Override
      public boolean acceptsArguments(String command) {
        return sources.stream().anyMatch(s -> s.acceptsArguments(command));
      }
    };
  }
}
