package io.vigil.probes.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.probes.CheckState;
import io.vigil.probes.Observation;
import io.vigil.probes.Thresholds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFreshnessProbeTest {

  private static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");

  @TempDir
  Path dir;

  private FileFreshnessProbe probe(String glob) {
    return new FileFreshnessProbe("backups", dir, glob, Thresholds.parse("~:93600", "~:180000"),
        Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private void file(String name, Duration age) throws Exception {
    Files.setLastModifiedTime(Files.writeString(dir.resolve(name), "x"), FileTime.from(NOW.minus(age)));
  }

  @Test
  void lastNightsDump_isOk() throws Exception {
    file("monarc-2026-11-21.sql.gz", Duration.ofHours(30));
    file("monarc-2026-11-22.sql.gz", Duration.ofHours(6));
    Observation o = probe("*.sql.gz").check();
    assertThat(o.state()).isEqualTo(CheckState.OK);
    assertThat(o.summary()).isEqualTo("newest file monarc-2026-11-22.sql.gz is 6h0m old");
    assertThat(o.perfdata().get(0).value()).isEqualTo(21600);
  }

  @Test
  void aMissedNight_warns_andTwoAreCritical() throws Exception {
    file("dump.sql.gz", Duration.ofHours(30));
    assertThat(probe("*").check().state()).isEqualTo(CheckState.WARNING);
    file("dump.sql.gz", Duration.ofHours(51));
    assertThat(probe("*").check().state()).isEqualTo(CheckState.CRITICAL);
  }

  @Test
  void noMatchingFile_isCritical() throws Exception {
    file("notes.txt", Duration.ofMinutes(1));
    Observation o = probe("*.sql.gz").check();
    assertThat(o.state()).isEqualTo(CheckState.CRITICAL);
    assertThat(o.summary()).isEqualTo("no file matching '*.sql.gz' in " + dir);
  }
}
