package io.vigil.controlplane.agent.metrics;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.agent.Agent;

/** Puts the agent's metrics into the application's registry, which {@code /metrics} serves. */
@Context
@Requires(beans = Agent.class)
final class AgentMetricsBinder {

  AgentMetricsBinder(PrometheusRegistry registry, Agent agent) {
    AgentMetrics.register(registry, agent);
  }
}
