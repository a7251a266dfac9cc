package io.vigil.nagios.nrpe;

import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import io.vigil.nagios.nrpe.NrpeServerCounters.Requests;
import io.vigil.nagios.nrpe.NrpeServerCounters.Result;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one server, written from its event loops without locks; {@link #snapshot}
 * copies them into an {@link NrpeServerCounters}.
 */
final class ServerCounters {

  private static final int VERSIONS = 3; // 2, 3, 4

  private final LongAdder[] requests = adders(VERSIONS * Result.values().length);
  private final LongAdder[] rejected = adders(RejectReason.values().length);
  private final LongAdder accepted = new LongAdder();
  private final LongAdder commandTimeouts = new LongAdder();
  private final LongAdder commandErrors = new LongAdder();
  private final AtomicInteger open = new AtomicInteger();

  void accepted() {
    accepted.increment();
  }

  /** Counts a connection as open unless {@code max} are open already. */
  boolean tryOpen(int max) {
    for (;;) {
      int now = open.get();
      if (now >= max) {
        return false;
      }
      if (open.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void closed() {
    open.decrementAndGet();
  }

  void answered(int version, int resultCode) {
    requests[(version - 2) * Result.values().length + resultCode].increment();
  }

  void rejected(RejectReason reason) {
    rejected[reason.ordinal()].increment();
  }

  void commandTimedOut() {
    commandTimeouts.increment();
  }

  void commandFailed() {
    commandErrors.increment();
  }

  NrpeServerCounters snapshot() {
    Map<Requests, Long> byVersion = new HashMap<>();
    for (int version = 2; version <= 4; version++) {
      for (Result result : Result.values()) {
        long n = requests[(version - 2) * Result.values().length + result.ordinal()].sum();
        if (n > 0) {
          byVersion.put(new Requests(version, result), n);
        }
      }
    }
    Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
    for (RejectReason reason : RejectReason.values()) {
      long n = rejected[reason.ordinal()].sum();
      if (n > 0) {
        byReason.put(reason, n);
      }
    }
    return new NrpeServerCounters(byVersion, byReason, accepted.sum(), open.get(), commandTimeouts.sum(),
        commandErrors.sum());
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] adders = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }
}
