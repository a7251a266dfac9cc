package io.vigil.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NagiosRangeTest {

  // The table of the Monitoring Plugins guidelines, plus the edges (inclusive bounds).
  @ParameterizedTest(name = "range {0} with value {1} alerts: {2}")
  @CsvSource({
      "10, -1, true", "10, 0, false", "10, 10, false", "10, 10.5, true",
      "10:, 9.99, true", "10:, 10, false", "10:, 1e9, false",
      "~:10, -1e9, false", "~:10, 10, false", "~:10, 11, true",
      "10:20, 9, true", "10:20, 10, false", "10:20, 20, false", "10:20, 21, true",
      "@10:20, 9, false", "@10:20, 10, true", "@10:20, 20, true", "@10:20, 21, false",
      "-5:-1, -3, false", "-5:-1, 0, true", "0.5:1.5, 1, false", "@~:0, -1, true", "@~:0, 1, false"})
  void alertsExactlyAsTheGuidelinesDefine(String range, double value, boolean alerts) {
    assertThat(NagiosRange.parse(range).alerts(value)).isEqualTo(alerts);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "10:", "~:10", "10:20", "@10:20", "-5:-1", "0.5:1.5", "@~:0", "~:"})
  void printsBackToTheSameText(String text) {
    assertThat(NagiosRange.parse(text).toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "abc | end 'abc' is not a number",
      "10:5 | start 10 is greater than end 5",
      "1:2:3 | more than one ':'",
      "@ | end '' is not a number",
      "~ | end '~' is not a number",
      "10x: | start '10x' is not a number"})
  void rejectsMalformedRanges_sayingWhatIsWrong(String text, String why) {
    assertThatThrownBy(() -> NagiosRange.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed range '" + text + "': " + why);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void rejectsAnEmptyRange(String text) {
    assertThatThrownBy(() -> NagiosRange.parse(text)).hasMessageStartingWith("empty range");
  }
}
