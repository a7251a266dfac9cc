package io.vigil.controlplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.controlplane.config.ConfigException;
import io.vigil.controlplane.config.YamlSection;
import io.vigil.probes.ProbeCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {

  private static final String ROLES = """
      roles:
        database-master:
          description: PostgreSQL primary
          probes:
            disk_data:
              type: disk
              interval: 30s
              options: {path: /var/lib/postgresql, warning: 45, critical: 50}
            postgres_port:
              type: tcp
              options: {port: 5432}
        cache:
          probes:
            memcached:
              type: memcached
              interval: 5s
            disk_data:
              type: disk
              options: {path: /var/lib/postgresql, warning: 80, critical: 90}
      """;

  @TempDir
  Path dir;

  private RoleCatalog roles() throws IOException {
    return RoleCatalog.parse(YamlSection.load(Files.writeString(dir.resolve("roles.yml"), ROLES)));
  }

  private AgentSettings parse(String yaml) throws IOException {
    Path file = Files.writeString(dir.resolve("vigil.yml"), yaml);
    return AgentSettings.parse(YamlSection.load(file).section("vigil").section("agent"), roles(), ProbeCatalog.standard());
  }

  @Test
  void aHostGetsItsRolesProbes_andOverridesOnlyWhatDiffers() throws IOException {
    AgentSettings settings = parse("""
        vigil:
          agent:
            host: db1
            roles: [database-master]
            probes:
              disk_data:
                interval: 1m
                options: {path: /srv/pg}
              nightly_dump:
                type: file_freshness
                options: {path: /var/backups}
        """);

    assertThat(settings.host()).isEqualTo("db1");
    assertThat(settings.probes()).extracting(ProbeSpec::name).containsExactly("disk_data", "postgres_port", "nightly_dump");
    ProbeSpec disk = settings.probes().get(0);
    assertThat(disk.interval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(disk.options()).isEqualTo(Map.of("path", "/srv/pg", "warning", "45", "critical", "50"));
    assertThat(settings.probes().get(1).interval()).as("default interval").isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void disabledRemovesARoleProbe_andAnUnknownNameIsAnError() throws IOException {
    assertThat(parse("vigil:\n  agent:\n    roles: [database-master]\n    disabled: [postgres_port]\n").probes())
        .extracting(ProbeSpec::name).containsExactly("disk_data");
    assertThatThrownBy(() -> parse("vigil:\n  agent:\n    roles: [database-master]\n    disabled: [postgress_port]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith(":4:15: no probe named 'postgress_port' to disable (probes: disk_data, postgres_port)");
  }

  @Test
  void anUnknownRole_isNamedAtItsLine_withTheKnownRoles() {
    assertThatThrownBy(() -> parse("vigil:\n  agent:\n    roles: [databse-master]\n"))
        .hasMessageEndingWith("vigil.yml:3:12: unknown role 'databse-master' (known: cache, database-master)");
  }

  @Test
  void aBadOverrideOption_failsAtStartup_atTheOverridesLine() {
    assertThatThrownBy(() -> parse("""
        vigil:
          agent:
            roles: [database-master]
            probes:
              disk_data:
                options: {critical: fifty}
        """)).hasMessageContaining("vigil.yml:6:")
        .hasMessageContaining("probe disk_data: critical threshold: malformed range 'fifty'");
  }

  @Test
  void aNewProbeWithoutType_andAnUnknownKey_areRejected() {
    assertThatThrownBy(() -> parse("vigil:\n  agent:\n    probes:\n      backups:\n        options: {path: /x}\n"))
        .hasMessageContaining("probe backups needs a 'type' (it is not a probe of the host's roles)");
    assertThatThrownBy(() -> parse("vigil:\n  agent:\n    rolez: [cache]\n"))
        .hasMessageContaining("vigil.yml:3:5: unknown key 'rolez'");
  }

  @Test
  void twoRolesDefiningOneProbeDifferently_mustBeSettledByTheHost() throws IOException {
    assertThatThrownBy(() -> parse("vigil:\n  agent:\n    roles: [database-master, cache]\n"))
        .hasMessageContaining("probe disk_data differs between role database-master and role cache; "
            + "set it under vigil.agent.probes.disk_data");
  }

  @Test
  void nrpeEnabled_isTrueOrFalse_andAnythingElseIsAnErrorAtItsLine() throws IOException {
    assertThat(parse("vigil:\n  agent:\n    nrpe:\n      enabled: false\n      tls: plaintext\n").nrpe()).isEmpty();
    assertThat(parse("vigil:\n  agent:\n    nrpe:\n      enabled: TRUE\n      tls: plaintext\n").nrpe()).isPresent();
    assertThatThrownBy(() -> parse("vigil:\n  agent:\n    nrpe:\n      enabled: flase\n      tls: plaintext\n"))
        .hasMessageEndingWith(":4:16: enabled: 'flase' (expected true or false)");
  }

  @Test
  void theBundledRoles_buildEveryProbeWithTheRealProbeCatalog() {
    RoleCatalog bundled = RoleCatalog.bundled();
    assertThat(bundled.roles()).hasSizeGreaterThanOrEqualTo(20);
    for (RoleCatalog.Role role : bundled.roles()) {
      for (ProbeSpec spec : role.probes()) {
        try (var probe = ProbeCatalog.standard().create(spec.type(), spec.name(), spec.options())) {
          assertThat(probe.name()).isEqualTo(spec.name());
        } catch (IllegalArgumentException e) {
          throw new AssertionError("role " + role.name() + ", probe " + spec.name() + ": " + e.getMessage(), e);
        }
      }
    }
  }
}
