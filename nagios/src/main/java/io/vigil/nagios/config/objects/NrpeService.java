package io.vigil.nagios.config.objects;

import java.time.Duration;
import java.util.Objects;

/**
 * A Nagios service that asks a host's NRPE server for one command: {@code check_nrpe -c <command>}.
 *
 * @param description      the service_description Nagios shows, e.g. {@code PG replication lag}
 * @param command          the NRPE command name, e.g. {@code check_pg_replication_lag}
 * @param checkInterval    how often Nagios checks in OK state (written in minutes, Nagios's default
 *                         {@code interval_length} of 60 s)
 * @param maxCheckAttempts checks in a non-OK state before the state is HARD and notified
 */
public record NrpeService(String description, String command, Duration checkInterval, int maxCheckAttempts) {

  public NrpeService {
    NagiosNames.serviceDescription("service description", description);
    NagiosNames.nrpeCommand("NRPE command of service '" + description + "'", command);
    Objects.requireNonNull(checkInterval, "checkInterval");
    if (checkInterval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("service '" + description + "': check interval " + checkInterval
          + " (expected: at least 1s)");
    }
    if (maxCheckAttempts < 1) {
      throw new IllegalArgumentException("service '" + description + "': max_check_attempts " + maxCheckAttempts
          + " (expected: >= 1)");
    }
  }
}
