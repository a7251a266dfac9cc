package io.vigil.remediations;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a real component until a condition holds (tests only; production code takes a clock). */
public final class Await {

  private Await() {
  }

  /** Returns the first value for which {@code done} is true, or fails naming {@code what}. */
  public static <T> T until(Duration timeout, String what, Callable<T> value, java.util.function.Predicate<T> done)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    Exception error = null;
    while (true) {
      try {
        last = value.call();
        if (done.test(last)) {
          return last;
        }
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        error = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new AssertionError("not true within " + timeout + ": " + what + "; last: " + last, error);
      }
      Thread.sleep(100);
    }
  }
}
