package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The disk-fill fault against the lab's real 10 MiB tmpfs at $LAB/disk/mnt. */
class DiskFaultsIT {

  private static final Lab LAB = Lab.get();
  private static final long TEN_MIB = 10L * 1024 * 1024;

  private final Path mount = LAB.dir().resolve("disk/mnt");

  @BeforeAll
  static void labUp() {
    LAB.up("disk");
  }

  @AfterEach
  void heal() {
    LAB.heal("disk-fill").orThrow();
  }

  @Test
  void diskIsA10MiBTmpfs() throws IOException {
    FileStore store = Files.getFileStore(mount);

    assertThat(store.type()).isEqualTo("tmpfs");
    assertThat(store.getTotalSpace()).isEqualTo(TEN_MIB);
  }

  @Test
  void diskFill60_raisesUsageToAtLeast60Percent_andHealBringsItBackDown() throws IOException {
    double before = usage();
    assertThat(before).isLessThan(0.10);

    LAB.fault("disk-fill", "60").orThrow();

    assertThat(usage()).isGreaterThanOrEqualTo(0.60).isLessThan(0.62);
    assertThat(LAB.status().output()).containsPattern("disk\\s+FAILING.*60% used.*disk-fill active");

    LAB.heal("disk-fill").orThrow();

    assertThat(usage()).isCloseTo(before, within(0.01));
    assertThat(LAB.status().output()).containsPattern("disk\\s+up\\s.*% used");
  }

  @Test
  void diskFill_replacesAnEarlierFill_soUsageCanGoDown() throws IOException {
    LAB.fault("disk-fill", "90").orThrow();
    assertThat(usage()).isGreaterThanOrEqualTo(0.90);

    LAB.fault("disk-fill", "30").orThrow();

    assertThat(usage()).isGreaterThanOrEqualTo(0.30).isLessThan(0.32);
  }

  @Test
  void diskFill_rejectsPercentOutside1To99() throws IOException {
    for (String bad : List.of("0", "100", "-5", "60%", "abc")) {
      Lab.Result result = LAB.fault("disk-fill", bad);

      assertThat(result.exitCode()).as("disk-fill '%s'", bad).isEqualTo(2);
      assertThat(result.output()).contains("usage: lab/fault disk-fill <percent>   (1..99)");
    }
    assertThat(usage()).isLessThan(0.10);
  }

  @Test
  void healSucceeds_whenNothingIsFilled() {
    assertThat(LAB.heal("disk-fill").ok()).isTrue();
  }

  /** Used share of the filesystem, as a Java disk probe sees it. */
  private double usage() throws IOException {
    FileStore store = Files.getFileStore(mount);
    return 1.0 - (double) store.getUsableSpace() / store.getTotalSpace();
  }
}
