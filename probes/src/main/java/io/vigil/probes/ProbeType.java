package io.vigil.probes;

/**
 * A kind of probe (memcached, disk, pg_replication_lag, ...) that builds configured probes from
 * {@link ProbeOptions}. Creating a probe validates every option and fails with a message naming
 * the bad one; it does no I/O.
 */
public interface ProbeType {

  /** The type's name, as written in config files and after {@code vigil check}. */
  String type();

  /** One line for {@code vigil check --help}. */
  String description();

  /**
   * Builds a probe.
   *
   * @throws IllegalArgumentException for a missing, malformed or unknown option
   */
  Probe create(String name, ProbeOptions options);

  static ProbeType of(String type, String description, Factory factory) {
    return new ProbeType() {
      @Override
      public String type() {
        return type;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public Probe create(String name, ProbeOptions options) {
        Probe probe = factory.create(name, options);
        options.rejectUnknown(type);
        return probe;
      }
    };
  }

  /** Builds a probe from options. */
  @FunctionalInterface
  interface Factory {
    Probe create(String name, ProbeOptions options);
  }
}
