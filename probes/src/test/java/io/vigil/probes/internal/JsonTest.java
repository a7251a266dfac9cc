package io.vigil.probes.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void readsTheWebHeadsHeartbeatReport_inDocumentOrder() {
    Map<String, Object> doc = Json.object("{\"status\":\"failed\",\"failed\":[\"queue\"],"
        + "\"checks\":{\"db:postgres\":\"ok\",\"db:vigil\":\"ok\",\"queue\":\"timeout after 3.0s\"}}\n");

    assertThat(doc.get("status")).isEqualTo("failed");
    assertThat(Json.list(doc.get("failed"))).containsExactly("queue");
    assertThat(Json.map(doc.get("checks")).keySet()).containsExactly("db:postgres", "db:vigil", "queue");
  }

  @Test
  void readsNumbersLiteralsAndEscapes() {
    List<Object> values = Json.list(Json.parse(" [0, -12, 3.5, 1e3, true, false, null, \"a\\\"b\\\\c\\n\\u00e9\\/\"] "));

    assertThat(values).containsExactly(0L, -12L, 3.5, 1000.0, true, false, Json.NULL, "a\"b\\c\né/");
    assertThat(Json.kind(values.get(6))).isEqualTo("null");
  }

  @Test
  void refusesWhatIsNotJson_namingTheOffset() {
    assertThatThrownBy(() -> Json.parse("<html>502 Bad Gateway</html>"))
        .hasMessage("not JSON: expected a value at offset 0, found '<'");
    assertThatThrownBy(() -> Json.parse("{\"a\":1,}")).hasMessageContaining("member name");
    assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessage("not JSON: expected ',' or ']' at offset 3, found '2'");
    assertThatThrownBy(() -> Json.parse("{\"a\":1} x")).hasMessageContaining("expected end of input at offset 8");
    assertThatThrownBy(() -> Json.parse("\"open")).hasMessageContaining("closing");
    assertThatThrownBy(() -> Json.parse("")).hasMessageContaining("expected a value at offset 0, found end of input");
    assertThatThrownBy(() -> Json.parse("-")).hasMessageContaining("a digit");
    assertThatThrownBy(() -> Json.object("[1]")).hasMessage("expected a JSON object, got array");
  }

  @Test
  void refusesDeepNesting_insteadOfOverflowingTheStack() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);

    assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("at most " + Json.MAX_DEPTH + " levels");
  }

  @Test
  void typedAccessors_fallBackToEmpty() {
    assertThat(Json.map("text")).isEmpty();
    assertThat(Json.list(Map.of())).isEmpty();
  }
}
