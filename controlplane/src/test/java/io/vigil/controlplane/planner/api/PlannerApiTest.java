package io.vigil.controlplane.planner.api;

import static io.vigil.controlplane.planner.api.ApiTestServer.LOADER;
import static io.vigil.controlplane.planner.api.ApiTestServer.ONCALL;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API under /api/v1 on an embedded server, with the in-memory planner behind it. */
class PlannerApiTest {

  private static ApiTestServer server;

  @BeforeAll
  static void start() {
    server = new ApiTestServer("api-test.yml");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void reset() {
    server.planner().reset();
  }

  @Test
  void readsNeedAToken_byDefault_andWrongTokensAreRefusedAndCounted() throws Exception {
    long before = server.guard().rejectedCount("no_token") + server.guard().rejectedCount("bad_token");

    HttpResponse<String> none = server.get("/states", null);
    HttpResponse<String> wrong = server.get("/states", "Bearer oncall-token-0123456780");
    HttpResponse<String> basic = server.get("/states", "Basic b25jYWxsOnNlY3JldA==");

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.body()).isEqualTo("{\"error\":\"an API token is required: Authorization: Bearer <token>\"}");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).isEqualTo("{\"error\":\"unknown API token\"}").doesNotContain("0123456780");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(server.guard().rejectedCount("no_token") + server.guard().rejectedCount("bad_token"))
        .isEqualTo(before + 3);
    HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create(server.url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body()).contains("vigil_api_requests_rejected_total{reason=\"bad_token\"}");
  }

  @Test
  void states_listEveryCheck_orOneHostsChecks() throws Exception {
    HttpResponse<String> all = server.get("/states", ONCALL);
    HttpResponse<String> db2 = server.get("/states?host=db2", ONCALL);

    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.body()).contains("\"host\":\"web1\"").contains("\"host\":\"db2\"");
    assertThat(db2.body()).startsWith("{\"states\":[{\"host\":\"db2\",\"check\":\"pgpool_node\",\"state\":\"CRITICAL\","
        + "\"stateType\":\"HARD\",\"attempt\":3,\"maxAttempts\":3,\"flapping\":false,\"stale\":false")
        .contains("\"lastResultAt\":\"2026-12-06T09:59:55Z\"").doesNotContain("web1");
  }

  @Test
  void timeline_filtersByHostCheckAndTime() throws Exception {
    HttpResponse<String> r = server.get("/timeline?host=db2&check=pgpool_node&since=2026-12-06T09:58:30Z"
        + "&until=2026-12-06T11:00:00%2B01:00&limit=10", ONCALL);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"kind\":\"APPROVAL\"").contains("\"command\":\"pcp_attach_node -n 1\"")
        .doesNotContain("STATE_CHANGE");
    var query = server.planner().lastQuery;
    assertThat(query.host()).isEqualTo("db2");
    assertThat(query.check()).isEqualTo("pgpool_node");
    assertThat(query.since()).isEqualTo(Instant.parse("2026-12-06T09:58:30Z"));
    assertThat(query.until()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
    assertThat(query.limit()).isEqualTo(10);
  }

  @Test
  void timelineAndActions_refuseBadParameters_namingThem() throws Exception {
    assertThat(server.get("/timeline?since=yesterday", ONCALL).body())
        .isEqualTo("{\"error\":\"since: 'yesterday' is not an ISO-8601 instant (e.g. 2026-12-06T10:00:00Z)\"}");
    assertThat(server.get("/actions?until=2026-13-01T00:00:00Z", ONCALL).body()).startsWith("{\"error\":\"until: ");
    assertThat(server.get("/timeline?limit=lots", ONCALL).body())
        .isEqualTo("{\"error\":\"limit: 'lots' (expected a whole number 1..10000)\"}");
    assertThat(server.get("/actions?limit=0", ONCALL).statusCode()).isEqualTo(400);
    HttpResponse<String> backwards = server.get("/timeline?since=2026-12-06T10:00:00Z&until=2026-12-06T09:00:00Z",
        ONCALL);
    assertThat(backwards.statusCode()).isEqualTo(400);
    assertThat(backwards.body()).contains("since: ");
  }

  @Test
  void actions_policiesAndLeader_answer() throws Exception {
    assertThat(server.get("/actions?host=db2", ONCALL).body()).contains("\"id\":\"a-1-x\"")
        .contains("\"status\":\"SUCCEEDED\"").contains("\"createdAt\":\"2026-12-06T09:59:30Z\"");
    assertThat(server.get("/policies", ONCALL).body()).contains("\"name\":\"pgpool-reattach\"")
        .contains("\"budgetWindow\":\"PT1H\"").contains("\"on\":[\"CRITICAL\"]");
    assertThat(server.get("/leader", LOADER).body())
        .isEqualTo("{\"node\":\"vigil\",\"leader\":true,\"term\":7,\"store\":\"file\"}");
  }

  @Test
  void holds_areCreatedListedAndEnded_byTheTokensName() throws Exception {
    HttpResponse<String> created = server.post("/holds", ONCALL,
        "{\"host\":\"db2\",\"action\":\"pgpool_attach\",\"duration\":\"2h\",\"reason\":\"kernel upgrade\"}");

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).isEqualTo("{\"id\":\"hold-1\",\"host\":\"db2\",\"action\":\"pgpool_attach\","
        + "\"until\":\"2026-12-06T12:00:00Z\",\"reason\":\"kernel upgrade\",\"by\":\"oncall\"}");
    assertThat(server.post("/holds", ONCALL, "{\"role\":\"webhead\",\"duration\":\"PT30M\",\"reason\":\"deploy\"}")
        .statusCode()).isEqualTo(201);
    assertThat(server.get("/holds", ONCALL).body()).contains("\"id\":\"hold-1\"").contains("\"id\":\"hold-2\"");

    assertThat(server.delete("/holds/hold-1", LOADER).statusCode()).isEqualTo(204);
    assertThat(server.planner().holds).containsOnlyKeys("hold-2");
    HttpResponse<String> again = server.delete("/holds/hold-1", ONCALL);
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(again.body()).isEqualTo("{\"error\":\"no active hold 'hold-1'\"}");
  }

  @Test
  void holds_refuseBadInput_sayingWhat() throws Exception {
    assertThat(server.post("/holds", ONCALL, "{\"duration\":\"30m\",\"reason\":\"x\"}").body())
        .isEqualTo("{\"error\":\"a hold needs a scope: at least one of host, role, cluster and action\"}");
    assertThat(server.post("/holds", ONCALL, "{\"host\":\"db2\",\"duration\":\"half an hour\",\"reason\":\"x\"}")
        .body()).isEqualTo("{\"error\":\"duration: 'half an hour' is not a duration (e.g. 30m, 2h, 1h30m, 90s, 1d "
            + "or PT30M)\"}");
    assertThat(server.post("/holds", ONCALL, "{\"host\":\"db2\",\"duration\":\"0m\",\"reason\":\"x\"}").body())
        .contains("duration: must be positive");
    assertThat(server.post("/holds", ONCALL, "{\"host\":\"db2\",\"duration\":\"30d\",\"reason\":\"x\"}").body())
        .contains("duration: at most 7 days");
    assertThat(server.post("/holds", ONCALL, "{\"host\":\"db2\",\"duration\":\"30m\"}").body())
        .isEqualTo("{\"error\":\"reason: required\"}");
    assertThat(server.post("/holds", ONCALL, "{\"hots\":\"db2\",\"duration\":\"30m\",\"reason\":\"x\"}").body())
        .startsWith("{\"error\":\"hots: unknown field (expected one of action, cluster, duration, host, id, reason, role)");
    assertThat(server.post("/holds", ONCALL, "{\"id\":\"a b\",\"host\":\"db2\",\"duration\":\"1h\",\"reason\":\"x\"}")
        .body()).isEqualTo("{\"error\":\"id: 'a b' (expected letters, digits, '.', '_' or '-', at most 64)\"}");
    assertThat(server.post("/holds", ONCALL, "{\"host\": 2, \"duration\":\"30m\",\"reason\":\"x\"}").body())
        .isEqualTo("{\"error\":\"host: expected a string\"}");
    HttpResponse<String> garbage = server.post("/holds", ONCALL, "{\"host\":\"db2\",\n \"duration\": 30m}");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(garbage.body()).startsWith("{\"error\":\"malformed JSON at line 2, column ");
    assertThat(server.post("/holds", ONCALL, "[1, 2]").body())
        .isEqualTo("{\"error\":\"the body must be a JSON object\"}");
    assertThat(server.post("/holds", null, "{\"host\":\"db2\",\"duration\":\"30m\",\"reason\":\"x\"}").statusCode())
        .isEqualTo(401);
    assertThat(server.planner().holds).isEmpty();
  }

  @Test
  void approvals_areListed_approvedOnce_andAConflictIs409() throws Exception {
    assertThat(server.get("/approvals", ONCALL).body()).contains("\"id\":\"ap-1\"").contains("\"status\":\"PENDING\"")
        .contains("\"deadline\":\"2026-12-06T11:00:00Z\"");

    HttpResponse<String> approved = server.post("/approvals/ap-1/approve", ONCALL, "{\"comment\":\"replica is fine\"}");
    assertThat(approved.statusCode()).isEqualTo(200);
    assertThat(approved.body()).contains("\"status\":\"APPROVED\"").contains("\"by\":\"oncall\"")
        .contains("\"comment\":\"replica is fine\"");

    HttpResponse<String> twice = server.post("/approvals/ap-1/reject", LOADER, null);
    assertThat(twice.statusCode()).isEqualTo(409);
    assertThat(twice.body()).isEqualTo("{\"error\":\"approval ap-1 is approved, not pending\"}");
    assertThat(server.post("/approvals/ap-9/approve", ONCALL, null).statusCode()).isEqualTo(404);
    assertThat(server.post("/approvals/ap-1/approve", ONCALL, "{\"note\":\"x\"}").body())
        .startsWith("{\"error\":\"note: unknown field");
  }

  @Test
  void reject_withoutBody_recordsTheRejection() throws Exception {
    HttpResponse<String> rejected = server.post("/approvals/ap-1/reject", LOADER, null);

    assertThat(rejected.statusCode()).isEqualTo(200);
    assertThat(rejected.body()).contains("\"status\":\"REJECTED\"").contains("\"by\":\"loader\"");
  }

  @Test
  void events_areRecordedForTheCaller() throws Exception {
    HttpResponse<String> r = server.post("/events", LOADER,
        "{\"host\":\"loader1\",\"name\":\"batch_loaded\",\"params\":{\"batch\":\"2026-12-06\"}}");

    assertThat(r.statusCode()).isEqualTo(202);
    assertThat(r.body()).contains("\"kind\":\"EVENT\"").contains("\"who\":\"api:loader\"")
        .contains("\"details\":{\"batch\":\"2026-12-06\"}");
    assertThat(server.post("/events", LOADER, "{\"host\":\"loader1\",\"name\":\"Batch Loaded\"}").body())
        .isEqualTo("{\"error\":\"name: 'Batch Loaded' (expected lower snake case)\"}");
    assertThat(server.post("/events", LOADER, "{\"host\":\"loader1\",\"name\":\"x\",\"params\":{\"n\":1}}").body())
        .isEqualTo("{\"error\":\"params.n: expected a string\"}");
    assertThat(server.post("/events", LOADER, "{\"name\":\"batch_loaded\"}").body())
        .isEqualTo("{\"error\":\"host: required\"}");
  }

  @Test
  void alertmanager_takesEachAlertOnce_perFingerprintAndStatus() throws Exception {
    String payload = alertmanager("4", "firing", "\"fingerprint\":\"a1\",\"status\":\"firing\"",
        "\"fingerprint\":\"b2\",\"status\":\"firing\"");

    HttpResponse<String> first = server.post("/alerts/alertmanager", ONCALL, payload);
    HttpResponse<String> retry = server.post("/alerts/alertmanager", ONCALL, payload);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("{\"accepted\":2,\"duplicate\":0}");
    assertThat(retry.body()).isEqualTo("{\"accepted\":0,\"duplicate\":2}");
    var alert = server.planner().alerts.get(0);
    assertThat(alert.labels()).containsEntry("host", "db2").containsEntry("alertname", "VigilPgpoolNodeDown");
    assertThat(alert.annotations()).containsEntry("summary", "pgpool node 1 down");
    assertThat(alert.startsAt()).isEqualTo(Instant.parse("2026-12-06T09:55:00Z"));
    assertThat(alert.endsAt()).as("Go's zero time means not ended").isNull();
  }

  @Test
  void alertmanager_refusesOtherVersionsAndMalformedAlerts_namingTheField() throws Exception {
    HttpResponse<String> v3 = server.post("/alerts/alertmanager", ONCALL,
        alertmanager("3", "firing", "\"fingerprint\":\"a1\",\"status\":\"firing\""));
    assertThat(v3.statusCode()).isEqualTo(400);
    assertThat(v3.body()).startsWith("{\"error\":\"version: '3' is not supported");
    assertThat(server.post("/alerts/alertmanager", ONCALL,
        alertmanager("4", "firing", "\"fingerprint\":\"a1\",\"status\":\"firing\"", "\"status\":\"firing\"")).body())
        .isEqualTo("{\"error\":\"alerts[1].fingerprint: required\"}");
    assertThat(server.post("/alerts/alertmanager", ONCALL,
        alertmanager("4", "firing", "\"fingerprint\":\"a1\",\"status\":\"on fire\"")).body())
        .isEqualTo("{\"error\":\"alerts[0].status: 'on fire' (expected firing or resolved)\"}");
    assertThat(server.post("/alerts/alertmanager", ONCALL,
        alertmanager("4", "pending", "\"fingerprint\":\"a1\",\"status\":\"firing\"")).body())
        .isEqualTo("{\"error\":\"status: 'pending' (expected firing or resolved)\"}");
    assertThat(server.post("/alerts/alertmanager", ONCALL,
        alertmanager("4", "firing", "\"fingerprint\":\"a1\",\"status\":\"firing\"")
            .replace("2026-12-06T09:55:00Z", "soon")).body())
        .startsWith("{\"error\":\"alerts[0].startsAt: 'soon' is not an ISO-8601 instant");
    assertThat(server.post("/alerts/alertmanager", ONCALL, "{\"version\":\"4\",\"alerts\":").body())
        .startsWith("{\"error\":\"malformed JSON");
    assertThat(server.planner().alerts).as("nothing taken from a refused notification").isEmpty();
  }

  @Test
  void errorAnswers_neverCarryAStackTrace() throws Exception {
    for (HttpResponse<String> r : new HttpResponse[] {server.post("/holds", ONCALL, "{"),
        server.post("/approvals/ap-1/approve", ONCALL, "nonsense"), server.get("/timeline?since=x", ONCALL)}) {
      assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith(
          "application/json"));
      assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  static String alertmanager(String version, String status, String... alerts) {
    StringBuilder items = new StringBuilder();
    for (String a : alerts) {
      items.append(items.length() == 0 ? "" : ",").append("{").append(a).append(",\"labels\":{\"alertname\":"
          + "\"VigilPgpoolNodeDown\",\"host\":\"db2\",\"check\":\"pgpool_node\",\"severity\":\"critical\"},"
          + "\"annotations\":{\"summary\":\"pgpool node 1 down\"},\"startsAt\":\"2026-12-06T09:55:00Z\","
          + "\"endsAt\":\"0001-01-01T00:00:00Z\",\"generatorURL\":\"http://prometheus:9090/graph\"}");
    }
    return "{\"version\":\"" + version + "\",\"groupKey\":\"{}:{alertname=\\\"VigilPgpoolNodeDown\\\"}\","
        + "\"truncatedAlerts\":0,\"status\":\"" + status + "\",\"receiver\":\"vigil-planner\",\"groupLabels\":{},"
        + "\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager:9093\",\"alerts\":["
        + items + "]}";
  }

}
