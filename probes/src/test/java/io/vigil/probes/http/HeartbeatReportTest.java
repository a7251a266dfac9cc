package io.vigil.probes.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeartbeatReportTest {

  @Test
  void namesTheFailedDependencyWithItsReason_thenTheHealthyOnes() {
    HeartbeatReport report = HeartbeatReport.parse("{\"status\":\"failed\",\"failed\":[\"queue\"],"
        + "\"checks\":{\"db:postgres\":\"ok\",\"db:vigil\":\"ok\",\"queue\":\"timeout after 3.0s\"}}").orElseThrow();

    assertThat(report.anyFailed()).isTrue();
    assertThat(report.describe()).isEqualTo("queue failed (timeout after 3.0s); db:postgres ok, db:vigil ok");
  }

  @Test
  void allOk_listsEveryCheck() {
    HeartbeatReport report = HeartbeatReport.parse(
        "{\"status\":\"ok\",\"failed\":[],\"checks\":{\"db:postgres\":\"ok\",\"queue\":\"ok\"}}").orElseThrow();

    assertThat(report.anyFailed()).isFalse();
    assertThat(report.describe()).isEqualTo("db:postgres ok, queue ok");
  }

  @Test
  void aCheckThatIsNotOk_countsAsFailed_evenIfTheFailedListForgetsIt() {
    HeartbeatReport report = HeartbeatReport.parse("{\"checks\":{\"db:a\":\"error: refused\",\"db:b\":\"ok\"}}").orElseThrow();

    assertThat(report.describe()).isEqualTo("db:a failed (error: refused); db:b ok");
  }

  @Test
  void aFailedNameWithoutACheck_andLongReasonsAreCut() {
    String longReason = "x".repeat(300);
    HeartbeatReport report = HeartbeatReport.parse("{\"failed\":[\"cache\",\"db\"],\"checks\":{\"db\":\"" + longReason + "\"}}")
        .orElseThrow();

    assertThat(report.describe()).isEqualTo("cache failed, db failed (" + "x".repeat(HeartbeatReport.MAX_REASON) + "...)");
  }

  @Test
  void otherBodies_areNoReport() {
    assertThat(HeartbeatReport.parse("<html>oops</html>")).isEmpty();
    assertThat(HeartbeatReport.parse("{\"status\":\"ok\"}")).isEmpty();
    assertThat(HeartbeatReport.parse("[1,2]")).isEmpty();
    assertThat(HeartbeatReport.parse("")).isEmpty();
  }
}
