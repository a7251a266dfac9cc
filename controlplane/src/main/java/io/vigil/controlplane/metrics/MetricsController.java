package io.vigil.controlplane.metrics;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Serves {@code /metrics} in the Prometheus text format, or OpenMetrics when the scraper's
 * {@code Accept} header asks for it (the writer is chosen by client_java's own negotiation).
 * Micronaut's JSON metrics endpoint is switched off in application.yml so that this path is ours.
 *
 * <p>A scrape only reads the registry's snapshots: collectors never do probe I/O.
 */
@Controller("/metrics")
final class MetricsController {

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  MetricsController(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Get(produces = MediaType.ALL)
  HttpResponse<byte[]> scrape(@Header(value = HttpHeaders.ACCEPT, defaultValue = "") String accept)
      throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(accept);
    ByteArrayOutputStream body = new ByteArrayOutputStream(32 * 1024);
    writer.write(body, registry.scrape());
    return HttpResponse.ok(body.toByteArray()).contentType(writer.getContentType());
  }
}
