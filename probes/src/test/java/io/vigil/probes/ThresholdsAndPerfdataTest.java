package io.vigil.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdsAndPerfdataTest {

  @Test
  void criticalWinsOverWarning_andNoThresholdsMeansOk() {
    Thresholds disk = Thresholds.parse("~:45", "~:50");
    assertThat(disk.evaluate(44.9)).isEqualTo(CheckState.OK);
    assertThat(disk.evaluate(45)).isEqualTo(CheckState.OK);
    assertThat(disk.evaluate(47)).isEqualTo(CheckState.WARNING);
    assertThat(disk.evaluate(60)).isEqualTo(CheckState.CRITICAL);
    assertThat(disk.evaluate(Double.NaN)).isEqualTo(CheckState.UNKNOWN);
    assertThat(Thresholds.NONE.evaluate(1e12)).isEqualTo(CheckState.OK);
  }

  @Test
  void malformedThreshold_namesWhichOne() {
    assertThatThrownBy(() -> Thresholds.parse("10", "x"))
        .hasMessageStartingWith("critical threshold: malformed range 'x'");
  }

  @Test
  void perfdata_isWrittenPerTheGuidelines_droppingTrailingEmptyFields() {
    Perfdata lag = Perfdata.of("lag_bytes", 22990304, "B").withThresholds(Thresholds.parse("~:1048576", "~:16777216")).withMin(0);
    assertThat(lag).hasToString("lag_bytes=22990304B;~:1048576;~:16777216;0");
    assertThat(Perfdata.of("time", 0.1008, "s")).hasToString("time=0.1008s");
    assertThat(Perfdata.of("used", 47.5, "%").withMax(100)).hasToString("used=47.5%;;;;100");
    assertThat(Perfdata.of("lag", Double.NaN, "s")).hasToString("lag=U");
  }

  @Test
  void labelsWithSpacesOrQuotes_areQuoted_withQuotesDoubled() {
    assertThat(Perfdata.of("queue celery", 3, "")).hasToString("'queue celery'=3");
    assertThat(Perfdata.of("it's", 1, "c")).hasToString("'it''s'=1c");
  }

  @Test
  void rejectsLabelsWithEquals_andNonUnits() {
    assertThatThrownBy(() -> Perfdata.of("a=b", 1, "")).hasMessageContaining("contains '='");
    assertThatThrownBy(() -> Perfdata.of("a", 1, "s;")).hasMessageContaining("is not a unit of measure");
  }

  @Test
  void pluginOutput_isStateSummaryAndPerfdata_onOneLine() {
    ProbeResult result = new ProbeResult(CheckState.WARNING, "lag 2 MB\nbehind | odd",
        List.of(Perfdata.of("lag", 2, "MB")), Instant.EPOCH, Duration.ofMillis(3));
    assertThat(result.pluginOutput()).isEqualTo("WARNING: lag 2 MB / behind / odd | lag=2MB");
    assertThat(result.value("lag")).isEqualTo(2);
    assertThat(result.value("missing")).isNaN();
  }

  @Test
  void exitCodesOutside0to3_areUnknown_andWorseOrdersBySeverity() {
    assertThat(CheckState.ofExitCode(2)).isEqualTo(CheckState.CRITICAL);
    assertThat(CheckState.ofExitCode(127)).isEqualTo(CheckState.UNKNOWN);
    assertThat(CheckState.ofExitCode(-1)).isEqualTo(CheckState.UNKNOWN);
    assertThat(CheckState.OK.worse(CheckState.UNKNOWN)).isEqualTo(CheckState.UNKNOWN);
    assertThat(CheckState.UNKNOWN.worse(CheckState.WARNING)).isEqualTo(CheckState.WARNING);
    assertThat(CheckState.CRITICAL.worse(CheckState.WARNING)).isEqualTo(CheckState.CRITICAL);
  }
}
