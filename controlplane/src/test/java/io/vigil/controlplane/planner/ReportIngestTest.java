package io.vigil.controlplane.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.controlplane.report.Report;
import io.vigil.probes.CheckState;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportIngestTest {

  private static final Instant NOW = Instant.parse("2026-11-22T06:00:00Z");
  private final ReportIngest ingest = new ReportIngest(Clock.fixed(NOW, ZoneOffset.UTC));

  private static Report.Result result(String probe, String state, Instant at) {
    return new Report.Result(probe, "disk", state, "summary", List.of(), at.toString(), 1.0);
  }

  @Test
  void keepsValidResults_andNamesEachRejectedOne_withoutLosingTheRest() {
    ReportIngest.Outcome outcome = ingest.accept("db1", new Report("db1", NOW.toString(), List.of(
        result("disk_data", "WARNING", NOW.minusSeconds(2)),
        result("disk_data2", "BROKEN", NOW),
        result("future", "OK", NOW.plusSeconds(3600)),
        result("ancient", "OK", NOW.minusSeconds(7200)),
        new Report.Result("Bad Name", null, "OK", "", List.of(), NOW.toString(), 0),
        new Report.Result("when", null, "OK", "", List.of(), "yesterday", 0))));

    assertThat(outcome.accepted()).isEqualTo(1);
    assertThat(outcome.rejected()).extracting(ReportIngest.Rejection::index).containsExactly(1, 2, 3, 4, 5);
    assertThat(outcome.rejected().get(0).reason()).isEqualTo("state: 'BROKEN' (expected OK, WARNING, CRITICAL or UNKNOWN)");
    assertThat(outcome.rejected().get(1).reason()).isEqualTo("at: 2026-11-22T07:00:00Z is 3600s in the future (clock skew over 30s)");
    assertThat(outcome.rejected().get(2).reason()).isEqualTo("at: 2026-11-22T04:00:00Z is older than 60 minutes");
    assertThat(outcome.rejected().get(3).reason()).isEqualTo("probe: 'Bad Name' is not a probe name");
    assertThat(outcome.rejected().get(4).reason()).isEqualTo("at: 'yesterday' is not an ISO-8601 instant");
    assertThat(ingest.latest()).containsOnlyKeys("db1/disk_data");
    assertThat(ingest.latest().get("db1/disk_data").state()).isEqualTo(CheckState.WARNING);
  }

  @Test
  void aLateRetryOfAnOlderResult_neverOverwritesFresherState() {
    ingest.accept("db1", new Report("db1", NOW.toString(), List.of(result("disk", "CRITICAL", NOW.minusSeconds(1)))));
    ReportIngest.Outcome late = ingest.accept("db1", new Report("db1", NOW.toString(),
        List.of(result("disk", "OK", NOW.minusSeconds(30)))));

    assertThat(late.accepted()).isZero();
    assertThat(late.ignoredOlder()).isEqualTo(1);
    assertThat(ingest.latest().get("db1/disk").state()).isEqualTo(CheckState.CRITICAL);
  }

  @Test
  void tokensAuthenticateOnlyTheirAgent() {
    AgentTokens tokens = new AgentTokens(Map.of("db1", "0123456789abcdef-db1", "web1", "0123456789abcdef-web1"));
    assertThat(tokens.authenticate("db1", "Bearer 0123456789abcdef-db1")).hasValue("db1");
    assertThat(tokens.authenticate("db1", "Bearer 0123456789abcdef-web1")).isEmpty();
    assertThat(tokens.authenticate("db9", "Bearer 0123456789abcdef-db1")).isEmpty();
    assertThat(tokens.authenticate("db1", "0123456789abcdef-db1")).as("no Bearer").isEmpty();
    assertThat(tokens.authenticate("db1", null)).isEmpty();
  }
}
