package io.vigil.controlplane.planner.engine;

import io.vigil.controlplane.planner.store.PlannerStore;
import io.vigil.controlplane.planner.store.TimelineEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the timeline in the background, in batches ({@link PlannerStore#appendAll}: one fsync or
 * one transaction per batch), so a report's decisions never wait for the disk. Action records are
 * not written here: the execution contract writes those synchronously. Reads through the engine
 * {@link #flush} first, so what the API shows includes everything decided before the request.
 */
final class TimelineWriter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TimelineWriter.class);
  private static final int BATCH = 1000;

  private final PlannerStore store;
  private final BlockingQueue<TimelineEvent> queue = new ArrayBlockingQueue<>(100_000);
  private final Thread thread;
  private final Object progress = new Object();
  private long enqueued;
  private long written;
  private volatile boolean closed;

  TimelineWriter(PlannerStore store, String node) {
    this.store = store;
    this.thread = new Thread(this::loop, "vigil-timeline-" + node);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues one event; waits only when 100,000 are already waiting (the store cannot keep up). An
   * interrupted caller (an action being cancelled at shutdown records how it ended) still gets its
   * event queued, and keeps its interrupt: an event counted but never queued would make every later
   * {@link #flush} wait its full 10 s.
   */
  void write(TimelineEvent e) {
    if (closed) {
      LOG.debug("timeline closed; not written: {}", e.what());
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(e);
        break;
      } catch (InterruptedException ex) {
        interrupted = true;
      }
    }
    synchronized (progress) {
      enqueued++;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits (at most 10 s) until everything queued so far is in the store.
   *
   * @return whether it all was (false: timed out, interrupted, or closed first)
   */
  boolean flush() {
    long target;
    synchronized (progress) {
      target = enqueued;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (written < target) {
        long left = end - System.nanoTime();
        if (closed || left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private void loop() {
    List<TimelineEvent> batch = new ArrayList<>(BATCH);
    while (!closed || !queue.isEmpty()) {
      try {
        TimelineEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        try {
          store.appendAll(batch);
        } catch (RuntimeException e) {
          LOG.warn("could not write {} timeline event(s): {}", batch.size(), e.getMessage());
        }
        synchronized (progress) {
          written += batch.size();
          progress.notifyAll();
        }
        batch.clear();
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    flush();
    closed = true;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
