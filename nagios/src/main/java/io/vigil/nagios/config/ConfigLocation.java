package io.vigil.nagios.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where something was read: a file and a 1-based line. Prints as {@code file:line}, the form every
 * config error of this package starts with.
 */
public record ConfigLocation(Path file, int line) {

  public ConfigLocation {
    Objects.requireNonNull(file, "file");
    if (line < 1) {
      throw new IllegalArgumentException("line: " + line + " (expected: >= 1)");
    }
  }

  @Override
  public String toString() {
    return file + ":" + line;
  }
}
