package io.vigil.controlplane.planner.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresEndpointTest {

  @Test
  void neverShowsThePassword() {
    PostgresEndpoint e = new PostgresEndpoint("jdbc:postgresql://db:5432/vigil?ssl=true&password=url-secret&x=1",
        "vigil", "field-secret");
    assertThat(e.toString()).doesNotContain("url-secret").doesNotContain("field-secret").contains("password ***");
    assertThat(e.safeUrl()).isEqualTo("jdbc:postgresql://db:5432/vigil?ssl=true&password=***&x=1");
  }

  @Test
  void refusesAUrlThatIsNotPostgres_withoutEchoingItsPassword() {
    assertThatThrownBy(() -> new PostgresEndpoint("jdbc:mysql://db/vigil?password=pw1", "vigil", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected jdbc:postgresql://host:port/database")
        .hasMessageNotContaining("pw1");
    assertThatThrownBy(() -> new PostgresEndpoint("jdbc:postgresql://db/vigil", " ", null))
        .hasMessageContaining("needs a user");
  }
}
