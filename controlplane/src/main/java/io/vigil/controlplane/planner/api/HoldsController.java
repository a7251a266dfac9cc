package io.vigil.controlplane.planner.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.ObjectMapper;
import io.vigil.controlplane.planner.engine.PlannerOperations;
import io.vigil.controlplane.planner.engine.PlannerOperations.HoldRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Maintenance holds: {@code GET /api/v1/holds} lists those in effect, {@code POST} creates one
 * ({@code {"host": "db2", "duration": "2h", "reason": "kernel upgrade"}}; at least one of host,
 * role, cluster and action), {@code DELETE /api/v1/holds/{id}} ends one now.
 */
@Controller("/api/v1")
@Requires(property = "vigil.planner.enabled", value = "true")
final class HoldsController {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> FIELDS = Set.of("id", "host", "role", "cluster", "action", "duration", "reason");

  private final PlannerOperations planner;
  private final ApiGuard guard;
  private final ObjectMapper json;

  HoldsController(PlannerOperations planner, ApiGuard guard, ObjectMapper json) {
    this.planner = planner;
    this.guard = guard;
    this.json = json;
  }

  @Get(value = "/holds", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> list(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
    return Answers.of(guard, () -> {
      guard.reader(authorization);
      return HttpResponse.ok(Map.of("holds", planner.holds().stream().map(ApiViews.HoldJson::of).toList()));
    });
  }

  @Post(value = "/holds", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> create(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
      @Nullable @Body String body) {
    return Answers.of(guard, () -> {
      String by = guard.writer(authorization);
      HoldRequest request = request(JsonBody.parse(json, body).rejectUnknown(FIELDS));
      return HttpResponse.created(ApiViews.HoldJson.of(planner.createHold(request, by)));
    });
  }

  @Delete(value = "/holds/{id}", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> end(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id) {
    return Answers.of(guard, () -> {
      String by = guard.writer(authorization);
      planner.endHold(id, by);
      return HttpResponse.noContent();
    });
  }

  static HoldRequest request(JsonBody body) {
    String host = body.string("host").orElse(null);
    String role = body.string("role").orElse(null);
    String cluster = body.string("cluster").orElse(null);
    String action = body.string("action").orElse(null);
    if (host == null && role == null && cluster == null && action == null) {
      throw new IllegalArgumentException("a hold needs a scope: at least one of host, role, cluster and action");
    }
    Duration duration;
    try {
      duration = DurationText.parse(body.requiredString("duration"));
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith("duration:") ? e : body.invalid("duration", e.getMessage());
    }
    if (duration.isZero() || duration.isNegative()) {
      throw body.invalid("duration", "must be positive: holds always expire");
    }
    String reason = body.requiredString("reason");
    String id = body.string("id").orElse(null);
    if (id != null && !ID.matcher(id).matches()) {
      // the id ends up in DELETE /holds/{id} and on the command line: keep it plain
      throw body.invalid("id", "'" + id + "' (expected letters, digits, '.', '_' or '-', at most 64)");
    }
    return new HoldRequest(id, host, role, cluster, action, duration, reason);
  }
}
