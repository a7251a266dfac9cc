package io.vigil.controlplane.agent.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private final Map<Family, List<Sample>> samples = new LinkedHashMap<>();

  Families(List<Family> families) {
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
    list.add(new Sample(value, Labels.of(family.labelNames(), labelValues)));
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
