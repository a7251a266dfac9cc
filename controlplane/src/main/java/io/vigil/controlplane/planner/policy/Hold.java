package io.vigil.controlplane.planner.policy;

import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * A maintenance hold: while it lasts, matching actions are not taken (checks and alerts keep
 * flowing). Scoped by any of host, role, cluster and action; an absent field matches anything, so
 * {@code Hold(host=db2)} holds every action on db2 and {@code Hold(action=pgpool_attach)} holds
 * that action everywhere. Holds always expire ({@code until}) so a forgotten one cannot disable
 * healing for good.
 */
public record Hold(String id, String host, String role, String cluster, String action, Instant until, String reason,
    String by) {

  public Hold {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a hold needs an id");
    }
    if (until == null) {
      throw new IllegalArgumentException("a hold needs an end time ('until'): holds always expire");
    }
    if (host == null && role == null && cluster == null && action == null) {
      throw new IllegalArgumentException("a hold needs a scope: host, role, cluster or action");
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a hold needs a reason, for the timeline");
    }
  }

  /** What an action is about to touch. */
  public record Target(String host, Set<String> roles, String cluster, String action) {
  }

  public boolean activeAt(Instant now) {
    return now.isBefore(until);
  }

  public boolean matches(Target target, Instant now) {
    return activeAt(now)
        && (host == null || host.equals(target.host()))
        && (role == null || target.roles().contains(role))
        && (cluster == null || cluster.equals(target.cluster()))
        && (action == null || action.equals(target.action()));
  }

  /** The first active hold that blocks {@code target}, if any. */
  public static Optional<Hold> blocking(Collection<Hold> holds, Target target, Instant now) {
    return holds.stream().filter(h -> h.matches(target, now)).findFirst();
  }

  /** {@code hold maint-42 on host db2 until 2026-11-22T10:00:00Z by alice: kernel upgrade}. */
  public String describe() {
    StringBuilder scope = new StringBuilder();
    if (host != null) {
      scope.append(" host ").append(host);
    }
    if (role != null) {
      scope.append(" role ").append(role);
    }
    if (cluster != null) {
      scope.append(" cluster ").append(cluster);
    }
    if (action != null) {
      scope.append(" action ").append(action);
    }
    return "hold " + id + " on" + scope + " until " + until + (by == null ? "" : " by " + by) + ": " + reason;
  }
}
