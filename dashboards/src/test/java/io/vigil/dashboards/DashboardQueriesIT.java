package io.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.dashboards.Dashboards.Panel;
import io.vigil.lab.Lab;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every panel's PromQL, with the template variables substituted, runs without error on the lab's
 * real Prometheus while it scrapes a real agent ({@code bin/vigil agent}, registered through
 * file_sd), and the core panels (agent metrics) return data for that agent. A planner ({@code
 * bin/vigil run}, registered the same way, with a fault it repairs every few seconds) must give
 * numbers to the planner panels: leadership, actions in flight, ingest, decisions, budgets and
 * action durations.
 */
class DashboardQueriesIT {

  @TempDir
  static Path dir;
  private static VigilProcess agent;
  private static VigilProcess planner;

  @BeforeAll
  static void agentScrapedByTheLabsPrometheus() throws Exception {
    Lab.get().up("pgpool", "rabbitmq", "celery", "memcached", "webhead", "prometheus");
    agent = VigilProcess.start("agent", "dashboard-queries-it", dir).register();
    String instance = agent.instance();
    // every probe's first result scraped (file_sd sees the file at once; the first scrape is ~5 s later)
    LabPrometheus.await(Duration.ofSeconds(40), "9 probe states and a rate of runs for " + instance,
        () -> LabPrometheus.query("count(vigil_probe_state{instance=\"" + instance + "\"}) == 9 and on() "
            + "count(rate(vigil_probe_runs_total{instance=\"" + instance + "\"}[1m]) > 0) == 9"),
        DashboardQueriesIT::nonEmpty);
    planner = VigilProcess.start("run", "dashboard-queries-run", Files.createDirectories(dir.resolve("run"))).register();
    String plannerInstance = planner.instance();
    LabPrometheus.await(Duration.ofSeconds(40), "the leader and a rate of ingested results for " + plannerInstance,
        () -> LabPrometheus.query("vigil_leader{instance=\"" + plannerInstance + "\"} == 1 and on() "
            + "rate(vigil_results_ingested_total{instance=\"" + plannerInstance + "\"}[1m]) > 0"),
        DashboardQueriesIT::nonEmpty);
    // its self-healing loop (VigilProcess) acting: a rate needs two scrapes after the first action
    LabPrometheus.await(Duration.ofSeconds(60), "a rate of remediations and a budget for " + plannerInstance,
        () -> LabPrometheus.query("rate(vigil_remediation_duration_seconds_count{instance=\"" + plannerInstance
            + "\"}[1m]) > 0 and on() vigil_budget_remaining{instance=\"" + plannerInstance + "\"}"),
        DashboardQueriesIT::nonEmpty);
  }

  @AfterAll
  static void stopVigil() throws Exception {
    if (planner != null) {
      planner.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void prometheusScrapesTheAgent_inOpenMetrics_withoutError() throws Exception {
    JsonNode targets = LabPrometheus.get("/api/v1/targets?state=active");
    JsonNode ours = null;
    for (JsonNode t : targets.path("data").path("activeTargets")) {
      if (t.path("labels").path("instance").asText().equals(agent.instance())) {
        ours = t;
      }
    }
    assertThat(ours).as("the agent among Prometheus' active targets: %s", targets).isNotNull();
    assertThat(ours.path("labels").path("job").asText()).isEqualTo("vigil-agent");
    assertThat(ours.path("health").asText()).isEqualTo("up");
    assertThat(ours.path("lastError").asText()).isEmpty();
  }

  @Test
  void everyPanelQuery_evaluatesWithoutError_andTheCorePanelsReturnDataForTheAgent() throws Exception {
    Set<String> core = Set.copyOf(Dashboards.corePanels());
    List<String> failures = new ArrayList<>();
    int queries = 0;
    for (Panel panel : Dashboards.panels()) {
      for (String expr : panel.exprs()) {
        String promql = forThisAgent(expr);
        JsonNode answer = LabPrometheus.query(promql);
        queries++;
        if (!answer.path("status").asText().equals("success")) {
          failures.add(panel.name() + ": " + answer.path("error").asText() + " in " + promql);
        } else if (core.contains(panel.name()) && !nonEmpty(answer)) {
          failures.add(panel.name() + ": no data from " + promql);
        }
      }
    }
    assertThat(failures).as("of %d queries", queries).isEmpty();
    assertThat(queries).isGreaterThan(40);
  }

  @Test
  void thePlannerPanels_returnDataForARunningPlanner() throws Exception {
    List<String> wanted = Dashboards.plannerPanels();
    List<String> failures = new ArrayList<>();
    List<String> found = new ArrayList<>();
    for (Panel panel : Dashboards.panels()) {
      if (!wanted.contains(panel.name())) {
        continue;
      }
      found.add(panel.name());
      for (String expr : panel.exprs()) {
        String promql = Dashboards.substitute(expr.replace("$instance", planner.instance()));
        JsonNode answer = LabPrometheus.query(promql);
        if (!nonEmpty(answer)) {
          failures.add(panel.name() + ": no data from " + promql);
        }
        for (JsonNode series : answer.path("data").path("result")) {
          // a quantile of no observations is NaN: a panel with a series but no number
          if (!Double.isFinite(Double.parseDouble(series.path("value").path(1).asText("NaN")))) {
            failures.add(panel.name() + ": " + series + " from " + promql);
          }
        }
      }
    }
    assertThat(found).as("planner-panels.txt names panels that exist").containsExactlyInAnyOrderElementsOf(wanted);
    assertThat(failures).isEmpty();
  }

  @Test
  void annotationQueries_evaluateWithoutError() throws Exception {
    for (Dashboards.Dashboard d : Dashboards.all()) {
      for (JsonNode a : d.json().path("annotations").path("list")) {
        if (a.has("expr")) {
          JsonNode answer = LabPrometheus.query(forThisAgent(a.path("expr").asText()));
          assertThat(answer.path("status").asText()).as("%s annotation %s: %s", d.uid(), a.path("name"), answer)
              .isEqualTo("success");
        }
      }
    }
  }

  @Test
  void jobVariableQuery_findsTheAgentsJob() throws Exception {
    JsonNode values = LabPrometheus.get("/api/v1/label/job/values?match[]="
        + URLEncoder.encode("up{job=~\"vigil.*\"}", StandardCharsets.UTF_8));
    assertThat(values.path("status").asText()).isEqualTo("success");
    assertThat(values.path("data").toString()).contains("\"vigil-agent\"");
  }

  /** The variables as Grafana would set them with this agent's instance selected. */
  private static String forThisAgent(String expr) {
    return Dashboards.substitute(expr.replace("$instance", agent.instance()));
  }

  private static boolean nonEmpty(JsonNode answer) {
    return answer.path("status").asText().equals("success") && answer.path("data").path("result").size() > 0;
  }
}
