package io.vigil.controlplane.agent;

import io.github.resilience4j.core.IntervalFunction;
import io.micronaut.serde.ObjectMapper;
import io.vigil.controlplane.report.Report;
import io.vigil.probes.Perfdata;
import io.vigil.probes.ProbeResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes this agent's results to the planner. Results wait in a bounded buffer (the oldest are
 * dropped and counted when it is full), are sent in batches, and survive a planner outage: a
 * failed send keeps its batch and waits with exponential, jittered backoff. Probing and NRPE never
 * wait on this: results are handed over in O(1) from the scheduler's completion.
 *
 * <p>A 400 drops the batch (retrying cannot fix it); 401, 5xx and connection errors keep it.
 */
public final class ReportSender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReportSender.class);

  private final ReportSettings settings;
  private final String agent;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Clock clock;
  private final IntervalFunction backoff;
  private final ArrayDeque<Report.Result> buffer = new ArrayDeque<>();
  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean closed;

  public ReportSender(ReportSettings settings, String agent, HttpClient http, ObjectMapper json, Clock clock) {
    this.settings = settings;
    this.agent = agent;
    this.http = http;
    this.json = json;
    this.clock = clock;
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.initialBackoff().toMillis(), 2.0, 0.2,
        settings.maxBackoff().toMillis());
    this.thread = new Thread(this::loop, "vigil-report-sender");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Queues one result; never blocks. */
  public void offer(String probe, String type, ProbeResult result) {
    Report.Result r = new Report.Result(probe, type, result.state().name(), result.summary(),
        result.perfdata().stream().map(ReportSender::value).toList(), result.at().toString(),
        result.took().toNanos() / 1e6);
    synchronized (buffer) {
      if (buffer.size() >= settings.bufferSize()) {
        buffer.pollFirst();
        dropped.incrementAndGet();
      }
      buffer.addLast(r);
      buffer.notifyAll();
    }
  }

  private static Report.Value value(Perfdata p) {
    return new Report.Value(p.label(), Double.isNaN(p.value()) ? null : p.value(), p.unit());
  }

  private void loop() {
    int attempt = 0;
    while (!closed) {
      try {
        List<Report.Result> batch = nextBatch();
        if (batch.isEmpty()) {
          continue;
        }
        Outcome outcome = send(batch);
        if (outcome == Outcome.SENT || outcome == Outcome.REJECTED) {
          synchronized (buffer) {
            // the batch is the buffer's head unless overflow dropped part of it meanwhile
            for (Report.Result r : batch) {
              if (buffer.peekFirst() == r) {
                buffer.pollFirst();
              }
            }
          }
          attempt = 0;
        } else {
          failures.incrementAndGet();
          attempt++;
          sleep(Duration.ofMillis(backoff.apply(Math.min(attempt, 30))));
        }
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) {
        failures.incrementAndGet();
        LOG.warn("report sender: {}", e.toString());
        sleepQuietly(settings.maxBackoff());
      }
    }
  }

  private List<Report.Result> nextBatch() throws InterruptedException {
    synchronized (buffer) {
      if (buffer.isEmpty()) {
        buffer.wait(settings.interval().toMillis());
      }
      List<Report.Result> batch = new ArrayList<>(Math.min(buffer.size(), settings.batchSize()));
      for (Report.Result r : buffer) {
        if (batch.size() == settings.batchSize()) {
          break;
        }
        batch.add(r);
      }
      return batch;
    }
  }

  private enum Outcome { SENT, REJECTED, RETRY }

  private Outcome send(List<Report.Result> batch) throws InterruptedException {
    byte[] body;
    try {
      body = json.writeValueAsBytes(new Report(agent, clock.instant().toString(), batch));
    } catch (IOException e) {
      LOG.error("report sender: cannot serialise a report, dropping {} results: {}", batch.size(), e.toString());
      dropped.addAndGet(batch.size());
      return Outcome.REJECTED;
    }
    HttpRequest request = HttpRequest.newBuilder(settings.url())
        .timeout(settings.timeout())
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + settings.token())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status / 100 == 2) {
        sent.addAndGet(batch.size());
        return Outcome.SENT;
      }
      if (status == 400) {
        dropped.addAndGet(batch.size());
        LOG.error("planner refused a report of {} results as malformed: {}", batch.size(), abbreviate(response.body()));
        return Outcome.REJECTED;
      }
      LOG.warn("planner answered {} to a report ({}); keeping {} results and retrying", status,
          status == 401 ? "check this agent's name and token" : abbreviate(response.body()), batch.size());
      return Outcome.RETRY;
    } catch (IOException e) {
      LOG.debug("planner unreachable at {}: {}", settings.url(), e.toString());
      return Outcome.RETRY;
    }
  }

  private void sleep(Duration d) throws InterruptedException {
    Thread.sleep(Math.max(1, d.toMillis()));
  }

  private void sleepQuietly(Duration d) {
    try {
      sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** Results delivered. */
  public long sent() {
    return sent.get();
  }

  /** Results dropped: buffer overflow while the planner was away, or refused as malformed. */
  public long dropped() {
    return dropped.get();
  }

  /** Failed send attempts (each followed by a backoff). */
  public long failures() {
    return failures.get();
  }

  public int buffered() {
    synchronized (buffer) {
      return buffer.size();
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }

  /** Where and how to report. */
  public record ReportSettings(URI url, String token, int bufferSize, int batchSize, Duration interval,
      Duration timeout, Duration initialBackoff, Duration maxBackoff) {
    public ReportSettings {
      if (bufferSize < 1 || batchSize < 1) {
        throw new IllegalArgumentException("report buffer and batch must be at least 1");
      }
    }
  }
}
