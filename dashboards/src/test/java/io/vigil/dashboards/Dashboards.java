package io.vigil.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The dashboard JSON files of dashboards/grafana, their panels and PromQL targets. */
final class Dashboards {

  /** dashboards/ (Maven runs the module's tests from there). */
  static final Path MODULE = Path.of("").toAbsolutePath();
  static final Path GRAFANA = MODULE.resolve("grafana");
  static final Path REPO = MODULE.getParent();

  /** One dashboard file. */
  record Dashboard(Path file, JsonNode json) {
    String uid() {
      return json.path("uid").asText();
    }

    List<Panel> panels() {
      List<Panel> panels = new ArrayList<>();
      json.path("panels").forEach(p -> panels.add(new Panel(this, p)));
      return panels;
    }
  }

  /** One panel, named {@code <dashboard uid>/<panel title>} in messages. */
  record Panel(Dashboard dashboard, JsonNode json) {
    String title() {
      return json.path("title").asText();
    }

    String name() {
      return dashboard.uid() + "/" + title();
    }

    List<String> exprs() {
      List<String> exprs = new ArrayList<>();
      json.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
      return exprs;
    }
  }

  private Dashboards() {
  }

  static List<Dashboard> all() {
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(GRAFANA)) {
      List<Dashboard> out = new ArrayList<>();
      for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          out.add(new Dashboard(f, json.readTree(f.toFile())));
        } catch (IOException e) {
          throw new IllegalStateException(f + ": not valid JSON: " + e.getMessage(), e);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Panel> panels() {
    return all().stream().flatMap(d -> d.panels().stream()).toList();
  }

  /** {@code <uid>/<title>} of the panels that must return data against the lab (core-panels.txt). */
  static List<String> corePanels() {
    return panelList("core-panels.txt");
  }

  /** {@code <uid>/<title>} of the panels that must return data for a running planner (planner-panels.txt). */
  static List<String> plannerPanels() {
    return panelList("planner-panels.txt");
  }

  private static List<String> panelList(String resource) {
    try {
      return Files.readAllLines(MODULE.resolve("src/test/resources/" + resource)).stream()
          .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code expr} with the dashboards' template variables as a Grafana "All" selection would set
   * them, so that Prometheus can evaluate it.
   */
  static String substitute(String expr) {
    return expr.replace("$__rate_interval", "1m").replace("$job", "vigil.*").replace("$instance", ".*")
        .replace("$lag_tolerance_bytes", "16777216");
  }
}
