package io.vigil.remediations;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One kind of action the planner can take ({@code pgpool_attach}, {@code ssh_restart},
 * {@code memcached_flush}, ...). A type is configured once at start-up from the {@code options:} of a
 * {@code remediations:} entry of the Vigil configuration; what it needs per target (a pgpool node id,
 * an SSH address, a service name) is part of those options, keyed by the target host.
 */
public interface RemediationType {

  /** The name used as {@code type:} in the configuration. */
  String name();

  /**
   * Validates the options and builds the remediation. Unknown keys, missing keys and bad values are
   * refused with an {@link IllegalArgumentException} whose message names the key (the caller adds file
   * and line).
   *
   * @param options the YAML mapping under {@code options:}, as plain maps, lists and scalars
   */
  Remediation configure(Map<String, Object> options);

  /** A type from its name and its configure function. */
  static RemediationType of(String name, Function<Map<String, Object>, Remediation> configure) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configure, "configure");
    return new RemediationType() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Remediation configure(Map<String, Object> options) {
        return configure.apply(options);
      }
    };
  }
}
