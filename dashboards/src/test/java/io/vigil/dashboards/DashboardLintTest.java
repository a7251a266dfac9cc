package io.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.dashboards.Dashboards.Dashboard;
import io.vigil.dashboards.Dashboards.Panel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Lints every dashboard: the rules of issue 7 (current schemaVersion, stable uids, a datasource
 * variable, units, {@code $__rate_interval}, descriptions) and the grafana/dashboard-linter rules
 * that apply to Prometheus dashboards (template-datasource, template-job, template-instance,
 * template-on-time-change-reload, panel-datasource, panel-title-description, panel-units,
 * panel-no-targets, target-rate-interval, target-job, target-instance, target-counter-agg), ported
 * because the linter itself cannot be installed here (conventions.md 3.3). Whether each expression
 * parses and runs is DashboardQueriesIT's job, against the real Prometheus.
 */
class DashboardLintTest {

  /** The {@code schemaVersion} @grafana/schema 13.2.3 writes (conventions.md 3.3). */
  private static final int SCHEMA_VERSION = 42;
  private static final Set<String> DASHBOARDS = Set.of("vigil-oncall", "vigil-postgres", "vigil-queues",
      "vigil-storage", "vigil-self");
  /** Grafana unit ids these dashboards may use. */
  private static final Set<String> UNITS = Set.of("short", "none", "bytes", "decbytes", "s", "ms", "ops", "reqps",
      "percent", "percentunit", "bool", "bool_on_off", "dateTimeAsIso", "dtdurations");
  private static final String DATASOURCE = "${datasource}";
  private static final Pattern SELECTOR = Pattern.compile("\\b([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)}");
  private static final Pattern METRIC = Pattern.compile("\\b(vigil_[a-z0-9_]+|up|ALERTS)\\b(.?)");
  private static final Pattern RATE = Pattern.compile("\\b(rate|irate)\\(([^\\[]*)\\[([^\\]]*)]");
  private static final Pattern COUNTER = Pattern.compile("\\b(vigil_[a-z0-9_]+_(?:total|bucket))\\{");

  @Test
  void theFiveDashboardsExist_withStableUidsThatNameTheirFiles_andTheCurrentSchemaVersion() {
    List<Dashboard> all = Dashboards.all();
    assertThat(all).extracting(Dashboard::uid).containsExactlyInAnyOrderElementsOf(DASHBOARDS);
    for (Dashboard d : all) {
      assertThat(d.file().getFileName().toString()).as("file of %s", d.uid()).isEqualTo(d.uid() + ".json");
      assertThat(d.json().path("schemaVersion").asInt()).as("%s schemaVersion", d.uid()).isEqualTo(SCHEMA_VERSION);
      assertThat(d.json().path("title").asText()).as("%s title", d.uid()).startsWith("Vigil / ");
      assertThat(d.json().path("description").asText()).as("%s description", d.uid()).isNotBlank();
      assertThat(d.json().path("tags").toString()).as("%s tags", d.uid()).contains("\"vigil\"");
    }
  }

  @Test
  void templating_datasourceJobAndInstanceVariables_reloadedOnTimeChange() {
    for (Dashboard d : Dashboards.all()) {
      JsonNode datasource = variable(d, "datasource");
      assertThat(datasource.path("type").asText()).as("%s $datasource type", d.uid()).isEqualTo("datasource");
      assertThat(datasource.path("query").asText()).as("%s $datasource query", d.uid()).isEqualTo("prometheus");
      for (String name : List.of("job", "instance")) {
        JsonNode v = variable(d, name);
        String what = d.uid() + " $" + name;
        assertThat(v.path("type").asText()).as(what + " type").isEqualTo("query");
        assertThat(v.path("datasource").path("uid").asText()).as(what + " datasource").isEqualTo(DATASOURCE);
        assertThat(v.path("multi").asBoolean()).as(what + " multi").isTrue();
        assertThat(v.path("includeAll").asBoolean()).as(what + " includeAll").isTrue();
        assertThat(v.path("refresh").asInt()).as(what + " refresh on time range change").isEqualTo(2);
      }
    }
  }

  @Test
  void everyPanel_hasATitleADescriptionTheDatasourceVariableAUnitAndTargets() {
    for (Panel p : Dashboards.panels()) {
      JsonNode json = p.json();
      assertThat(p.title()).as("title of a panel of %s", p.dashboard().uid()).isNotBlank();
      assertThat(json.path("description").asText()).as("%s description", p.name()).isNotBlank();
      assertThat(json.path("datasource").path("uid").asText()).as("%s datasource", p.name()).isEqualTo(DATASOURCE);
      assertThat(json.path("fieldConfig").path("defaults").path("unit").asText()).as("%s unit", p.name()).isIn(UNITS);
      assertThat(json.path("targets").size()).as("%s targets", p.name()).isPositive();
      json.path("targets").forEach(t -> {
        assertThat(t.path("datasource").path("uid").asText()).as("%s target datasource", p.name()).isEqualTo(DATASOURCE);
        assertThat(t.path("refId").asText()).as("%s refId", p.name()).isNotBlank();
      });
    }
  }

  @Test
  void panels_haveUniqueIds_andFitTheGridWithoutOverlapping() {
    for (Dashboard d : Dashboards.all()) {
      Set<Integer> ids = new HashSet<>();
      List<int[]> boxes = new ArrayList<>();
      for (Panel p : d.panels()) {
        assertThat(ids.add(p.json().path("id").asInt())).as("%s id unique", p.name()).isTrue();
        JsonNode g = p.json().path("gridPos");
        int x = g.path("x").asInt();
        int y = g.path("y").asInt();
        int w = g.path("w").asInt();
        int h = g.path("h").asInt();
        assertThat(w).as("%s width", p.name()).isBetween(1, 24 - x);
        assertThat(h).as("%s height", p.name()).isPositive();
        for (int[] b : boxes) {
          boolean overlaps = x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h;
          assertThat(overlaps).as("%s overlaps another panel", p.name()).isFalse();
        }
        boxes.add(new int[] {x, y, w, h});
      }
    }
  }

  @Test
  void everySelector_isScopedByJobAndInstance() {
    for (Panel p : Dashboards.panels()) {
      for (String expr : allExprs(p)) {
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          assertThat(m.group(2)).as("%s: %s is selected without {job=~\"$job\",instance=~\"$instance\"} in %s",
              p.name(), m.group(1), expr).isEqualTo("{");
        }
        Matcher s = SELECTOR.matcher(expr);
        while (s.find()) {
          assertThat(s.group(2)).as("%s: %s in %s", p.name(), s.group(1), expr)
              .contains("job=~\"$job\"").contains("instance=~\"$instance\"");
        }
      }
    }
  }

  @Test
  void rates_useRateInterval_andCountersAreOnlyReadThroughRateOrIncrease() {
    for (Panel p : Dashboards.panels()) {
      for (String expr : allExprs(p)) {
        Matcher r = RATE.matcher(expr);
        while (r.find()) {
          assertThat(r.group(3)).as("%s: %s() range in %s", p.name(), r.group(1), expr).isEqualTo("$__rate_interval");
        }
        Matcher c = COUNTER.matcher(expr);
        while (c.find()) {
          String before = expr.substring(0, c.start());
          assertThat(before).as("%s: counter %s not inside rate()/increase() in %s", p.name(), c.group(1), expr)
              .containsPattern("(rate|increase)\\(\\s*$");
        }
        assertThat(balanced(expr)).as("%s: unbalanced brackets in %s", p.name(), expr).isTrue();
      }
    }
  }

  @Test
  void everyVigilMetricReadByAPanel_isOneDocsMetricsMdLists() throws IOException {
    String contract = Files.readString(Dashboards.REPO.resolve("docs/metrics.md"));
    for (Panel p : Dashboards.panels()) {
      for (String expr : allExprs(p)) {
        Matcher m = Pattern.compile("\\bvigil_[a-z0-9_]+").matcher(expr);
        while (m.find()) {
          String name = m.group().replaceFirst("_bucket$", "");
          assertThat(contract).as("%s reads %s, which docs/metrics.md does not list", p.name(), m.group())
              .contains("`" + name + "`");
        }
      }
    }
  }

  @Test
  void provisioning_pointsTheDashboardsAtTheDatasourceUidTheirVariableDefaultsTo() throws IOException {
    Map<String, Object> datasources = yaml("provisioning/datasources/vigil-prometheus.yaml");
    assertThat(datasources.get("apiVersion")).isEqualTo(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> ds = ((List<Map<String, Object>>) datasources.get("datasources")).get(0);
    assertThat(ds).containsEntry("type", "prometheus").containsKey("url");
    for (Dashboard d : Dashboards.all()) {
      assertThat(variable(d, "datasource").path("current").path("value").asText()).as("%s default datasource", d.uid())
          .isEqualTo(ds.get("uid"));
    }
    Map<String, Object> dashboards = yaml("provisioning/dashboards/vigil.yaml");
    assertThat(dashboards.get("apiVersion")).isEqualTo(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> provider = ((List<Map<String, Object>>) dashboards.get("providers")).get(0);
    assertThat(provider).containsEntry("type", "file").containsKey("options");
  }

  @Test
  void corePanelsList_namesExistingPanels() {
    Set<String> names = new HashSet<>();
    Dashboards.panels().forEach(p -> names.add(p.name()));
    assertThat(Dashboards.corePanels()).isNotEmpty().allSatisfy(c -> assertThat(names).as("core panel").contains(c));
  }

  private static List<String> allExprs(Panel p) {
    List<String> exprs = new ArrayList<>(p.exprs());
    p.dashboard().json().path("annotations").path("list").forEach(a -> {
      if (a.has("expr")) {
        exprs.add(a.path("expr").asText());
      }
    });
    return exprs;
  }

  private static JsonNode variable(Dashboard d, String name) {
    for (JsonNode v : d.json().path("templating").path("list")) {
      if (v.path("name").asText().equals(name)) {
        return v;
      }
    }
    throw new AssertionError(d.uid() + " has no $" + name + " variable");
  }

  private static boolean balanced(String expr) {
    StringBuilder stack = new StringBuilder();
    boolean quoted = false;
    for (char c : expr.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && "([{".indexOf(c) >= 0) {
        stack.append(c);
      } else if (!quoted && ")]}".indexOf(c) >= 0) {
        if (stack.isEmpty() || "([{".indexOf(stack.charAt(stack.length() - 1)) != ")]}".indexOf(c)) {
          return false;
        }
        stack.setLength(stack.length() - 1);
      }
    }
    return stack.isEmpty() && !quoted;
  }

  private static Map<String, Object> yaml(String path) throws IOException {
    try (InputStream in = Files.newInputStream(Dashboards.MODULE.resolve(path))) {
      return new Yaml().load(in);
    }
  }
}
