package io.vigil.controlplane.agent;

import io.vigil.nagios.nrpe.NrpeCommands;
import io.vigil.probes.CheckState;
import io.vigil.probes.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers NRPE's {@code check_<probe>} from the probe's latest snapshot, without any I/O, so an
 * NRPE query costs microseconds however slow the probe is. No result yet, or one older than the
 * probe's staleness bound (three intervals plus its timeout), is UNKNOWN and says so.
 */
public final class AgentNrpeCommands implements NrpeCommands {

  static final String PREFIX = "check_";

  private final SnapshotStore store;
  private final Map<String, Duration> staleAfter;
  private final Clock clock;

  /**
   * @param staleAfter per probe name, how old a result may be before it no longer counts
   */
  public AgentNrpeCommands(SnapshotStore store, Map<String, Duration> staleAfter, Clock clock) {
    this.store = store;
    this.staleAfter = Map.copyOf(staleAfter);
    this.clock = clock;
  }

  @Override
  public Optional<CompletionStage<NrpeAnswer>> answer(String command, List<String> arguments) {
    if (!command.startsWith(PREFIX) || !staleAfter.containsKey(command.substring(PREFIX.length()))) {
      return Optional.empty();
    }
    String probe = command.substring(PREFIX.length());
    return Optional.of(CompletableFuture.completedFuture(answerFor(probe)));
  }

  private NrpeAnswer answerFor(String probe) {
    Optional<ProbeResult> latest = store.latest(probe);
    if (latest.isEmpty()) {
      return new NrpeAnswer(CheckState.UNKNOWN.exitCode(), "UNKNOWN: " + probe + " has no result yet (agent starting)");
    }
    ProbeResult result = latest.get();
    Duration age = Duration.between(result.at(), clock.instant());
    if (age.compareTo(staleAfter.get(probe)) > 0) {
      return new NrpeAnswer(CheckState.UNKNOWN.exitCode(), "UNKNOWN: " + probe + " result is stale ("
          + age.toSeconds() + "s old, probe not completing); last: " + result.pluginOutput());
    }
    return new NrpeAnswer(result.state().exitCode(), result.pluginOutput());
  }

  /** Three intervals plus the deadline: a probe that stops completing is noticed within that. */
  public static Duration staleBound(Duration interval, Duration timeout) {
    return interval.multipliedBy(3).plus(timeout);
  }
}
