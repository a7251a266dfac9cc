package io.vigil.remediations.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTemplateTest {

  @Test
  void quotesEveryWordAsOneArgument() {
    CommandTemplate t = CommandTemplate.parse("templates.systemd", "systemctl restart {service}");
    assertThat(t.command(Map.of("service", "celeryd-services"))).isEqualTo("'systemctl' 'restart' 'celeryd-services'");
    assertThat(t.placeholders()).containsExactly("service");
    assertThat(CommandTemplate.parse("t", "/etc/init.d/celeryd-services restart").command(Map.of()))
        .isEqualTo("'/etc/init.d/celeryd-services' 'restart'");
    assertThat(CommandTemplate.parse("t", "service {unit} start").command(Map.of("unit", "edudl2-trigger")))
        .isEqualTo("'service' 'edudl2-trigger' 'start'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"x;reboot", "a b", "$(id)", "`id`", "x|y", "a'b", "-rf", "--force", "x\ny", "", "a/b",
      "x&", "x>y", "*"})
  void refusesValuesOutsideThePattern_neverEscapingThem(String value) {
    CommandTemplate t = CommandTemplate.parse("t", "systemctl restart {service}");
    assertThatThrownBy(() -> t.command(Map.of("service", value))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("parameter 'service': '");
  }

  @Test
  void acceptsSystemdStyleNames() {
    CommandTemplate t = CommandTemplate.parse("t", "systemctl restart {service}");
    assertThat(t.command(Map.of("service", "getty@tty1.service"))).endsWith("'getty@tty1.service'");
  }

  @Test
  void missingValue_isNamed() {
    assertThatThrownBy(() -> CommandTemplate.parse("t", "systemctl restart {service}").command(Map.of()))
        .hasMessage("template 'systemctl restart {service}' needs a value for {service}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"systemctl restart {service};", "rm -rf $HOME", "echo `id`", "a && b", "x {Bad}",
      "{service} restart", "echo pre{service}", "   "})
  void refusesTemplatesWithMetacharactersOrPlaceholdersThatAreNotWholeWords(String text) {
    assertThatThrownBy(() -> CommandTemplate.parse("templates.x", text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("option 'templates.x': ");
  }

  @Test
  void quoteHandlesSingleQuotes() {
    assertThat(CommandTemplate.quote("it's")).isEqualTo("'it'\\''s'");
  }
}
