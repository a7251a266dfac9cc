package io.vigil.probes.http;

import io.vigil.probes.internal.HttpFetch;
import io.vigil.probes.internal.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A web head's own account of its dependencies, read from a heartbeat body such as the lab web
 * head's (seed runbook 002, "Troubleshooting"):
 * {@code {"status":"failed","failed":["queue"],"checks":{"db:postgres":"ok","queue":"timeout after 3.0s"}}}.
 * A check whose value is {@code "ok"} passed; any other value is the reason it failed.
 */
final class HeartbeatReport {

  /** A failure reason is cut to this many characters in a summary. */
  static final int MAX_REASON = 120;

  private final Set<String> failed;
  private final Map<String, String> checks;

  private HeartbeatReport(Set<String> failed, Map<String, String> checks) {
    this.failed = failed;
    this.checks = checks;
  }

  /** The report in {@code body}, or empty when the body is not JSON or names no checks. */
  static Optional<HeartbeatReport> parse(String body) {
    Map<String, Object> doc;
    try {
      doc = Json.object(body);
    } catch (IllegalArgumentException notJson) {
      return Optional.empty();
    }
    Object checksValue = doc.get("checks");
    Object failedValue = doc.get("failed");
    if (!(checksValue instanceof Map) && !(failedValue instanceof List)) {
      return Optional.empty();
    }
    Map<String, String> checks = new LinkedHashMap<>();
    Json.map(checksValue).forEach((name, outcome) -> checks.put(name, outcome instanceof String s ? s : String.valueOf(outcome)));
    Set<String> failed = new LinkedHashSet<>();
    for (Object name : Json.list(failedValue)) {
      failed.add(String.valueOf(name));
    }
    checks.forEach((name, outcome) -> {
      if (!outcome.equals("ok")) {
        failed.add(name);
      }
    });
    return Optional.of(new HeartbeatReport(failed, checks));
  }

  boolean anyFailed() {
    return !failed.isEmpty();
  }

  /** {@code queue failed (timeout after 3.0s); db:postgres ok, db:vigil ok}. */
  String describe() {
    List<String> bad = new ArrayList<>();
    for (String name : failed) {
      String reason = checks.get(name);
      bad.add(reason == null || reason.equals("ok") ? name + " failed"
          : name + " failed (" + HttpFetch.excerpt(reason, MAX_REASON) + ")");
    }
    List<String> good = new ArrayList<>();
    checks.forEach((name, outcome) -> {
      if (!failed.contains(name)) {
        good.add(name + " ok");
      }
    });
    if (bad.isEmpty()) {
      return good.isEmpty() ? "no checks reported" : String.join(", ", good);
    }
    return String.join(", ", bad) + (good.isEmpty() ? "" : "; " + String.join(", ", good));
  }
}
