package io.vigil.remediations.postgres;

import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.internal.Options;
import io.vigil.remediations.internal.Targets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code type: wal_replay_resume}: {@code SELECT pg_wal_replay_resume()} on a standby whose replay
 * is paused, the least invasive fix for that cause of lag (nothing restarts, no connection drops).
 *
 * <pre>{@code
 * remediations:
 *   resume-replay:
 *     type: wal_replay_resume
 *     options:
 *       targets: {db-replica1: {host: 10.0.0.11, port: 5432}}
 * }</pre>
 */
public final class WalReplayResume implements Remediation {

  public static final String TYPE = "wal_replay_resume";
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9@._-]{0,62}");

  private final Targets<PostgresBackend> targets;

  WalReplayResume(Targets<PostgresBackend> targets) {
    this.targets = targets;
  }

  /** The {@code wal_replay_resume} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, options -> {
        Options o = Options.of(options);
        String user = o.matching("db_user", "postgres", NAME, "a PostgreSQL role name");
        String database = o.matching("db_name", "postgres", NAME, "a database name");
        Duration timeout = o.duration("db_timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
        Map<String, Options> sections = o.requiredSections("targets", "each standby by inventory host name, "
            + "e.g. {db-replica1: {host: 10.0.0.11, port: 5432}}");
        o.rejectUnknown();
        Map<String, PostgresBackend> targets = new LinkedHashMap<>();
        for (Map.Entry<String, Options> e : sections.entrySet()) {
          Options t = e.getValue();
          String host = t.matching("host", null, HOST, "a host name or address");
          if (host == null) {
            throw new IllegalArgumentException("option '" + t.path("host") + "': required (the standby's address)");
          }
          int port = t.port("port", 5432);
          t.rejectUnknown();
          targets.put(e.getKey(), new PostgresBackend(host, port, database, user, "wal-replay-resume", timeout));
        }
        return new WalReplayResume(new Targets<>(TYPE, "standby", targets));
    });
  }

  @Override
  public String render(ActionTarget target) {
    return "SELECT pg_wal_replay_resume()   # on " + target.host() + " (" + targets.require(target).address() + ")";
  }

  @Override
  public Precondition preconditions(ActionTarget target) {
    PostgresBackend b = targets.find(target);
    if (b == null) {
      return Precondition.refused(targets.missing(target), Map.of());
    }
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("backend", b.address());
    PostgresBackend.Standby self;
    try {
      self = b.self();
    } catch (SQLException e) {
      facts.put("reachable", "false");
      return Precondition.refused(b.address() + " does not accept connections: " + PostgresBackend.reason(e), facts);
    }
    facts.put("reachable", "true");
    facts.put("in_recovery", Boolean.toString(self.inRecovery()));
    if (!self.inRecovery()) {
      return Precondition.refused(target.host() + " (" + b.address() + ") is not in recovery: no replay to resume", facts);
    }
    facts.put("replay_paused", Boolean.toString(self.replayPaused()));
    if (!self.replayPaused()) {
      return Precondition.refused(target.host() + " (" + b.address() + "): WAL replay is not paused", facts);
    }
    return Precondition.holds(target.host() + " (" + b.address() + "): a standby with WAL replay paused", facts);
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException {
    PostgresBackend b = targets.find(target);
    if (b == null) {
      return ActionResult.failed(targets.missing(target));
    }
    try {
      b.resumeReplay();
      return ActionResult.ok("pg_wal_replay_resume() on " + target.host() + " (" + b.address() + ")");
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.startsWith("08")) {
        throw new TransientActionException(b.address() + ": " + PostgresBackend.reason(e), e);
      }
      return ActionResult.failed("pg_wal_replay_resume() on " + b.address() + " failed: " + PostgresBackend.reason(e));
    }
  }

  /** Healthy once the standby no longer reports its replay paused. */
  @Override
  public Verdict verify(ActionTarget target) {
    PostgresBackend b = targets.find(target);
    if (b == null) {
      return Verdict.USE_PROBE;
    }
    try {
      PostgresBackend.Standby self = b.self();
      return self.inRecovery() && !self.replayPaused() ? Verdict.HEALTHY : Verdict.NOT_YET;
    } catch (SQLException e) {
      return Verdict.NOT_YET;
    }
  }

  @Override
  public void close() {
    targets.forEach(PostgresBackend::close);
  }
}
