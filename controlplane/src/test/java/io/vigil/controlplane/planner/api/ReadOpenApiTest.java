package io.vigil.controlplane.planner.api;

import static io.vigil.controlplane.planner.api.ApiTestServer.ONCALL;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** With {@code read_open: true}, reads answer without a token and changes still need one. */
class ReadOpenApiTest {

  @Test
  void readsAnswerWithoutAToken_changesStillNeedOne() throws Exception {
    try (ApiTestServer server = new ApiTestServer("api-read-open-test.yml")) {
      assertThat(server.get("/states", null).statusCode()).isEqualTo(200);
      assertThat(server.get("/approvals", null).statusCode()).isEqualTo(200);
      assertThat(server.get("/holds", "Bearer not-a-token-at-all-000").statusCode()).as("a wrong token is still wrong")
          .isEqualTo(401);

      assertThat(server.post("/holds", null, "{\"host\":\"db2\",\"duration\":\"30m\",\"reason\":\"x\"}").statusCode())
          .isEqualTo(401);
      assertThat(server.post("/approvals/ap-1/approve", null, null).statusCode()).isEqualTo(401);
      assertThat(server.delete("/holds/h", null).statusCode()).isEqualTo(401);
      assertThat(server.post("/holds", ONCALL, "{\"host\":\"db2\",\"duration\":\"30m\",\"reason\":\"x\"}")
          .statusCode()).isEqualTo(201);
    }
  }
}
