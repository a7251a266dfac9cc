package io.vigil.remediations;

/** A connection-level failure (refused, reset, timed out) that a retry with backoff may cure. */
public class TransientActionException extends Exception {

  public TransientActionException(String message, Throwable cause) {
    super(message, cause);
  }

  public TransientActionException(String message) {
    super(message);
  }
}
