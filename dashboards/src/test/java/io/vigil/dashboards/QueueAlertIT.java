package io.vigil.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.lab.Lab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules of alerts/rules, loaded by the lab's Prometheus (with {@code for:} shortened),
 * fire on a real fault seen through a real agent: {@code lab/fault worker-kill} raises
 * VigilQueueNoConsumers for the agent's celery queue, and {@code lab/heal worker-kill} resolves it.
 */
class QueueAlertIT {

  private static final String ALERT = "VigilQueueNoConsumers";

  @TempDir
  Path dir;

  @BeforeAll
  static void labUp_withTheCurrentRules() {
    Lab.get().up("rabbitmq", "celery", "pgpool", "memcached", "webhead", "prometheus");
    Lab.Result reload = Lab.get().run(List.of(Lab.get().repoRoot().resolve("lab/vigil/reload-rules").toString()),
        Duration.ofSeconds(60));
    assertThat(reload.exitCode()).as(reload.output()).isZero();
  }

  @Test
  void workerKill_firesVigilQueueNoConsumers_andTheHealResolvesIt() throws Exception {
    assertThat(LabPrometheus.get("/api/v1/rules?type=alert").toString()).as("rule loaded").contains("\"" + ALERT + "\"");
    try (VigilProcess agent = VigilProcess.start("agent", "queue-alert-it", dir).register()) {
      String consumers = "vigil_queue_consumers{instance=\"" + agent.instance() + "\",queue=\"celery\"}";
      LabPrometheus.await(Duration.ofSeconds(40), consumers + " >= 1", () -> LabPrometheus.query(consumers + " >= 1"),
          a -> a.path("data").path("result").size() > 0);
      assertThat(firing(agent)).isFalse();

      Lab.Result fault = Lab.get().fault("worker-kill");
      assertThat(fault.exitCode()).as(fault.output()).isZero();
      try {
        LabPrometheus.await(Duration.ofSeconds(30), ALERT + " firing for " + agent.instance(),
            () -> LabPrometheus.get("/api/v1/alerts"), a -> isFiring(a, agent));
      } finally {
        Lab.Result heal = Lab.get().heal("worker-kill");
        assertThat(heal.exitCode()).as(heal.output()).isZero();
      }
      LabPrometheus.await(Duration.ofSeconds(60), ALERT + " resolved for " + agent.instance(),
          () -> LabPrometheus.get("/api/v1/alerts"), a -> !isFiring(a, agent) && !isPending(a, agent));
    }
  }

  private static boolean firing(VigilProcess agent) throws Exception {
    return isFiring(LabPrometheus.get("/api/v1/alerts"), agent);
  }

  private static boolean isFiring(JsonNode alerts, VigilProcess agent) {
    return has(alerts, agent, "firing");
  }

  private static boolean isPending(JsonNode alerts, VigilProcess agent) {
    return has(alerts, agent, "pending");
  }

  private static boolean has(JsonNode alerts, VigilProcess agent, String state) {
    for (JsonNode a : alerts.path("data").path("alerts")) {
      if (a.path("labels").path("alertname").asText().equals(ALERT)
          && a.path("labels").path("instance").asText().equals(agent.instance()) && a.path("state").asText().equals(state)) {
        return true;
      }
    }
    return false;
  }
}
