package io.vigil.controlplane.planner.policy;

/**
 * Caps on how much of one tier may be acted on at once, checked against live health: at most
 * {@code maxConcurrent} actions in flight (one of N web heads restarting), and never so many that
 * more than {@code maxUnhealthyFraction} of the tier's members would be down or being repaired at
 * once (never restart more than half a worker pool). An {@code exclusive} tier allows no two actions
 * at once across all its members (never act on the primary and a replica together).
 */
public record BlastRadius(int maxConcurrent, double maxUnhealthyFraction, boolean exclusive) {

  public static final BlastRadius DEFAULT = new BlastRadius(1, 0.5, false);

  public BlastRadius {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("max_concurrent: " + maxConcurrent + " (expected: at least 1)");
    }
    if (!(maxUnhealthyFraction > 0 && maxUnhealthyFraction <= 1)) {
      throw new IllegalArgumentException("max_unhealthy_fraction: " + maxUnhealthyFraction + " (expected: 0 < f <= 1)");
    }
  }
}
