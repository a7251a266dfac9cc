package io.vigil.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.probes.internal.Argv;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeOptionsTest {

  @Test
  void readsTypedValues_withDefaults() {
    ProbeOptions o = ProbeOptions.of(Map.of("port", "51211", "timeout", "1.5s", "interval", "250ms", "tls", "yes"));
    assertThat(o.port("port", 1)).isEqualTo(51211);
    assertThat(o.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(1500));
    assertThat(o.duration("interval", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(o.duration("missing", Duration.ofMinutes(2))).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.bool("tls", false)).isTrue();
    assertThat(o.string("host", "127.0.0.1")).isEqualTo("127.0.0.1");
  }

  @Test
  void badValues_nameTheOptionAndTheValue() {
    ProbeOptions o = ProbeOptions.of(Map.of("port", "70000", "timeout", "soon", "count", "x"));
    assertThatThrownBy(() -> o.port("port", 1)).hasMessage("option 'port': 70000 (expected: 1..65535)");
    assertThatThrownBy(() -> o.duration("timeout", null)).hasMessage("option 'timeout': 'soon' is not a duration (e.g. 500ms, 10s, 2m)");
    assertThatThrownBy(() -> o.integer("count", 0)).hasMessage("option 'count': 'x' is not a whole number");
    assertThatThrownBy(() -> o.string("path")).hasMessage("option 'path' is required");
  }

  @Test
  void unknownOptions_areNamed_withTheAcceptedOnes() {
    assertThatThrownBy(() -> ProbeCatalog.standard().create("memcached", "m", Map.of("prot", "1")))
        .hasMessage("unknown option 'prot' for probe memcached (accepted: critical, host, port, timeout, warning)");
  }

  @Test
  void unknownProbeType_listsTheKnownOnes() {
    assertThatThrownBy(() -> ProbeCatalog.standard().create("memcache", "m", Map.of()))
        .hasMessageStartingWith("unknown probe 'memcache' (known: ").hasMessageContaining("memcached");
  }

  @Test
  void malformedThresholdOption_isRefusedAtCreation_notAtRunTime() {
    assertThatThrownBy(() -> ProbeCatalog.standard().create("disk", "d", Map.of("path", "/", "critical", "5O")))
        .hasMessage("critical threshold: malformed range '5O': end '5O' is not a number"
            + " (expected [@]start:end, e.g. 10, 10:, ~:10, 10:20 or @10:20)");
  }

  @Test
  void pluginMustBeAnAbsolutePath() {
    assertThatThrownBy(() -> ProbeCatalog.standard().create("nagios_plugin", "p", Map.of("command", "check_dummy 0")))
        .hasMessage("option 'command': the plugin must be an absolute path, got 'check_dummy'");
  }

  @Test
  void argvSplitsOnWhitespace_groupsQuotes_andExpandsNothing() {
    assertThat(Argv.split("/usr/lib/nagios/plugins/check_disk -w 20% -p '/var/lib/my data' \"$HOME\" `id`"))
        .containsExactly("/usr/lib/nagios/plugins/check_disk", "-w", "20%", "-p", "/var/lib/my data", "$HOME", "`id`");
    assertThat(Argv.split("  a   ''  b ")).containsExactly("a", "", "b");
    assertThatThrownBy(() -> Argv.split("a 'b")).hasMessageStartingWith("unclosed ' in command line");
    assertThat(Argv.split("")).isEqualTo(List.of());
  }
}
