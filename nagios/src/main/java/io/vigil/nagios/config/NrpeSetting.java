package io.vigil.nagios.config;

/**
 * A {@code name=value} line of nrpe.cfg that Vigil keeps but does not act on, such as
 * {@code pid_file} or {@code log_facility}, or a name nrpe itself does not know (likely a typo).
 *
 * @param knownToNrpe whether nrpe 4.1 reads this name; false means nrpe ignores it too
 */
public record NrpeSetting(String name, String value, ConfigLocation location, boolean knownToNrpe) {

  @Override
  public String toString() {
    return location + ": " + name + "=" + value + (knownToNrpe ? "" : " (unknown to nrpe)");
  }
}
