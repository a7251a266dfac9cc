package io.vigil.nagios.nrpe;

import io.netty.util.internal.logging.InternalLogger;
import java.util.function.LongSupplier;

/**
 * One WARN line per rejected connection, at most {@code linesPerSecond} a second: a flood of bad
 * connections is visible in the counters, and must not fill the disk through the log. Lines that
 * are held back are counted and reported with the next line that gets through.
 *
 * <p>Netty's logger is used because it routes to SLF4J when the application has it (the agent
 * does) and to java.util.logging otherwise, without adding a dependency to this module.
 */
final class RejectionLog {

  private static final long SECOND_NANOS = 1_000_000_000L;

  private final InternalLogger log;
  private final LongSupplier nanoTime;
  private final int linesPerSecond;
  private long windowStart;
  private int linesInWindow;
  private long suppressed;

  RejectionLog(InternalLogger log, LongSupplier nanoTime, int linesPerSecond) {
    this.log = log;
    this.nanoTime = nanoTime;
    this.linesPerSecond = linesPerSecond;
    this.windowStart = nanoTime.getAsLong();
  }

  /** Logs {@code line} at WARN unless this second's budget is spent. */
  void warn(String line) {
    String out;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (now - windowStart >= SECOND_NANOS) {
        windowStart = now;
        linesInWindow = 0;
      }
      if (linesInWindow >= linesPerSecond) {
        suppressed++;
        return;
      }
      linesInWindow++;
      out = suppressed == 0 ? line : line + " (" + suppressed + " similar lines suppressed)";
      suppressed = 0;
    }
    log.warn(out);
  }

  /** Lines held back since the last one logged; for tests. */
  synchronized long suppressed() {
    return suppressed;
  }

  /**
   * Text from the network made safe for one log line: control characters become '?', and it is cut
   * to {@code max} characters, so that a query cannot forge log lines or flood one.
   */
  static String printable(String text, int max) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 3);
    for (int i = 0; i < text.length() && i < max; i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    if (text.length() > max) {
      b.append("...");
    }
    return b.toString();
  }
}
