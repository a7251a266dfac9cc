package io.vigil.controlplane.planner.store;

/**
 * The store cannot do what was asked: it cannot be opened (locked, corrupt, unreachable, wrong
 * credentials) or a read or write failed. The message says which store and what to do about it;
 * it never contains a password.
 */
public class StoreException extends RuntimeException {

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
