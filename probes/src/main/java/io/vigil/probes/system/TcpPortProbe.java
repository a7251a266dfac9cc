package io.vigil.probes.system;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;

/** A TCP port accepts connections; the connect time is checked against thresholds (seconds). */
public final class TcpPortProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("tcp",
      "a TCP port accepts connections (options: host, port, warning, critical in seconds, timeout)",
      (name, o) -> new TcpPortProbe(name, o.string("host", "127.0.0.1"), o.port("port"),
          o.thresholds("", null, null), o.duration("timeout", Duration.ofSeconds(10))));

  private final String name;
  private final String host;
  private final int port;
  private final Thresholds thresholds;
  private final Duration timeout;

  public TcpPortProbe(String name, String host, int port, Thresholds thresholds, Duration timeout) {
    this.name = name;
    this.host = host;
    this.port = port;
    this.thresholds = thresholds;
    this.timeout = timeout;
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
  public Observation check() throws Exception {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
    } catch (java.io.IOException e) {
      return Observation.of(CheckState.CRITICAL, host + ":" + port + ": " + e.getMessage());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return Observation.of(thresholds.evaluate(seconds),
        String.format(Locale.ROOT, "%s:%d accepts connections in %.3fs", host, port, seconds),
        Perfdata.of("time", Math.round(seconds * 1e6) / 1e6, "s").withThresholds(thresholds).withMin(0));
  }
}
