package io.vigil.probes.postgres;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Thresholds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what a primary or a standby reported into a state, a summary and perfdata. Pure: no I/O,
 * so every rule is tested without a database.
 *
 * <p>Rules: a missing expected standby, or a primary that is in recovery, or a "replica" that is
 * not, is CRITICAL; a standby that is not {@code streaming}, a paused replay or a standby without a
 * WAL receiver is WARNING; the lags go against {@link LagTolerances}. A value the server reported
 * as NULL is shown as {@code ?} and {@code U} and never alerts by itself.
 */
final class LagVerdict {

  /** What a perfdata label cannot hold ({@link Perfdata} refuses '=' and control characters). */
  private static final Pattern LABEL_UNSAFE = Pattern.compile("[=\\p{Cntrl}]");

  private LagVerdict() {
  }

  /**
   * @param inRecovery the server asked as a primary is itself a standby
   * @param expected   application_names that must be connected; empty means "at least one"
   */
  static Observation ofPrimary(String target, boolean inRecovery, List<StandbyLag> standbys, List<String> expected,
      LagTolerances tolerances) {
    if (inRecovery) {
      return Observation.of(CheckState.CRITICAL, target + " is a standby (pg_is_in_recovery() is true), not a primary");
    }
    Findings findings = new Findings();
    Set<String> labels = new HashSet<>();
    List<StandbyLag> replicas = standbys.stream().filter(s -> !s.state().equals("backup")).toList();
    for (String name : expected) {
      if (replicas.stream().noneMatch(s -> s.applicationName().equals(name))) {
        findings.add(CheckState.CRITICAL, name + " missing from pg_stat_replication");
        findings.perfdata.add(Perfdata.of(uniqueLabel(labels, name) + "_lag_bytes", Double.NaN, "B").withMin(0));
      }
    }
    if (expected.isEmpty() && replicas.isEmpty()) {
      findings.add(CheckState.CRITICAL, "no standby is connected (pg_stat_replication is empty)");
    }
    for (StandbyLag s : replicas) {
      String name = s.applicationName().isEmpty() ? "(no application_name)" : s.applicationName();
      String label = uniqueLabel(labels, name);
      Judgement j = new Judgement();
      if (!s.state().equals("streaming")) {
        j.note(CheckState.WARNING, "state " + s.state());
      }
      j.check("replication lag", s.replicationLagBytes(), " B", tolerances.replicationLag());
      j.check("apply lag", s.applyLagBytes(), " B", tolerances.applyLag());
      j.check("replay lag", s.replayLagSeconds(), "s", tolerances.timeLag());
      String receive = s.replicationLagBytes() > 0 ? " receive " + bytes(s.replicationLagBytes()) + " B behind," : "";
      findings.add(j.state, name + receive + " replay " + bytes(s.lagBytes()) + " B behind, replay lag "
          + seconds(s.replayLagSeconds()) + " (" + s.state() + " " + s.syncState() + ")" + j.notes());
      findings.perfdata.add(Perfdata.of(label + "_lag_bytes", s.lagBytes(), "B").withMin(0));
      findings.perfdata.add(Perfdata.of(label + "_replication_lag_bytes", s.replicationLagBytes(), "B")
          .withThresholds(tolerances.replicationLag()).withMin(0));
      findings.perfdata.add(Perfdata.of(label + "_apply_lag_bytes", s.applyLagBytes(), "B")
          .withThresholds(tolerances.applyLag()).withMin(0));
      findings.perfdata.add(Perfdata.of(label + "_write_lag_seconds", s.writeLagSeconds(), "s").withMin(0));
      findings.perfdata.add(Perfdata.of(label + "_flush_lag_seconds", s.flushLagSeconds(), "s").withMin(0));
      findings.perfdata.add(Perfdata.of(label + "_replay_lag_seconds", s.replayLagSeconds(), "s")
          .withThresholds(tolerances.timeLag()).withMin(0));
    }
    findings.perfdata.add(Perfdata.of("standbys", replicas.size(), "").withMin(0));
    return findings.observation();
  }

  static Observation ofReplica(String target, ReplicaStatus s, LagTolerances tolerances) {
    if (!s.inRecovery()) {
      return Observation.of(CheckState.CRITICAL, target + " is not a standby (pg_is_in_recovery() is false)",
          Perfdata.of("replay_paused", 0, ""));
    }
    String name = s.applicationName() == null ? "standby " + target : s.applicationName();
    Judgement j = new Judgement();
    if (s.replayPaused()) {
      j.worsen(CheckState.WARNING);   // the summary already says "(replay paused)"
    }
    if (s.receiverStatus() == null) {
      j.note(CheckState.WARNING, "no WAL receiver, not streaming from the primary");
    } else if (!s.receiverStatus().equals("streaming")) {
      j.note(CheckState.WARNING, "WAL receiver " + s.receiverStatus());
    }
    j.check("apply lag", s.applyLagBytes(), " B", tolerances.applyLag());
    j.check("time lag", s.lagSeconds(), "s", tolerances.timeLag());
    String summary = name + " replay " + bytes(s.applyLagBytes()) + " B behind" + (s.replayPaused() ? " (replay paused)" : "")
        + ", " + seconds(s.lagSeconds()) + " behind the primary" + j.notes();
    return new Observation(j.state, summary, List.of(
        Perfdata.of("apply_lag_bytes", s.applyLagBytes(), "B").withThresholds(tolerances.applyLag()).withMin(0),
        Perfdata.of("lag_seconds", s.lagSeconds(), "s").withThresholds(tolerances.timeLag()).withMin(0),
        Perfdata.of("replay_paused", s.replayPaused() ? 1 : 0, "").withMin(0).withMax(1)));
  }

  /** A perfdata label prefix from an application_name: no {@code =}, and unique within one result. */
  private static String uniqueLabel(Set<String> used, String name) {
    String base = LABEL_UNSAFE.matcher(name).replaceAll("_");
    String label = base;
    for (int n = 2; !used.add(label); n++) {
      label = base + "_" + n;   // two walsenders may share an application_name (default: walreceiver)
    }
    return label;
  }

  static String bytes(double value) {
    return Double.isNaN(value) ? "?" : Long.toString((long) value);
  }

  /** {@code 4.6s}: seconds to one decimal. */
  static String seconds(double value) {
    if (Double.isNaN(value)) {
      return "?s";
    }
    long tenths = Math.round(value * 10);
    return (tenths < 0 ? "-" : "") + Math.abs(tenths) / 10 + "." + Math.abs(tenths) % 10 + "s";
  }

  /** The state and the reasons for one standby. */
  private static final class Judgement {
    private CheckState state = CheckState.OK;
    private final List<String> reasons = new ArrayList<>();

    void note(CheckState noteState, String reason) {
      worsen(noteState);
      reasons.add(reason);
    }

    void worsen(CheckState other) {
      state = state.worse(other);
    }

    /** A value against its thresholds; NaN (NULL from the server) is no reading, not an alert. */
    void check(String what, double value, String unit, Thresholds thresholds) {
      if (Double.isNaN(value)) {
        return;
      }
      CheckState s = thresholds.evaluate(value);
      if (s != CheckState.OK) {
        String range = String.valueOf(s == CheckState.CRITICAL ? thresholds.critical() : thresholds.warning());
        String shown = unit.equals("s") ? seconds(value) : bytes(value) + unit;
        note(s, what + " " + shown + " outside " + s.name().toLowerCase(Locale.ROOT) + " range " + range);
      }
    }

    String notes() {
      return reasons.isEmpty() ? "" : ": " + String.join(", ", reasons);
    }
  }

  /** Phrases and perfdata of one result; the phrases of what is wrong come first. */
  private static final class Findings {
    private CheckState state = CheckState.OK;
    private final List<String> problems = new ArrayList<>();
    private final List<String> fine = new ArrayList<>();
    private final List<Perfdata> perfdata = new ArrayList<>();

    void add(CheckState phraseState, String phrase) {
      state = state.worse(phraseState);
      (phraseState == CheckState.OK ? fine : problems).add(phrase);
    }

    Observation observation() {
      List<String> all = new ArrayList<>(problems);
      all.addAll(fine);
      return new Observation(state, String.join("; ", all), perfdata);
    }
  }
}
