package io.vigil.controlplane.planner.api;

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
import io.vigil.controlplane.planner.engine.PlannerOperations;
import io.vigil.controlplane.planner.engine.PlannerOperations.AlertNotice;
import java.util.List;
import java.util.Set;

/**
 * What the world tells the planner: {@code POST /api/v1/events} (a loader's {@code batch_loaded},
 * for event policies) and {@code POST /api/v1/alerts/alertmanager} (Alertmanager's webhook,
 * payload version 4; idempotent per fingerprint and status, so Alertmanager's retries are harmless).
 */
@Controller("/api/v1")
@Requires(property = "vigil.planner.enabled", value = "true")
final class EventsController {

  private final PlannerOperations planner;
  private final ApiGuard guard;
  private final ObjectMapper json;

  EventsController(PlannerOperations planner, ApiGuard guard, ObjectMapper json) {
    this.planner = planner;
    this.guard = guard;
    this.json = json;
  }

  @Post(value = "/events", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> event(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
      @Nullable @Body String body) {
    return Answers.of(guard, () -> {
      String by = guard.writer(authorization);
      JsonBody event = JsonBody.parse(json, body).rejectUnknown(Set.of("host", "name", "params"));
      var recorded = planner.event(event.requiredString("host"), event.requiredString("name"),
          event.stringMap("params"), by);
      return HttpResponse.accepted().body(ApiViews.Event.of(recorded));
    });
  }

  @Post(value = "/alerts/alertmanager", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
  HttpResponse<?> alertmanager(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization,
      @Nullable @Body String body) {
    return Answers.of(guard, () -> {
      guard.writer(authorization);
      // validate the whole notification before the first alert is taken: all or nothing
      List<AlertNotice> alerts = AlertmanagerPayload.alerts(JsonBody.parse(json, body));
      int accepted = 0;
      for (AlertNotice alert : alerts) {
        if (planner.alert(alert)) {
          accepted++;
        }
      }
      return HttpResponse.ok(new ApiViews.AlertsAnswer(accepted, alerts.size() - accepted));
    });
  }
}
