package io.vigil.probes;

import io.vigil.probes.http.HttpHeartbeatProbe;
import io.vigil.probes.memcached.MemcachedProbe;
import io.vigil.probes.pgbouncer.PgbouncerPoolsProbe;
import io.vigil.probes.pgpool.PcpNodesProbe;
import io.vigil.probes.pgpool.PgpoolNodesProbe;
import io.vigil.probes.postgres.ReplicationLagProbe;
import io.vigil.probes.queue.RabbitMqQueueProbe;
import io.vigil.probes.queue.RedisQueueProbe;
import io.vigil.probes.storage.MountProbe;
import io.vigil.probes.system.DiskHeadroomProbe;
import io.vigil.probes.system.FileFreshnessProbe;
import io.vigil.probes.system.NagiosPluginProbe;
import io.vigil.probes.system.ProcessProbe;
import io.vigil.probes.system.TcpPortProbe;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The probe types Vigil knows, by name: what config files and {@code vigil check <type>} refer to.
 *
 * <pre>{@code
 * Probe p = ProbeCatalog.standard().create("memcached", "cache", Map.of("port", "51211"));
 * }</pre>
 */
public final class ProbeCatalog {

  private final Map<String, ProbeType> types = new TreeMap<>();

  public ProbeCatalog(List<ProbeType> types) {
    for (ProbeType type : types) {
      if (this.types.put(type.type(), type) != null) {
        throw new IllegalArgumentException("two probe types named " + type.type());
      }
    }
  }

  /** Every built-in probe type. */
  public static ProbeCatalog standard() {
    return new ProbeCatalog(List.of(
        DiskHeadroomProbe.TYPE,
        FileFreshnessProbe.TYPE,
        HttpHeartbeatProbe.TYPE,
        MemcachedProbe.TYPE,
        MountProbe.TYPE,
        NagiosPluginProbe.TYPE,
        PcpNodesProbe.TYPE,
        PgbouncerPoolsProbe.TYPE,
        PgpoolNodesProbe.TYPE,
        ProcessProbe.TYPE,
        RabbitMqQueueProbe.TYPE,
        io.vigil.probes.queue.AmqpQueueProbe.TYPE,
        RedisQueueProbe.TYPE,
        ReplicationLagProbe.TYPE,
        TcpPortProbe.TYPE));
  }

  public Collection<ProbeType> types() {
    return types.values();
  }

  /**
   * Builds a probe of the named type.
   *
   * @throws IllegalArgumentException for an unknown type (listing the known ones) or a bad option
   */
  public Probe create(String type, String name, Map<String, String> options) {
    ProbeType probeType = types.get(type);
    if (probeType == null) {
      throw new IllegalArgumentException("unknown probe '" + type + "' (known: " + String.join(", ", types.keySet()) + ")");
    }
    return probeType.create(name, ProbeOptions.of(options));
  }
}
