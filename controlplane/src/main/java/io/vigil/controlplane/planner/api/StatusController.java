package io.vigil.controlplane.planner.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.vigil.controlplane.planner.engine.PlannerOperations;
import java.util.Map;

/**
 * The planner's read side: {@code GET /api/v1/states}, {@code /timeline} and {@code /actions}
 * (filtered by {@code host}, {@code check}, {@code since} inclusive, {@code until} exclusive and
 * {@code limit}), {@code /policies} and {@code /leader}.
 */
@Controller("/api/v1")
@Requires(property = "vigil.planner.enabled", value = "true")
final class StatusController {

  private final PlannerOperations planner;
  private final ApiGuard guard;

  StatusController(PlannerOperations planner, ApiGuard guard) {
    this.planner = planner;
    this.guard = guard;
  }

  @Get(value = "/states", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> states(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
      @Nullable @QueryValue String host) {
    return Answers.of(guard, () -> {
      guard.reader(authorization);
      return HttpResponse.ok(Map.of("states", planner.states(Queries.blankToNull(host)).stream()
          .map(ApiViews.State::of).toList()));
    });
  }

  @Get(value = "/policies", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> policies(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
    return Answers.of(guard, () -> {
      guard.reader(authorization);
      return HttpResponse.ok(Map.of("policies", planner.policies().stream().map(ApiViews.Policy::of).toList()));
    });
  }

  @Get(value = "/leader", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> leader(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
    return Answers.of(guard, () -> {
      guard.reader(authorization);
      return HttpResponse.ok(ApiViews.Leader.of(planner.leader()));
    });
  }

  @Get(value = "/timeline", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> timeline(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
      @Nullable @QueryValue String host, @Nullable @QueryValue String check, @Nullable @QueryValue String since,
      @Nullable @QueryValue String until, @Nullable @QueryValue String limit) {
    return Answers.of(guard, () -> {
      guard.reader(authorization);
      var query = Queries.timeline(host, check, since, until, limit);
      return HttpResponse.ok(Map.of("events", planner.timeline(query).stream().map(ApiViews.Event::of).toList()));
    });
  }

  @Get(value = "/actions", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> actions(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
      @Nullable @QueryValue String host, @Nullable @QueryValue String check, @Nullable @QueryValue String since,
      @Nullable @QueryValue String until, @Nullable @QueryValue String limit) {
    return Answers.of(guard, () -> {
      guard.reader(authorization);
      var query = Queries.timeline(host, check, since, until, limit);
      return HttpResponse.ok(Map.of("actions", planner.actions(query).stream().map(ApiViews.Action::of).toList()));
    });
  }
}
