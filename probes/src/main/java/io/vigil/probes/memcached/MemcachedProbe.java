package io.vigil.probes.memcached;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * memcached {@code stats} over one kept-open TCP connection: up, uptime, connections, items,
 * evictions, hit ratio, and memory used against {@code limit_maxbytes} (thresholds in percent).
 */
public final class MemcachedProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("memcached",
      "memcached stats (options: host, port, warning, critical on memory used %, timeout)",
      (name, o) -> new MemcachedProbe(name, o.string("host", "127.0.0.1"), o.port("port", 11211),
          o.thresholds("", null, null), o.duration("timeout", Duration.ofSeconds(5))));

  private final String name;
  private final String host;
  private final int port;
  private final Thresholds memory;
  private final Duration timeout;
  private Socket socket;
  private BufferedReader in;
  private OutputStream out;

  public MemcachedProbe(String name, String host, int port, Thresholds memory, Duration timeout) {
    this.name = name;
    this.host = host;
    this.port = port;
    this.memory = memory;
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
  public synchronized Observation check() {
    Map<String, String> stats;
    try {
      stats = stats();
    } catch (IOException e) {
      close();
      return Observation.of(CheckState.CRITICAL, "memcached " + host + ":" + port + ": " + e.getMessage());
    } catch (IllegalStateException e) {
      close();
      return Observation.of(CheckState.UNKNOWN, "memcached " + host + ":" + port + ": " + e.getMessage());
    }
    long items = number(stats, "curr_items");
    long bytes = number(stats, "bytes");
    long limit = number(stats, "limit_maxbytes");
    long hits = number(stats, "get_hits");
    long misses = number(stats, "get_misses");
    long evictions = number(stats, "evictions");
    double usedPercent = limit == 0 ? 0 : Math.round(1000.0 * bytes / limit) / 10.0;
    double hitRatio = hits + misses == 0 ? Double.NaN : Math.round(10000.0 * hits / (hits + misses)) / 10000.0;
    CheckState state = memory.evaluate(usedPercent);
    String summary = String.format(Locale.ROOT, "memcached %s up %ss, %d items, %.1f%% of memory used, %d evictions",
        stats.getOrDefault("version", "?"), stats.get("uptime"), items, usedPercent, evictions);
    return new Observation(state, summary, List.of(
        Perfdata.of("uptime", number(stats, "uptime"), "s"),
        Perfdata.of("curr_connections", number(stats, "curr_connections"), ""),
        Perfdata.of("curr_items", items, ""),
        Perfdata.of("evictions", evictions, "c"),
        Perfdata.of("hit_ratio", hitRatio, ""),
        Perfdata.of("bytes", bytes, "B").withMin(0).withMax(limit),
        Perfdata.of("memory_used", usedPercent, "%").withThresholds(memory).withMin(0).withMax(100)));
  }

  private Map<String, String> stats() throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
    }
    out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    Map<String, String> stats = new HashMap<>();
    for (int lines = 0; lines < 512; lines++) {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed by memcached");
      }
      if (line.equals("END")) {
        if (!stats.containsKey("curr_items")) {
          throw new IllegalStateException("stats reply without curr_items");
        }
        return stats;
      }
      String[] parts = line.split(" ", 3);
      if (parts.length != 3 || !parts[0].equals("STAT")) {
        throw new IllegalStateException("unexpected reply to stats: '" + abbreviate(line) + "'");
      }
      stats.put(parts[1], parts[2]);
    }
    throw new IllegalStateException("stats reply longer than 512 lines");
  }

  private static long number(Map<String, String> stats, String key) {
    try {
      return Long.parseLong(stats.getOrDefault(key, "0"));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("stat " + key + " is not a number: " + stats.get(key), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  @Override
  public synchronized void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a broken connection
      }
      socket = null;
    }
  }
}
