package io.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.alerts.AlertFiles.AlertCase;
import io.vigil.alerts.AlertFiles.AlertRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The alert rules, their promtool tests, the runbooks and the Alertmanager example hold together:
 * every alert is complete, tested both ways and documented, and nothing refers to an alert that
 * does not exist. Pure file checks: no promtool needed (that is {@code PromtoolIT}).
 */
class AlertRulesTest {

  /** Names other parts of Vigil (ITs, dashboards, the planner's webhook tests) rely on. */
  private static final Set<String> CONTRACT_NAMES = Set.of("VigilPgpoolNodeDown", "VigilReplicationLagHigh",
      "VigilReplayPaused", "VigilQueueNoConsumers", "VigilBrokerDown", "VigilHeartbeatFailing", "VigilDiskHeadroomLow",
      "VigilPlannerDown", "VigilNoLeader", "VigilAgentReportsStale", "VigilBudgetExhausted", "VigilEscalationActive");

  /** Alerts whose expression aggregates every label away, so there is no $labels context to show. */
  private static final Set<String> WITHOUT_LABELS = Set.of("VigilNoLeader");

  /** The headings every runbook page has, in this order: what a person paged at 3 a.m. looks for. */
  static final List<String> RUNBOOK_SECTIONS = List.of("## What it means", "## What Vigil does about it",
      "## Confirm by hand", "## Fix it", "## When automation is on hold or exhausted");

  private static final Pattern ALERTNAME_MATCHER = Pattern.compile("alertname\\s*(=~|=|!=|!~)\\s*\"([^\"]*)\"");

  @Test
  void ruleFilesAreOnePerTier() {
    assertThat(AlertFiles.ruleFiles()).map(p -> p.getFileName().toString()).containsExactlyInAnyOrder(
        "database-replication.yml", "pgpool.yml", "queues-workers.yml", "cache.yml", "storage-disk.yml",
        "web-heartbeat.yml", "control-plane.yml");
  }

  @Test
  void everyAlertHasForSeverityTierAndAnnotations() {
    List<String> problems = new ArrayList<>();
    for (AlertRule r : AlertFiles.alertRules()) {
      String where = r.file().getFileName() + " " + r.name() + ": ";
      if (r.forDuration() == null || !r.forDuration().matches("\\d+[smh]")) {
        problems.add(where + "for: must be a duration like 1m, found " + r.forDuration());
      }
      if (!Set.of("critical", "warning", "info").contains(r.labels().get("severity"))) {
        problems.add(where + "severity must be critical, warning or info, found " + r.labels().get("severity"));
      }
      if (r.labels().get("tier") == null) {
        problems.add(where + "no tier label (the Alertmanager example routes and inhibits on it)");
      }
      for (String key : List.of("summary", "description", "runbook_url")) {
        if (r.annotations().getOrDefault(key, "").isBlank()) {
          problems.add(where + "no " + key + " annotation");
        }
      }
      String text = r.annotations().getOrDefault("summary", "") + r.annotations().getOrDefault("description", "");
      if (!WITHOUT_LABELS.contains(r.name()) && !text.contains("$labels.")) {
        problems.add(where + "summary and description name no {{ $labels.x }}: which host, which check?");
      }
    }
    assertThat(problems).as("alert rules with problems").isEmpty();
  }

  @Test
  void alertNamesAreUniqueAndIncludeTheOnesOthersRelyOn() {
    List<String> names = AlertFiles.alertRules().stream().map(AlertRule::name).toList();
    assertThat(names).doesNotHaveDuplicates().containsAll(CONTRACT_NAMES).allMatch(n -> n.matches("Vigil[A-Z]\\w+"));
  }

  @Test
  void runbookUrlPointsToTheAlertsOwnPageAndThePageExists() {
    List<String> problems = new ArrayList<>();
    for (AlertRule r : AlertFiles.alertRules()) {
      String expected = AlertFiles.RUNBOOK_BASE + r.name() + ".md";
      if (!expected.equals(r.annotations().get("runbook_url"))) {
        problems.add(r.name() + ": runbook_url is " + r.annotations().get("runbook_url") + ", expected " + expected);
      }
      if (!Files.isRegularFile(AlertFiles.runbooksDir().resolve(r.name() + ".md"))) {
        problems.add(r.name() + ": no docs/runbooks/" + r.name() + ".md");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyAlertIsTestedFiringAndSilent() {
    List<AlertCase> cases = AlertFiles.alertCases();
    List<String> problems = new ArrayList<>();
    for (AlertRule r : AlertFiles.alertRules()) {
      boolean fires = cases.stream().anyMatch(c -> c.alertname().equals(r.name()) && c.fires());
      boolean silent = cases.stream().anyMatch(c -> c.alertname().equals(r.name()) && !c.fires());
      if (!fires) {
        problems.add(r.name() + ": no promtool case where it fires");
      }
      if (!silent) {
        problems.add(r.name() + ": no promtool case where it stays silent");
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void everyPromtoolCaseNamesAnExistingAlert() {
    // promtool passes "exp_alerts: []" for a misspelt alert name: it never fires.
    Set<String> names = alertNames();
    assertThat(AlertFiles.alertCases()).allSatisfy(c -> assertThat(names)
        .as("%s, test '%s' at %s", c.file().getFileName(), c.testName(), c.evalTime()).contains(c.alertname()));
  }

  @Test
  void everyRuleFileHasATestFileThatLoadsIt() throws IOException {
    for (Path rules : AlertFiles.ruleFiles()) {
      Path test = AlertFiles.testsDir().resolve(rules.getFileName());
      assertThat(test).as("promtool tests for %s", rules.getFileName()).isRegularFile();
      assertThat(Files.readString(test)).contains("../rules/" + rules.getFileName());
    }
  }

  @Test
  void everyRunbookPageBelongsToAnAlert() {
    Set<String> names = alertNames();
    assertThat(AlertFiles.runbookPages()).map(p -> p.getFileName().toString())
        .filteredOn(n -> !n.equals("README.md"))
        .allSatisfy(n -> assertThat(names).as("alert for docs/runbooks/%s", n).contains(n.replaceFirst("\\.md$", "")));
  }

  @Test
  void everyRunbookHasTheSectionsOnCallLooksFor() throws IOException {
    for (AlertRule r : AlertFiles.alertRules()) {
      Path page = AlertFiles.runbooksDir().resolve(r.name() + ".md");
      String text = Files.readString(page);
      assertThat(text).as("docs/runbooks/%s.md", r.name()).startsWith("# " + r.name())
          .containsSubsequence(RUNBOOK_SECTIONS);
    }
  }

  @Test
  void runbookIndexLinksEveryAlert() throws IOException {
    String index = Files.readString(AlertFiles.runbooksDir().resolve("README.md"));
    assertThat(alertNames()).allSatisfy(n -> assertThat(index).contains("(" + n + ".md)"));
  }

  @Test
  void alertmanagerExampleNamesOnlyExistingAlerts() {
    Map<String, Object> config = AlertFiles.load(AlertFiles.alertmanagerConfig());
    Set<String> referenced = new TreeSet<>();
    for (Map<String, Object> rule : AlertFiles.maps(config.get("inhibit_rules"), AlertFiles.alertmanagerConfig(),
        "inhibit_rules")) {
      for (String side : List.of("source_matchers", "target_matchers")) {
        referenced.addAll(alertnamesIn(rule.get(side)));
      }
    }
    assertThat(referenced).as("alert names in inhibit_rules").isNotEmpty();
    assertThat(alertNames()).containsAll(referenced);
  }

  /** The literal alert names in matchers like {@code alertname="A"} or {@code alertname=~"A|B"}. */
  private static Set<String> alertnamesIn(Object matchers) {
    Set<String> names = new TreeSet<>();
    if (matchers instanceof List<?> list) {
      for (Object m : list) {
        Matcher matcher = ALERTNAME_MATCHER.matcher(String.valueOf(m));
        while (matcher.find()) {
          for (String alt : matcher.group(2).split("\\|")) {
            if (alt.matches("\\w+")) {
              names.add(alt);
            }
          }
        }
      }
    }
    return names;
  }

  private static Set<String> alertNames() {
    return AlertFiles.alertRules().stream().map(AlertRule::name).collect(Collectors.toCollection(TreeSet::new));
  }
}
