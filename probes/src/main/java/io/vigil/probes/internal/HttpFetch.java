package io.vigil.probes.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;

/**
 * One HTTP exchange for a probe: the whole of it (connect, headers and body) bounded by a
 * deadline, and the body kept up to a size bound. The rest of an oversized body is read and
 * dropped, so the keep-alive connection stays usable for the next run.
 *
 * <p>{@link HttpRequest#timeout} alone is not enough: the JDK client cancels that timer once the
 * response headers arrive, and a server that trickles its body would hold the probe past its
 * deadline.
 */
public final class HttpFetch {

  /** What the server answered; {@code truncated} when the body was longer than the bound. */
  public record Response(int status, String body, boolean truncated) {
  }

  private HttpFetch() {
  }

  /**
   * Sends {@code request} and waits at most {@code deadline} for the status and the whole body.
   * The request must carry a {@link HttpRequest#timeout} no longer than the deadline: it bounds
   * the connect and the headers, and the body subscriber bounds the rest.
   *
   * @throws HttpTimeoutException when the deadline passes (the exchange is cancelled)
   * @throws IOException          for a refused connection, a reset, a malformed answer
   */
  public static Response send(HttpClient client, HttpRequest request, Duration deadline, int maxBody)
      throws IOException, InterruptedException {
    if (request.timeout().isEmpty()) {
      throw new IllegalArgumentException("request without a timeout: " + request);
    }
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    HttpResponse<Bounded.Body> response;
    try {
      // send(), not sendAsync().get(timeout): the public sendAsync completes its future through
      // the client's executor, an extra thread hand-off that doubled the cost of a loopback GET
      // (bin/bench heartbeat-probe); the deadline is kept by the request timeout and the subscriber
      response = client.send(request, info -> new Bounded(maxBody, deadlineNanos));
    } catch (HttpTimeoutException e) {
      // the request timeout (connect, headers) or the watchdog (body)
      throw new HttpTimeoutException("no complete answer within " + seconds(deadline));
    }
    Bounded.Body body = response.body();
    return new Response(response.statusCode(), new String(body.bytes(), StandardCharsets.UTF_8), body.truncated());
  }

  /** A client for probes: HTTP/1.1 keep-alive, no redirects followed, connect bounded by {@code timeout}. */
  public static HttpClient newClient(Duration timeout) {
    // HTTP/1.1 explicitly: the default (HTTP/2) sends an h2c upgrade request over plain http
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
  }

  /**
   * Checks an http:// or https:// URL given as option {@code option}.
   *
   * @throws IllegalArgumentException naming the option and what is wrong
   */
  public static URI url(String option, String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("option '" + option + "': " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("option '" + option + "': '" + text + "' (expected: an http:// or https:// URL)");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("option '" + option + "': '" + text + "' has no host");
    }
    if (uri.getRawUserInfo() != null) {
      // credentials in a URL would end up in summaries and logs
      throw new IllegalArgumentException("option '" + option + "': user information in the URL is not accepted");
    }
    return uri;
  }

  /**
   * Why an exchange failed, in words: the JDK client often throws a {@link ConnectException} with
   * no message, the reason being in a cause.
   */
  public static String reason(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    if (e instanceof ConnectException) {
      return "Connection refused";
    }
    if (e.getCause() instanceof ClosedChannelException) {
      return "connection closed";
    }
    return e.getClass().getSimpleName();
  }

  /**
   * A body cut to at most {@code max} characters for a one-line summary, control characters and
   * runs of white space made single spaces: {@code <html><head><title>502 Bad Gateway...}.
   */
  public static String excerpt(String body, int max) {
    String flat = body.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    if (flat.isEmpty()) {
      return "(empty body)";
    }
    return flat.length() <= max ? flat : flat.substring(0, max) + "...";
  }

  /** {@code 3.0s}, {@code 0.5s}. */
  public static String seconds(Duration d) {
    return d.toMillis() / 1000.0 + "s";
  }

  /** Keeps the first {@code max} bytes of a body and reads the rest without keeping it. */
  private static final class Bounded implements HttpResponse.BodySubscriber<Bounded.Body> {

    record Body(byte[] bytes, boolean truncated) {
    }

    private final int max;
    private final long deadlineNanos;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;
    private boolean truncated;

    Bounded(int max, long deadlineNanos) {
      this.max = max;
      this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      // HttpRequest.timeout stops at the headers: a body trickling past the deadline is cut by
      // the watchdog, and cancelling the subscription closes the connection
      Watchdog.watch(this);
      subscription.request(Long.MAX_VALUE);
    }

    /** Called by the watchdog once the deadline has passed. */
    void expire() {
      if (result.completeExceptionally(new HttpTimeoutException("body not complete by the deadline"))) {
        subscription.cancel();
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        int room = max - kept.size();
        int take = Math.min(room, buffer.remaining());
        if (take > 0) {
          byte[] chunk = new byte[take];
          buffer.get(chunk);
          kept.write(chunk, 0, take);
        }
        if (buffer.hasRemaining()) {
          truncated = true;
          buffer.position(buffer.limit());
        }
      }
    }

    @Override
    public void onError(Throwable throwable) {
      Watchdog.release(this);
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      Watchdog.release(this);
      result.complete(new Body(kept.toByteArray(), truncated));
    }

    @Override
    public CompletableFuture<Body> getBody() {
      return result;
    }
  }

  /**
   * Cuts bodies that outlive their deadline: one daemon thread for every probe, which looks at the
   * bodies in flight every {@value #TICK_MILLIS} ms. A timer per exchange
   * ({@code CompletableFuture.orTimeout}) wakes the timer thread on every request, which cost a
   * loopback GET about 12% more (bin/bench heartbeat-probe); registering here is a set insertion.
   * A body is cut at most one tick late; the probe runner's own deadline still bounds the run.
   */
  private static final class Watchdog {

    static final long TICK_MILLIS = 50;
    private static final Set<Bounded> IN_FLIGHT = ConcurrentHashMap.newKeySet();
    private static volatile Thread thread;

    static void watch(Bounded body) {
      if (thread == null) {
        start();
      }
      IN_FLIGHT.add(body);
    }

    static void release(Bounded body) {
      IN_FLIGHT.remove(body);
    }

    private static synchronized void start() {
      if (thread != null) {
        return;
      }
      Thread t = new Thread(Watchdog::loop, "vigil-http-deadlines");
      t.setDaemon(true);
      t.start();
      thread = t;
    }

    private static void loop() {
      while (true) {
        try {
          Thread.sleep(TICK_MILLIS);
          long now = System.nanoTime();
          for (Bounded body : IN_FLIGHT) {
            if (now - body.deadlineNanos >= 0) {
              IN_FLIGHT.remove(body);
              body.expire();
            }
          }
        } catch (InterruptedException e) {
          // a daemon of the JVM's lifetime: nothing interrupts it but the JVM going away
          return;
        } catch (RuntimeException e) {
          // one body failing to cancel must not stop the watch over the others
        }
      }
    }
  }
}
