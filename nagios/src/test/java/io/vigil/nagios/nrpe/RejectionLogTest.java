package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.internal.logging.AbstractInternalLogger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RejectionLogTest {

  private final AtomicLong nanos = new AtomicLong();
  private final List<String> lines = new ArrayList<>();
  private final RejectionLog log = new RejectionLog(new Recorder(lines), nanos::get, 3);

  @Test
  void atMostTheBudgetPerSecond_thenTheNumberHeldBack() {
    for (int i = 0; i < 10; i++) {
      log.warn("line " + i);
    }
    assertThat(lines).containsExactly("line 0", "line 1", "line 2");
    assertThat(log.suppressed()).isEqualTo(7);

    nanos.addAndGet(1_000_000_000L);
    log.warn("later");

    assertThat(lines).last().isEqualTo("later (7 similar lines suppressed)");
    assertThat(log.suppressed()).isZero();
  }

  @Test
  void textFromTheNetwork_cannotForgeLogLines() {
    assertThat(RejectionLog.printable("check_ok\nFAKE: root login\u001b[2J", 100)).isEqualTo("check_ok?FAKE: root login?[2J");
    assertThat(RejectionLog.printable("x".repeat(80), 64)).hasSize(67).endsWith("...");
  }

  /** Keeps WARN lines. */
  private static final class Recorder extends AbstractInternalLogger {
    private static final long serialVersionUID = 1L;
    private final transient List<String> lines;

    Recorder(List<String> lines) {
      super("recorder");
      this.lines = lines;
    }

    @Override public void warn(String msg) {
      lines.add(msg);
    }

    @Override public boolean isTraceEnabled() { return false; }
    @Override public void trace(String msg) { }
    @Override public void trace(String format, Object arg) { }
    @Override public void trace(String format, Object argA, Object argB) { }
    @Override public void trace(String format, Object... arguments) { }
    @Override public void trace(String msg, Throwable t) { }
    @Override public boolean isDebugEnabled() { return false; }
    @Override public void debug(String msg) { }
    @Override public void debug(String format, Object arg) { }
    @Override public void debug(String format, Object argA, Object argB) { }
    @Override public void debug(String format, Object... arguments) { }
    @Override public void debug(String msg, Throwable t) { }
    @Override public boolean isInfoEnabled() { return false; }
    @Override public void info(String msg) { }
    @Override public void info(String format, Object arg) { }
    @Override public void info(String format, Object argA, Object argB) { }
    @Override public void info(String format, Object... arguments) { }
    @Override public void info(String msg, Throwable t) { }
    @Override public boolean isWarnEnabled() { return true; }
    @Override public void warn(String format, Object arg) { }
    @Override public void warn(String format, Object... arguments) { }
    @Override public void warn(String format, Object argA, Object argB) { }
    @Override public void warn(String msg, Throwable t) { }
    @Override public boolean isErrorEnabled() { return false; }
    @Override public void error(String msg) { }
    @Override public void error(String format, Object arg) { }
    @Override public void error(String format, Object argA, Object argB) { }
    @Override public void error(String format, Object... arguments) { }
    @Override public void error(String msg, Throwable t) { }
  }
}
