package io.vigil.nagios.config.objects;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Outputs as lab-recipe section 7 recorded them from nagios4 4.4.6. */
class NagiosPreflightTest {

  @Test
  void readsACleanRun() {
    NagiosPreflight result = NagiosPreflight.parse(0, """
        Checking misc settings...

        Total Warnings: 0
        Total Errors:   0

        Things look okay - No serious problems were detected during the pre-flight check
        """);

    assertThat(result.clean()).isTrue();
    assertThat(result.errors()).isEmpty();
  }

  @Test
  void readsTheErrorLinesOfAFailedRun() {
    NagiosPreflight result = NagiosPreflight.parse(1, """
        Error: Service check command 'check_missing!x' specified in service 'pg-replication-lag' for host 'db1' not defined anywhere!
        Checking misc settings...

        Total Warnings: 0
        Total Errors:   1

        ***> One or more problems was encountered while running the pre-flight check...
        """);

    assertThat(result.clean()).isFalse();
    assertThat(result.totalErrors()).isEqualTo(1);
    assertThat(result.totalWarnings()).isZero();
    assertThat(result.errors()).containsExactly("Error: Service check command 'check_missing!x' specified in service"
        + " 'pg-replication-lag' for host 'db1' not defined anywhere!");
  }

  @Test
  void readsARunThatStoppedBeforeCounting() {
    NagiosPreflight result = NagiosPreflight.parse(254, "Error: Cannot open main configuration file '/x/nope.cfg' for reading!\n");

    assertThat(result.totalErrors()).isEqualTo(-1);
    assertThat(result.totalWarnings()).isEqualTo(-1);
    assertThat(result.errors()).containsExactly("Error: Cannot open main configuration file '/x/nope.cfg' for reading!");
    assertThat(result.clean()).isFalse();
  }

  @Test
  void readsWarnings() {
    NagiosPreflight result = NagiosPreflight.parse(0,
        "Warning: Nothing specified for illegal_macro_output_chars variable!\n\nTotal Warnings: 1\nTotal Errors:   0\n");

    assertThat(result.warnings()).containsExactly("Warning: Nothing specified for illegal_macro_output_chars variable!");
    assertThat(result.clean()).isFalse();
  }
}
