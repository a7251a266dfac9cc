package io.vigil.controlplane.planner.api;

import io.vigil.controlplane.planner.store.TimelineQuery;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Query parameters read by hand, so a bad value is a 400 that names the parameter. */
final class Queries {

  static final int MAX_LIMIT = 10_000;

  private Queries() {
  }

  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /** {@code ?host=&check=&since=&until=&limit=} of the timeline and the action list. */
  static TimelineQuery timeline(String host, String check, String since, String until, String limit) {
    Instant from = instant("since", since);
    Instant to = instant("until", until);
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("since: " + from + " is not before until " + to);
    }
    return new TimelineQuery(blankToNull(host), blankToNull(check), from, to, limit(limit));
  }

  private static Instant instant(String name, String value) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    try {
      return JsonBody.parseInstant(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' is not an ISO-8601 instant (e.g. 2026-12-06T10:00:00Z)");
    }
  }

  private static int limit(String value) {
    String v = blankToNull(value);
    if (v == null) {
      return TimelineQuery.DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new IllegalArgumentException("limit: '" + v + "' (expected a whole number 1.." + MAX_LIMIT + ")");
  }
}
