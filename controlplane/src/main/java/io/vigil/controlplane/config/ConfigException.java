package io.vigil.controlplane.config;

/** A configuration problem, with a message that names the file and, where known, line and column. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
