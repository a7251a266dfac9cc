package io.vigil.controlplane.planner.store;

import java.time.Instant;

/** A filter for the timeline and the action list; null fields match everything. */
public record TimelineQuery(String host, String check, Instant since, Instant until, int limit) {

  public static final int DEFAULT_LIMIT = 500;

  public TimelineQuery {
    limit = limit <= 0 ? DEFAULT_LIMIT : limit;
  }

  public static TimelineQuery all() {
    return new TimelineQuery(null, null, null, null, DEFAULT_LIMIT);
  }

  public boolean matches(String h, String c, Instant at) {
    return (host == null || host.equals(h)) && (check == null || check.equals(c))
        && (since == null || !at.isBefore(since)) && (until == null || at.isBefore(until));
  }
}
