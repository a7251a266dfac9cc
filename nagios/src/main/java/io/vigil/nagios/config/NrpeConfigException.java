package io.vigil.nagios.config;

import java.util.List;

/**
 * An nrpe.cfg that Vigil will not run. Every problem found is listed, each as
 * {@code file:line: what}, so an administrator fixes them all in one pass.
 */
public final class NrpeConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public NrpeConfigException(List<String> problems) {
    super(String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: empty (expected: at least one)");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems, in the order the files were read; each starts with {@code file:line: }. */
  public List<String> problems() {
    return problems;
  }
}
