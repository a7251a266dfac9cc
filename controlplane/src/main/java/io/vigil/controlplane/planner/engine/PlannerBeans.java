package io.vigil.controlplane.planner.engine;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.config.VigilConfig;
import io.vigil.controlplane.planner.ReportIngest;
import io.vigil.controlplane.planner.actions.Remediations;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The planner in the Micronaut application ({@code vigil planner}, {@code vigil run}). */
@Factory
@Requires(property = "vigil.planner.enabled", value = "true")
final class PlannerBeans {

  @Context
  @Bean(preDestroy = "close")
  PlannerRuntime plannerRuntime(VigilConfig config, ReportIngest ingest, PrometheusRegistry registry) {
    return new PlannerRuntime(PlannerSettings.parse(config.root(), Remediations.types()), ingest, registry,
        Clock.systemUTC());
  }

  @Singleton
  PlannerOperations plannerOperations(PlannerRuntime runtime) {
    return runtime.operations();
  }
}
