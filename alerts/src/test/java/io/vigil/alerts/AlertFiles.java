package io.vigil.alerts;

import io.vigil.lab.Lab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The files of the alerts module as data: the rule files ({@code alerts/rules/*.yml}), their promtool
 * tests ({@code alerts/tests/*.yml}), the Alertmanager example and the runbook pages
 * ({@code docs/runbooks/*.md}). Paths are found from the repository root, so tests run from any
 * working directory.
 */
final class AlertFiles {

  static final String RUNBOOK_BASE = "https://github.com/vigil-sre/vigil/blob/main/docs/runbooks/";

  /** One alerting rule, as written in its file. */
  record AlertRule(Path file, String group, String name, String expr, String forDuration, Map<String, String> labels,
      Map<String, String> annotations) {
  }

  /** One {@code alert_rule_test} case: at {@code evalTime}, {@code alertname} fires (or not). */
  record AlertCase(Path file, String testName, String alertname, String evalTime, boolean fires) {
  }

  private AlertFiles() {
  }

  static Path repo() {
    return Lab.get().repoRoot();
  }

  static Path rulesDir() {
    return repo().resolve("alerts/rules");
  }

  static Path testsDir() {
    return repo().resolve("alerts/tests");
  }

  static Path alertmanagerConfig() {
    return repo().resolve("alerts/alertmanager/alertmanager.yml");
  }

  static Path runbooksDir() {
    return repo().resolve("docs/runbooks");
  }

  static List<Path> ruleFiles() {
    return yamlFiles(rulesDir());
  }

  static List<Path> testFiles() {
    return yamlFiles(testsDir());
  }

  static List<Path> runbookPages() {
    try (Stream<Path> s = Files.list(runbooksDir())) {
      return s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every alerting rule of every rule file, in file order. */
  static List<AlertRule> alertRules() {
    List<AlertRule> rules = new ArrayList<>();
    for (Path file : ruleFiles()) {
      Map<String, Object> doc = load(file);
      for (Map<String, Object> group : maps(doc.get("groups"), file, "groups")) {
        String groupName = String.valueOf(group.get("name"));
        for (Map<String, Object> rule : maps(group.get("rules"), file, "rules of group " + groupName)) {
          if (!rule.containsKey("alert")) {
            continue; // a recording rule
          }
          rules.add(new AlertRule(file, groupName, String.valueOf(rule.get("alert")), String.valueOf(rule.get("expr")),
              rule.get("for") == null ? null : String.valueOf(rule.get("for")), strings(rule.get("labels")),
              strings(rule.get("annotations"))));
        }
      }
    }
    return rules;
  }

  /** Every alert_rule_test case of every promtool test file. */
  static List<AlertCase> alertCases() {
    List<AlertCase> cases = new ArrayList<>();
    for (Path file : testFiles()) {
      Map<String, Object> doc = load(file);
      for (Map<String, Object> test : maps(doc.get("tests"), file, "tests")) {
        String name = String.valueOf(test.getOrDefault("name", "(unnamed)"));
        for (Map<String, Object> c : maps(test.get("alert_rule_test"), file, "alert_rule_test of " + name)) {
          Object expected = c.get("exp_alerts");
          boolean fires = expected instanceof List<?> l && !l.isEmpty();
          cases.add(new AlertCase(file, name, String.valueOf(c.get("alertname")), String.valueOf(c.get("eval_time")),
              fires));
        }
      }
    }
    return cases;
  }

  static Map<String, Object> load(Path file) {
    try {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
      if (!(doc instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException(file + ": expected a YAML mapping at the top, found "
            + (doc == null ? "nothing" : doc.getClass().getSimpleName()));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) map;
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(Object value, Path file, String what) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list) || list.stream().anyMatch(o -> !(o instanceof Map))) {
      throw new IllegalArgumentException(file + ": " + what + " must be a list of mappings");
    }
    return (List<Map<String, Object>>) list;
  }

  private static Map<String, String> strings(Object value) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  private static List<Path> yamlFiles(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
