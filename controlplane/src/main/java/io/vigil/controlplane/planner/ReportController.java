package io.vigil.controlplane.planner;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.ObjectMapper;
import io.micronaut.serde.annotation.Serdeable;
import io.vigil.controlplane.config.VigilConfig;
import io.vigil.controlplane.report.Report;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/reports}: agents push probe results here. An unknown agent or a wrong token
 * is 401 and counted; malformed JSON is 400 with what is wrong; otherwise 202 with what was
 * accepted and which results were rejected and why.
 */
@Controller("/api/v1")
@Requires(property = "vigil.planner.enabled", value = "true")
final class ReportController {

  private static final Logger LOG = LoggerFactory.getLogger(ReportController.class);

  /** An error answer. */
  @Serdeable
  record Problem(String error) {
  }

  private final ReportIngest ingest;
  private final AgentTokens tokens;
  private final ObjectMapper json;
  private final AtomicLong unauthorized = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();

  ReportController(ReportIngest ingest, VigilConfig config, ObjectMapper json) {
    this.ingest = ingest;
    this.tokens = config.agentTokens();
    this.json = json;
  }

  @Post(value = "/reports", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> report(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Body String body) {
    Report report;
    try {
      report = json.readValue(body, Report.class);
    } catch (IOException | RuntimeException e) {
      malformed.incrementAndGet();
      return HttpResponse.badRequest(new Problem("malformed report: " + firstLine(e.getMessage())));
    }
    if (report == null || report.agent() == null) {
      malformed.incrementAndGet();
      return HttpResponse.badRequest(new Problem("malformed report: 'agent' is required"));
    }
    var agent = tokens.authenticate(report.agent(), authorization);
    if (agent.isEmpty()) {
      unauthorized.incrementAndGet();
      // say who, never what token
      LOG.warn("report from '{}' refused: unknown agent or wrong token", report.agent());
      return HttpResponse.unauthorized().body(new Problem("unknown agent or wrong token"));
    }
    return HttpResponse.accepted().body(ingest.accept(agent.get(), report));
  }

  long unauthorized() {
    return unauthorized.get();
  }

  long malformed() {
    return malformed.get();
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable JSON";
    }
    String line = message.lines().findFirst().orElse(message);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
