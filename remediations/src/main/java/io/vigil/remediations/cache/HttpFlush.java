package io.vigil.remediations.cache;

import io.vigil.probes.internal.HttpFetch;
import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.internal.Options;
import io.vigil.remediations.internal.Targets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: http_flush}: the web application's own cache flush, {@code DELETE
 * /services/flush/{all,session,data}} (seed 002, "Maintenance"). The scope comes from the action's
 * {@code scope} parameter, else the {@code scope} option, and must be one of the three.
 *
 * <pre>{@code
 * remediations:
 *   flush-web-cache:
 *     type: http_flush
 *     options:
 *       scope: data
 *       targets: {web-1: {url: http://10.0.4.1:80}}
 * }</pre>
 */
public final class HttpFlush implements Remediation {

  public static final String TYPE = "http_flush";
  static final List<String> SCOPES = List.of("all", "session", "data");
  private static final int MAX_BODY = 16 * 1024;

  private final Targets<URI> bases;
  private final String scope;
  private final Duration timeout;
  private final HttpClient client;

  HttpFlush(Targets<URI> bases, String scope, Duration timeout) {
    this.bases = bases;
    this.scope = scope;
    this.timeout = timeout;
    this.client = HttpFetch.newClient(timeout);
  }

  /** The {@code http_flush} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, options -> {
      Options o = Options.of(options);
      String scope = o.choice("scope", "all", SCOPES);
      Duration timeout = o.duration("timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
      Map<String, Options> targets = o.requiredSections("targets", "each web head by inventory host name, "
          + "e.g. {web-1: {url: http://10.0.4.1:80}}");
      o.rejectUnknown();
      Map<String, URI> bases = new LinkedHashMap<>();
      targets.forEach((name, t) -> {
        String url = t.string("url", null);
        if (url == null) {
          throw new IllegalArgumentException("option '" + t.path("url") + "': required (the web head's base URL)");
        }
        URI uri = HttpFetch.url(t.path("url"), url);
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
          throw new IllegalArgumentException("option '" + t.path("url") + "': the base URL takes no query");
        }
        t.rejectUnknown();
        bases.put(name, URI.create(uri.toString().replaceAll("/+$", "")));
      });
      return new HttpFlush(new Targets<>(TYPE, "web head", bases), scope, timeout);
    });
  }

  /** @throws IllegalArgumentException for a scope other than all, session or data */
  URI url(ActionTarget target) {
    String s = target.params().getOrDefault("scope", scope);
    if (!SCOPES.contains(s)) {
      String shown = s.length() > 30 ? s.substring(0, 30) + "..." : s;
      throw new IllegalArgumentException("parameter 'scope': '" + shown.replaceAll("\\p{Cntrl}", "?")
          + "' refused (expected: all, session or data)");
    }
    return URI.create(bases.require(target) + "/services/flush/" + s);
  }

  @Override
  public String render(ActionTarget target) {
    return "DELETE " + url(target) + "   # " + target.host();
  }

  @Override
  public Precondition preconditions(ActionTarget target) {
    try {
      return Precondition.holds("DELETE " + url(target), Map.of("url", url(target).toString()));
    } catch (IllegalArgumentException e) {
      return Precondition.refused(e.getMessage(), Map.of());
    }
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException, InterruptedException {
    URI url;
    try {
      url = url(target);
    } catch (IllegalArgumentException e) {
      return ActionResult.failed(e.getMessage());
    }
    Duration limit = timeout.compareTo(this.timeout) < 0 ? timeout : this.timeout;
    HttpRequest request = HttpRequest.newBuilder(url).DELETE().timeout(limit).build();
    HttpFetch.Response r;
    try {
      r = HttpFetch.send(client, request, limit, MAX_BODY);
    } catch (IOException e) {
      throw new TransientActionException("DELETE " + url + ": " + HttpFetch.reason(e), e);
    }
    boolean ok = r.status() / 100 == 2;
    return new ActionResult(ok, -1, r.body(), "", "DELETE " + url + " answered " + r.status()
        + (ok ? "" : ": " + HttpFetch.excerpt(r.body(), 100)));
  }
}
