package io.vigil.probes.system;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Perfdata;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeOptions;
import io.vigil.probes.ProbeType;
import io.vigil.probes.Thresholds;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The newest file in a directory (optionally matching a glob) is younger than a bound: for the
 * seeds' nightly database dumps and cron-collected stats. Thresholds are ages, e.g.
 * {@code max_age_warning: 26h}, {@code max_age_critical: 50h}.
 */
public final class FileFreshnessProbe implements Probe {

  public static final ProbeType TYPE = ProbeType.of("file_freshness",
      "the newest file in a directory is recent (options: path, glob, max_age_warning, max_age_critical, timeout)",
      (name, o) -> new FileFreshnessProbe(name, Path.of(o.string("path")), o.string("glob", "*"),
          ages(o), o.duration("timeout", Duration.ofSeconds(10)), Clock.systemUTC()));

  private final String name;
  private final Path dir;
  private final String glob;
  private final Thresholds age;
  private final Duration timeout;
  private final Clock clock;

  FileFreshnessProbe(String name, Path dir, String glob, Thresholds age, Duration timeout, Clock clock) {
    this.name = name;
    this.dir = dir;
    this.glob = glob;
    this.age = age;
    this.timeout = timeout;
    this.clock = clock;
  }

  private static Thresholds ages(ProbeOptions o) {
    Duration warning = o.duration("max_age_warning", Duration.ofHours(26));
    Duration critical = o.duration("max_age_critical", Duration.ofHours(50));
    return Thresholds.parse("~:" + warning.toSeconds(), "~:" + critical.toSeconds());
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
  public Observation check() throws IOException {
    if (!Files.isDirectory(dir)) {
      return Observation.of(CheckState.CRITICAL, dir + " is not a directory");
    }
    Path newest = null;
    Instant newestTime = Instant.MIN;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, glob)) {
      for (Path file : files) {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        if (attrs.isRegularFile() && attrs.lastModifiedTime().toInstant().isAfter(newestTime)) {
          newest = file;
          newestTime = attrs.lastModifiedTime().toInstant();
        }
      }
    }
    if (newest == null) {
      return Observation.of(CheckState.CRITICAL, "no file matching '" + glob + "' in " + dir);
    }
    long seconds = Math.max(0, Duration.between(newestTime, clock.instant()).toSeconds());
    return Observation.of(age.evaluate(seconds),
        "newest file " + newest.getFileName() + " is " + human(seconds) + " old",
        Perfdata.of("age", seconds, "s").withThresholds(age).withMin(0));
  }

  private static String human(long s) {
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    return s / 3600 + "h" + (s % 3600) / 60 + "m";
  }
}
