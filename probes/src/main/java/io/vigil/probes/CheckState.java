package io.vigil.probes;

/**
 * The four states of a check, with the exit codes of the Monitoring Plugins guidelines
 * (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
 */
public enum CheckState {
  OK(0),
  WARNING(1),
  CRITICAL(2),
  UNKNOWN(3);

  private final int exitCode;

  CheckState(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** The state for a plugin exit code; anything outside 0..3 is UNKNOWN, as nrpe does. */
  public static CheckState ofExitCode(int code) {
    return switch (code) {
      case 0 -> OK;
      case 1 -> WARNING;
      case 2 -> CRITICAL;
      default -> UNKNOWN;
    };
  }

  /**
   * The more severe of two states, CRITICAL > WARNING > UNKNOWN > OK (monitoring-plugins
   * {@code max_state_alt}), for combining the parts of one check.
   */
  public CheckState worse(CheckState other) {
    return severity() >= other.severity() ? this : other;
  }

  private int severity() {
    return switch (this) {
      case OK -> 0;
      case UNKNOWN -> 1;
      case WARNING -> 2;
      case CRITICAL -> 3;
    };
  }
}
