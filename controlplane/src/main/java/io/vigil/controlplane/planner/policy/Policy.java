package io.vigil.controlplane.planner.policy;

import io.vigil.probes.CheckState;
import java.time.Duration;
import java.util.Set;

/**
 * What to do about a check's problem, and how much autonomy to take.
 *
 * <pre>{@code
 * - name: reattach-pgpool-standby
 *   check: pgpool_nodes          # the probe name on any host
 *   on: [CRITICAL]               # HARD states that trigger it
 *   action: pgpool_attach        # a remediation
 *   mode: auto                   # observe | dry-run | approve | auto
 *   tier: db-pool                # blast-radius group
 *   budget: {attempts: 3, window: 1h, backoff: 10s, max_backoff: 5m, reset_after_healthy: 10m}
 * }</pre>
 */
public record Policy(String name, String check, Set<CheckState> on, String action, Mode mode, String tier,
    BudgetRules budget, Duration approvalDeadline) {

  /** Graduated autonomy: record only, record the exact command, wait for an operator, or act. */
  public enum Mode { OBSERVE, DRY_RUN, APPROVE, AUTO }

  public Policy {
    on = Set.copyOf(on);
    if (on.isEmpty() || on.contains(CheckState.OK)) {
      throw new IllegalArgumentException("policy " + name + ": 'on' must list problem states (WARNING, CRITICAL, UNKNOWN)");
    }
  }
}
