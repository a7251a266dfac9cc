package io.vigil.controlplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.planner.api.ApiTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI wrappers (holds, timeline, approvals) against the REST API on an embedded server. */
class PlannerCliTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);
  private static ApiTestServer server;

  @TempDir
  Path dir;

  /** What one run printed and returned. */
  record Run(int code, String out, String err) {
  }

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

  private Run run(PlannerCommand command, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = command.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Map<String, String> env() {
    return Map.of(PlannerClient.TOKEN_ENV, ApiTestServer.ONCALL.substring("Bearer ".length()));
  }

  @Test
  void holds_createListAndEnd() {
    Run created = run(new HoldsCommand(env(), CLOCK), "create", "--host", "db2", "--action", "pgpool_attach",
        "--for", "2h", "--reason", "kernel upgrade", "--planner", server.url());
    assertThat(created).isEqualTo(new Run(0, "created hold hold-1 until 2026-12-06T12:00:00Z\n", ""));

    Run list = run(new HoldsCommand(env(), CLOCK), "list", "--planner=" + server.url());
    assertThat(list.code()).isZero();
    assertThat(list.out()).isEqualTo(
        "ID      HOST  ROLE  CLUSTER  ACTION         UNTIL                 BY      REASON\n"
            + "hold-1  db2   -     -        pgpool_attach  2026-12-06T12:00:00Z  oncall  kernel upgrade\n");

    assertThat(run(new HoldsCommand(env(), CLOCK), "end", "hold-1", "--planner", server.url()))
        .isEqualTo(new Run(0, "ended hold hold-1\n", ""));
    assertThat(run(new HoldsCommand(env(), CLOCK), "--planner", server.url()).out()).isEqualTo("no holds in effect\n");
  }

  @Test
  void holds_usageErrorsExit2_apiErrorsExit1() {
    Run noScope = run(new HoldsCommand(env(), CLOCK), "create", "--for", "2h", "--reason", "x", "--planner", server.url());
    assertThat(noScope.code()).isEqualTo(2);
    assertThat(noScope.err()).startsWith("vigil holds: a hold needs a scope").contains("usage: vigil holds");

    Run badFor = run(new HoldsCommand(env(), CLOCK), "create", "--host", "db2", "--for", "soon", "--reason", "x");
    assertThat(badFor.code()).isEqualTo(2);
    assertThat(badFor.err()).startsWith("vigil holds: --for: 'soon' is not a duration");

    assertThat(run(new HoldsCommand(env(), CLOCK), "create", "--hots", "db2").err())
        .startsWith("vigil holds: unknown option '--hots'");

    Run unknown = run(new HoldsCommand(env(), CLOCK), "end", "hold-9", "--planner", server.url());
    assertThat(unknown).isEqualTo(new Run(1, "", "vigil holds: the planner answered 404: no active hold 'hold-9'\n"));

    Run tooLong = run(new HoldsCommand(env(), CLOCK), "create", "--host", "db2", "--for", "30d", "--reason", "x",
        "--planner", server.url());
    assertThat(tooLong.code()).isEqualTo(1);
    assertThat(tooLong.err()).contains("answered 400: duration: at most 7 days");
  }

  @Test
  void aMissingOrWrongToken_isExit1_withAHint() throws Exception {
    Run none = run(new HoldsCommand(Map.of(), CLOCK), "list", "--planner", server.url());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).isEqualTo("vigil holds: the planner answered 401: an API token is required: "
        + "Authorization: Bearer <token> (give a token with --token-file F or VIGIL_API_TOKEN)\n");

    Path file = dir.resolve("token");
    Files.writeString(file, "loader-token-0123456789\n");
    assertThat(run(new HoldsCommand(Map.of(), CLOCK), "--token-file", file.toString(), "--planner", server.url())
        .code()).as("the token file wins, newline and all").isZero();

    assertThat(run(new HoldsCommand(Map.of(), CLOCK), "--token-file", dir.resolve("nope").toString()).code())
        .isEqualTo(2);
  }

  @Test
  void anUnreachablePlanner_isExit1_sayingWhere() {
    int port = ApiTestServer.freePort();
    Run r = run(new TimelineCommand(env(), CLOCK), "--planner", "http://127.0.0.1:" + port);

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("vigil timeline: cannot reach the planner at http://127.0.0.1:" + port);
  }

  @Test
  void timeline_printsEvents_andTurnsRelativeTimesIntoInstants() {
    Run r = run(new TimelineCommand(env(), CLOCK), "--host", "db2", "--since", "3m", "--limit", "5",
        "--planner", server.url());

    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("AT                    KIND          HOST  CHECK        WHO            WHAT")
        .contains("2026-12-06T09:58:00Z  STATE_CHANGE  db2   pgpool_node  agent:db2      CRITICAL HARD (attempt 3/3)")
        .contains("approval requested: ap-1");
    assertThat(server.planner().lastQuery.since()).isEqualTo(Instant.parse("2026-12-06T09:57:00Z"));
    assertThat(server.planner().lastQuery.limit()).isEqualTo(5);

    assertThat(run(new TimelineCommand(env(), CLOCK), "--since", "yesterday").err())
        .startsWith("vigil timeline: --since: 'yesterday' is neither an ISO-8601 instant nor a duration");
    Run badLimit = run(new TimelineCommand(env(), CLOCK), "--limit", "many", "--planner", server.url());
    assertThat(badLimit).isEqualTo(new Run(1, "", "vigil timeline: the planner answered 400: limit: 'many' "
        + "(expected a whole number 1..10000)\n"));
  }

  @Test
  void approvals_listApproveAndAConflict() {
    Run list = run(new ApprovalsCommand(env(), CLOCK), "--planner", server.url());
    assertThat(list.code()).isZero();
    assertThat(list.out()).startsWith("ID    STATUS   POLICY           ACTION         HOST  CHECK        DEADLINE")
        .contains("ap-1  PENDING  pgpool-reattach  pgpool_attach  db2   pgpool_node  2026-12-06T11:00:00Z  -   "
            + "pcp_attach_node -n 1");

    Run approved = run(new ApprovalsCommand(env(), CLOCK), "approve", "ap-1", "--comment", "replica is fine",
        "--planner", server.url());
    assertThat(approved).isEqualTo(new Run(0, "approved ap-1: pgpool_attach on db2 (pcp_attach_node -n 1)\n", ""));
    assertThat(server.planner().approvals.get("ap-1").comment()).isEqualTo("replica is fine");

    Run twice = run(new ApprovalsCommand(env(), CLOCK), "reject", "ap-1", "--planner", server.url());
    assertThat(twice).isEqualTo(new Run(1, "", "vigil approvals: the planner answered 409: approval ap-1 is approved, "
        + "not pending\n"));
    assertThat(run(new ApprovalsCommand(env(), CLOCK), "approve").code()).isEqualTo(2);
    assertThat(run(new ApprovalsCommand(env(), CLOCK), "bless", "ap-1").code()).isEqualTo(2);
  }

  @Test
  void help_printsUsage_andExits0() {
    Run help = run(new ApprovalsCommand(env(), CLOCK), "--help");

    assertThat(help.code()).isZero();
    assertThat(help.out()).startsWith("usage: vigil approvals [list]").contains("--token-file FILE");
  }
}
