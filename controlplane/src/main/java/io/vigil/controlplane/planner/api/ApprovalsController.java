package io.vigil.controlplane.planner.api;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.ObjectMapper;
import io.vigil.controlplane.planner.engine.PlannerOperations;
import java.util.Map;
import java.util.Set;

/**
 * Approvals for policies in {@code approve} mode: {@code GET /api/v1/approvals} (newest first),
 * {@code POST /api/v1/approvals/{id}/approve} and {@code /reject} with an optional
 * {@code {"comment": "..."}}. Deciding a request that is no longer pending is 409.
 */
@Controller("/api/v1")
@Requires(property = "vigil.planner.enabled", value = "true")
final class ApprovalsController {

  private static final int MAX_COMMENT = 1024;

  private final PlannerOperations planner;
  private final ApiGuard guard;
  private final ObjectMapper json;

  ApprovalsController(PlannerOperations planner, ApiGuard guard, ObjectMapper json) {
    this.planner = planner;
    this.guard = guard;
    this.json = json;
  }

  @Get(value = "/approvals", produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> list(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
    return Answers.of(guard, () -> {
      guard.reader(authorization);
      return HttpResponse.ok(Map.of("approvals", planner.approvals().stream().map(ApiViews.ApprovalJson::of)
          .toList()));
    });
  }

  @Post(value = "/approvals/{id}/approve", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> approve(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id,
      @Nullable @Body String body) {
    return decide(authorization, id, body, true);
  }

  @Post(value = "/approvals/{id}/reject", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> reject(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String id,
      @Nullable @Body String body) {
    return decide(authorization, id, body, false);
  }

  private HttpResponse<?> decide(String authorization, String id, String body, boolean approve) {
    return Answers.of(guard, () -> {
      String by = guard.writer(authorization);
      JsonBody request = JsonBody.parseOptional(json, body).rejectUnknown(Set.of("comment"));
      String comment = request.string("comment").orElse("");
      if (comment.length() > MAX_COMMENT) {
        throw request.invalid("comment", "longer than " + MAX_COMMENT + " characters");
      }
      return HttpResponse.ok(ApiViews.ApprovalJson.of(planner.decideApproval(id, approve, by, comment)));
    });
  }
}
