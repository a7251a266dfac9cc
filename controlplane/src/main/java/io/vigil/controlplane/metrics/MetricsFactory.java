package io.vigil.controlplane.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.VigilVersion;
import jakarta.inject.Singleton;

/**
 * One registry for everything: Micrometer's Prometheus registry is built on client_java 1.x, so
 * Vigil's own metrics register directly into the {@link PrometheusRegistry} underneath it and a
 * single scrape returns JVM, HTTP and Vigil metrics together.
 */
@Factory
final class MetricsFactory {

  @Singleton
  PrometheusRegistry prometheusRegistry(PrometheusMeterRegistry meters) {
    PrometheusRegistry registry = meters.getPrometheusRegistry();
    Info.builder()
        .name("vigil_build_info")
        .help("Vigil build information; the value is always 1.")
        .labelNames("version")
        .register(registry)
        .setLabelValues(VigilVersion.get());
    return registry;
  }
}
