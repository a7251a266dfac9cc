package io.vigil.controlplane.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import jakarta.inject.Singleton;

/**
 * Keeps Micrometer's framework meters within Prometheus conventions, so {@code promtool check
 * metrics} finds nothing on {@code /metrics}: every meter gets help text (Micronaut's executor and
 * HTTP timers come without), {@code process.cpu.time} (exported in nanoseconds, an abbreviated unit)
 * is dropped in favour of {@code process_cpu_usage}, and {@code system.cpu.count} (a gauge whose
 * name ends in {@code _count}) becomes {@code system_cpus}, and help texts carry no {@code "}.
 */
@Singleton
public final class PrometheusConventionsFilter implements MeterFilter {

  @Override
  public MeterFilterReply accept(Meter.Id id) {
    return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    Meter.Id mapped = id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
    if (mapped.getDescription() == null || mapped.getDescription().isBlank()) {
      mapped = new Meter.Id(mapped.getName(), io.micrometer.core.instrument.Tags.of(mapped.getTagsAsIterable()),
          mapped.getBaseUnit(), describe(mapped.getName()), mapped.getType());
    } else if (mapped.getDescription().indexOf('"') >= 0) {
      // OpenMetrics escapes '"' in HELP as \", which promtool check metrics (a text-format parser)
      // refuses: JVM meters such as process.cpu.usage quote words in their descriptions
      mapped = new Meter.Id(mapped.getName(), io.micrometer.core.instrument.Tags.of(mapped.getTagsAsIterable()),
          mapped.getBaseUnit(), mapped.getDescription().replace('"', '\''), mapped.getType());
    }
    return mapped;
  }

  private static String describe(String name) {
    return switch (name) {
      case "executor" -> "Time tasks take on Micronaut's executors";
      case "http.server.requests" -> "HTTP requests served, by method, URI template and status";
      case "http.client.requests" -> "HTTP requests sent, by method, URI and status";
      default -> "Micrometer meter " + name;
    };
  }
}
