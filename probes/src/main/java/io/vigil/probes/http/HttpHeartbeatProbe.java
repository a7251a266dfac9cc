package io.vigil.probes.http;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeRunner;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import io.vigil.probes.internal.HttpFetch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * An HTTP heartbeat: {@code GET url} over one keep-alive connection kept across runs, checked for
 * the expected status code, an optional body pattern and the latency thresholds (seconds).
 *
 * <pre>{@code
 * vigil check http_heartbeat --url http://127.0.0.1:58080/services/heartbeat -w 1 -c 3 -t 5s
 * CRITICAL: 503: queue failed (timeout after 3.0s); db:postgres ok, db:vigil ok | time=3.51s;1;3;0 status=503
 * }</pre>
 *
 * <p>When the body is a web head's report of its dependencies ({@code "failed"} and
 * {@code "checks"}, see {@link HeartbeatReport}), the summary names what failed and why. Any other
 * body of a failed answer is quoted, cut to about 100 characters.
 *
 * <p><b>This signal is for diagnosis and root cause, never a reason to restart the web head.</b>
 * The seed's heartbeat is deep: it fails when a database or the queue round trip fails, with the
 * web head itself healthy. Restarting web heads on it turns a database blip into a restart storm
 * (research notes, pain point C11: several projects removed database checks from liveness for
 * that reason). A 503 here points the planner at the dependency it names; the web head's own
 * liveness is a TCP or process probe.
 *
 * <p>States: a refused connection, a timeout, an unexpected status code, a body that does not match
 * {@code body_match}, or a 2xx whose report names failed checks are CRITICAL; otherwise the latency
 * thresholds decide.
 */
public final class HttpHeartbeatProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("http_heartbeat",
      "GET a heartbeat URL on a kept-alive connection (options: url, expect_status, body_match, "
          + "warning, critical on seconds, timeout)",
      (name, o) -> new HttpHeartbeatProbe(name, HttpFetch.url("url", o.string("url")), expectStatus(o.integer("expect_status", 200)),
          bodyMatch(o.string("body_match", null)), o.thresholds("", null, null),
          o.duration("timeout", Duration.ofSeconds(10)), null));

  /** Bytes of a body kept for matching and summaries; a heartbeat report is far smaller. */
  static final int MAX_BODY = 64 * 1024;
  private static final int EXCERPT = 100;

  private final String name;
  private final URI url;
  private final int expectStatus;
  private final Pattern bodyMatch;
  private final Thresholds latency;
  private final Duration timeout;
  private final Duration deadline;
  private final HttpRequest request;
  private HttpClient client;

  /**
   * @param bodyMatch a pattern the body must contain ({@link java.util.regex.Matcher#find}), or null
   * @param client    the client to send with (shared keep-alive pool), or null for one of its own
   */
  public HttpHeartbeatProbe(String name, URI url, int expectStatus, Pattern bodyMatch, Thresholds latency,
      Duration timeout, HttpClient client) {
    this.name = name;
    this.url = url;
    this.expectStatus = expectStatus;
    this.bodyMatch = bodyMatch;
    this.latency = latency;
    this.timeout = timeout;
    this.client = client;
    // end a little before the runner's deadline, so the result names the cause itself
    this.deadline = ProbeRunner.ownDeadline(timeout);
    // immutable and the same for every run: built once (rebuilding cost ~10% of a loopback GET)
    this.request = HttpRequest.newBuilder(url).GET().timeout(deadline)
        .header("Accept", "application/json, text/plain;q=0.9, */*;q=0.5").build();
  }

  /** A client for probes: HTTP/1.1 keep-alive, no redirects followed, connect bounded by {@code timeout}. */
  public static HttpClient newClient(Duration timeout) {
    return HttpFetch.newClient(timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration timeout() {
    return timeout;
  }

  @Override
  public Observation check() throws InterruptedException {
    long started = System.nanoTime();
    HttpFetch.Response response;
    try {
      response = HttpFetch.send(client(), request, deadline, MAX_BODY);
    } catch (HttpTimeoutException e) {
      return failed("GET " + url + ": no complete answer within " + HttpFetch.seconds(timeout), started);
    } catch (IOException e) {
      return failed("GET " + url + ": " + HttpFetch.reason(e), started);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    Optional<HeartbeatReport> report = HeartbeatReport.parse(response.body());
    CheckState state;
    String summary;
    if (response.status() != expectStatus) {
      state = CheckState.CRITICAL;
      summary = response.status() + ": " + report.map(HeartbeatReport::describe)
          .orElseGet(() -> HttpFetch.excerpt(response.body(), EXCERPT))
          + (expectStatus == 200 ? "" : " (expected " + expectStatus + ")");
    } else if (bodyMatch != null && !bodyMatch.matcher(response.body()).find()) {
      state = CheckState.CRITICAL;
      summary = response.status() + " but the body does not match '" + bodyMatch.pattern() + "': "
          + HttpFetch.excerpt(response.body(), EXCERPT);
    } else if (response.status() / 100 == 2 && report.isPresent() && report.get().anyFailed()) {
      state = CheckState.CRITICAL;
      summary = response.status() + " but the report names failed checks: " + report.get().describe();
    } else {
      state = latency.evaluate(seconds);
      summary = String.format(Locale.ROOT, "%d in %.3fs", response.status(), seconds)
          + report.map(r -> ": " + r.describe()).orElse("");
    }
    return new Observation(state, summary, List.of(time(seconds), Perfdata.of("status", response.status(), "")));
  }

  private Observation failed(String summary, long started) {
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Observation(CheckState.CRITICAL, summary, List.of(time(seconds), Perfdata.of("status", Double.NaN, "")));
  }

  private Perfdata time(double seconds) {
    return Perfdata.of("time", Math.round(seconds * 1e6) / 1e6, "s").withThresholds(latency).withMin(0);
  }

  private synchronized HttpClient client() {
    if (client == null) {
      client = newClient(timeout);
    }
    return client;
  }

  static int expectStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("option 'expect_status': " + status + " (expected: 100..599)");
    }
    return status;
  }

  static Pattern bodyMatch(String regex) {
    if (regex == null) {
      return null;
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("option 'body_match': not a regular expression: "
          + e.getDescription() + " near index " + e.getIndex() + " of '" + regex + "'");
    }
  }
}
