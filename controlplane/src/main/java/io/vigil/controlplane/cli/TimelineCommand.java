package io.vigil.controlplane.cli;

import io.micronaut.json.tree.JsonNode;
import io.vigil.controlplane.cli.PlannerClient.ApiError;
import io.vigil.controlplane.planner.api.DurationText;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code vigil timeline [--host H] [--check C] [--since T] [--until T] [--limit N]}: the planner's
 * audit timeline, oldest first. T is an ISO-8601 instant or a duration back from now ({@code 1h}).
 */
public final class TimelineCommand extends PlannerCommand {

  public TimelineCommand() {
    this(System.getenv(), Clock.systemUTC());
  }

  TimelineCommand(Map<String, String> env, Clock clock) {
    super(env, clock);
  }

  @Override
  String name() {
    return "timeline";
  }

  @Override
  String usage() {
    return "usage: vigil timeline [--host H] [--check C] [--since T] [--until T] [--limit N]\n"
        + "T is an ISO-8601 instant (2026-12-06T10:00:00Z) or a time back from now (30m, 2h, 1d).\n"
        + common();
  }

  @Override
  Set<String> options() {
    return Set.of("host", "check", "since", "until", "limit");
  }

  @Override
  int run(CliOptions options, PlannerClient planner, PrintStream out) throws ApiError {
    options.atMostWords(0);
    List<String> query = new ArrayList<>();
    options.value("host").ifPresent(v -> query.add("host=" + encode(v)));
    options.value("check").ifPresent(v -> query.add("check=" + encode(v)));
    options.value("since").ifPresent(v -> query.add("since=" + encode(instant("since", v).toString())));
    options.value("until").ifPresent(v -> query.add("until=" + encode(instant("until", v).toString())));
    options.value("limit").ifPresent(v -> query.add("limit=" + encode(v)));
    JsonNode events = planner.get("/timeline" + (query.isEmpty() ? "" : "?" + String.join("&", query)))
        .get("events");
    if (events == null || events.size() == 0) {
      out.println("no events");
      return 0;
    }
    Table table = new Table("AT", "KIND", "HOST", "CHECK", "WHO", "WHAT", "WHY");
    for (JsonNode e : events.values()) {
      table.row(e, "at", "kind", "host", "check", "who", "what", "why");
    }
    table.print(out);
    return 0;
  }

  private Instant instant(String option, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException notAnOffsetTime) {
        try {
          return clock.instant().minus(DurationText.parse(text));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--" + option + ": '" + text
              + "' is neither an ISO-8601 instant nor a duration back from now (e.g. 2h)");
        }
      }
    }
  }
}
