package io.vigil.controlplane.planner.api;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vigil.controlplane.config.VigilConfig;
import jakarta.inject.Inject;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is calling the REST API: checks {@code Authorization: Bearer <token>} against
 * {@code vigil.planner.api.tokens} and counts every refused request in
 * {@code vigil_api_requests_rejected_total{reason}}. A {@link Context} bean, so a bad {@code api}
 * section stops start-up with its file and line rather than surfacing at the first request.
 */
@Context
@Requires(property = "vigil.planner.enabled", value = "true")
public final class ApiGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ApiGuard.class);
  private static final String BEARER = "Bearer ";

  /** A request without a valid token; the message is for the caller and never contains the token. */
  static final class Unauthorized extends RuntimeException {
    Unauthorized(String message) {
      super(message, null, false, false);
    }
  }

  private final ApiTokens tokens;
  private final boolean readOpen;
  private final Counter rejected;

  @Inject
  ApiGuard(VigilConfig config, PrometheusRegistry registry) {
    this(ApiSettings.parse(config.root()), registry);
  }

  ApiGuard(ApiSettings settings, PrometheusRegistry registry) {
    this.tokens = new ApiTokens(settings.tokens());
    this.readOpen = settings.readOpen();
    this.rejected = Counter.builder().name("vigil_api_requests_rejected_total")
        .help("REST API requests refused, by reason (no_token, bad_token, bad_request, not_found, conflict)")
        .labelNames("reason").register(registry);
    if (tokens.isEmpty()) {
      LOG.info("no API tokens configured (vigil.planner.api.tokens): the REST API refuses {}",
          readOpen ? "every change" : "every request");
    }
  }

  /** The caller's token name for a read, or "" when reads are open and no token was given. */
  String reader(String authorization) {
    if (readOpen && authorization == null) {
      return "";
    }
    return caller(authorization);
  }

  /** The caller's token name for a change: the {@code by} of the timeline. */
  String writer(String authorization) {
    return caller(authorization);
  }

  private String caller(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      rejected("no_token");
      throw new Unauthorized(tokens.isEmpty()
          ? "this planner has no API tokens configured (vigil.planner.api.tokens)"
          : "an API token is required: Authorization: Bearer <token>");
    }
    if (!authorization.startsWith(BEARER)) {
      rejected("bad_token");
      throw new Unauthorized("the Authorization header must be 'Bearer <token>'");
    }
    Optional<String> name = tokens.nameOf(authorization.substring(BEARER.length()).strip());
    if (name.isEmpty()) {
      rejected("bad_token");
      throw new Unauthorized("unknown API token");
    }
    return name.get();
  }

  void rejected(String reason) {
    rejected.labelValues(reason).inc();
  }

  /** For tests: how many requests were refused for {@code reason}. */
  long rejectedCount(String reason) {
    return (long) rejected.labelValues(reason).get();
  }
}
