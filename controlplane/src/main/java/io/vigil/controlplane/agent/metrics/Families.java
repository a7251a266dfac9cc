package io.vigil.controlplane.agent.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The samples of one scrape, grouped by metric family. A family declared here but given no sample
 * is left out of the scrape (an agent without pgpool probes has no {@code vigil_pgpool_node_up}).
 * Not thread-safe: one instance per scrape.
 */
final class Families {

  /** A metric family: its name as exposed (counters with their {@code _total}), help and label names. */
  record Family(String name, String help, boolean counter, String... labelNames) {

    /** The name client_java's model wants: counters without {@code _total}, the writers add it back. */
    String modelName() {
      return counter ? name.substring(0, name.length() - "_total".length()) : name;
    }
  }

  private record Sample(double value, Labels labels) {
  }

  /**
   * Label sets from earlier scrapes: building one validates and sorts its names, which costs more
   * than the rest of a sample; the values are bounded by the fleet, the bound only guards against
   * churn (e.g. a vhost's short-lived queues).
   */
  static final class LabelCache {
    private static final int MAX = 20_000;

    private record Key(String[] names, List<String> values) {
    }

    private final Map<Key, Labels> cache = new ConcurrentHashMap<>();

    Labels labels(Family family, String[] values) {
      // names is the family's own array, compared by identity: one entry per family and values
      Key key = new Key(family.labelNames(), Arrays.asList(values));
      Labels labels = cache.get(key);
      if (labels == null) {
        if (cache.size() >= MAX) {
          cache.clear();
        }
        labels = Labels.of(family.labelNames(), values);
        cache.put(key, labels);
      }
      return labels;
    }
  }

  private final Map<Family, List<Sample>> samples = new LinkedHashMap<>();
  private final LabelCache labels;

  Families(List<Family> families, LabelCache labels) {
    this.labels = labels;
    families.forEach(f -> samples.put(f, new ArrayList<>()));
  }

  /** One sample; NaN (a measurement the probe could not determine) is left out, not exposed. */
  void add(Family family, double value, String... labelValues) {
    if (Double.isNaN(value)) {
      return;
    }
    List<Sample> list = samples.get(family);
    if (list == null) {
      throw new IllegalArgumentException("family " + family.name() + " was not declared");
    }
    list.add(new Sample(value, labels.labels(family, labelValues)));
  }

  MetricSnapshots snapshots() {
    List<MetricSnapshot> out = new ArrayList<>(samples.size());
    samples.forEach((family, list) -> {
      if (list.isEmpty()) {
        return;
      }
      if (family.counter()) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(family.modelName()).help(family.help());
        list.forEach(s -> b.dataPoint(CounterDataPointSnapshot.builder().value(s.value()).labels(s.labels()).build()));
        out.add(b.build());
      } else {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(family.modelName()).help(family.help());
        list.forEach(s -> b.dataPoint(GaugeDataPointSnapshot.builder().value(s.value()).labels(s.labels()).build()));
        out.add(b.build());
      }
    });
    return new MetricSnapshots(out);
  }
}
