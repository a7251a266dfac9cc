package io.vigil.controlplane.agent.runtime;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.VigilVersion;
import io.vigil.controlplane.metrics.PrometheusConventionsFilter;

/**
 * The agent's one registry, as the application builds it without Micronaut: Micrometer's JVM,
 * processor and uptime binders (the ones {@code vigil run} enables, with the same naming filter) on
 * a {@link PrometheusMeterRegistry}, whose client_java {@link PrometheusRegistry} also takes
 * {@code vigil_build_info} and the agent's own metrics. Micrometer rather than client_java's JVM
 * instrumentation: it is already on the class path and gives the same names as {@code vigil run},
 * so dashboards work against either.
 */
final class AgentMeters implements AutoCloseable {

  private final PrometheusMeterRegistry meters;
  private final JvmGcMetrics gc;

  AgentMeters() {
    meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.config().meterFilter(new PrometheusConventionsFilter());
    new JvmMemoryMetrics().bindTo(meters);
    gc = new JvmGcMetrics();
    gc.bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    Info.builder()
        .name("vigil_build_info")
        .help("Vigil build information; the value is always 1.")
        .labelNames("version")
        .register(registry())
        .setLabelValues(VigilVersion.get());
  }

  /** What {@code /metrics} scrapes. */
  PrometheusRegistry registry() {
    return meters.getPrometheusRegistry();
  }

  @Override
  public void close() {
    gc.close();
    meters.close();
  }
}
