package io.vigil.controlplane.planner.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologyTest {

  // the seed deployment: web -> pgpool -> primary/replica; worker -> broker; warmer -> cache
  private final Topology topology = Topology.of(Map.of(
      "web1/heartbeat", List.of("pool1/pgpool_nodes", "mq1/queues"),
      "pool1/pgpool_nodes", List.of("db1/pg_replication", "db2/pg_replication"),
      "worker1/celery", List.of("mq1/queues"),
      "warmer1/heartbeat", List.of("cache1/memcached")));

  @Test
  void aFailingHeartbeatWithAFailingDatabase_isCausedByTheDatabase_notThePool() {
    Set<String> failing = Set.of("web1/heartbeat", "pool1/pgpool_nodes", "db1/pg_replication");
    assertThat(topology.rootCauses("web1/heartbeat", failing::contains)).containsExactly("db1/pg_replication");
    assertThat(topology.rootCause("pool1/pgpool_nodes", failing::contains)).hasValue("db1/pg_replication");
  }

  @Test
  void workersAreSuppressedWhileTheBrokerFails_andAreTheirOwnRootCauseOtherwise() {
    assertThat(topology.rootCause("worker1/celery", Set.of("worker1/celery", "mq1/queues")::contains)).hasValue("mq1/queues");
    assertThat(topology.rootCause("worker1/celery", Set.of("worker1/celery")::contains)).isEmpty();
  }

  @Test
  void twoIndependentRootCauses_areBothNamed() {
    Set<String> failing = Set.of("web1/heartbeat", "mq1/queues", "db2/pg_replication", "pool1/pgpool_nodes");
    assertThat(topology.rootCauses("web1/heartbeat", failing::contains))
        .containsExactlyInAnyOrder("mq1/queues", "db2/pg_replication");
  }

  @Test
  void aCycle_isRejected_namingIt() {
    assertThatThrownBy(() -> Topology.of(Map.of(
        "a/x", List.of("b/x"), "b/x", List.of("c/x"), "c/x", List.of("a/x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("the topology has a cycle: (a/x -> b/x -> c/x -> a/x|b/x -> c/x -> a/x -> b/x|c/x -> a/x -> b/x -> c/x)");
    assertThatThrownBy(() -> Topology.of(Map.of("a/x", List.of("a/x"))))
        .hasMessage("the topology has a cycle: a/x -> a/x");
  }
}
