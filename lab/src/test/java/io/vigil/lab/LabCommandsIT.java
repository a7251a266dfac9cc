package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab commands' answers to bad input, and their idempotence. */
class LabCommandsIT {

  private static final Lab LAB = Lab.get();

  @TempDir
  Path otherLab;

  @BeforeAll
  static void labUp() {
    LAB.up("memcached");
  }

  @Test
  void unknownComponentOrFault_printsWhatIsAccepted_andExits2() {
    Lab.Result up = run("up", "postgress");
    assertThat(up.exitCode()).isEqualTo(2);
    assertThat(up.output()).contains("unknown component 'postgress'").contains("components: postgres pgpool");

    Lab.Result fault = LAB.fault("pgpool-detatch", "1");
    assertThat(fault.exitCode()).isEqualTo(2);
    assertThat(fault.output()).contains("unknown fault 'pgpool-detatch'").contains("pgpool-detach").contains("memcached-stop");

    Lab.Result heal = LAB.heal("nothing");
    assertThat(heal.exitCode()).isEqualTo(2);
    assertThat(run("down", "nope").exitCode()).isEqualTo(2);
  }

  @Test
  void upTwice_doesNotStartASecondCopy() throws IOException {
    String pid = Files.readString(LAB.dir().resolve("memcached/memcached.pid")).strip();
    Lab.Result again = run("up", "memcached").orThrow();
    assertThat(again.output()).contains("memcached already up");
    assertThat(Files.readString(LAB.dir().resolve("memcached/memcached.pid")).strip()).isEqualTo(pid);
  }

  @Test
  void downWithNothingRunning_succeeds() {
    Lab.Result down = runIn(otherLab, "down");
    assertThat(down.exitCode()).isZero();
    assertThat(runIn(otherLab, "status").exitCode()).as("status of an empty lab").isEqualTo(3);
  }

  @Test
  void aComponentThatFailsToStart_failsUp_withItsLogTail_andLeavesNothingRunning() throws IOException {
    // a second lab cannot have memcached's port: the first lab holds it
    Lab.Result up = runIn(otherLab, "up", "memcached");

    assertThat(up.exitCode()).isEqualTo(1);
    assertThat(up.output()).contains("lab/up: memcached failed to start")
        .contains("port " + LabPorts.MEMCACHED + " is already in use");
    assertThat(otherLab.resolve("memcached")).doesNotExist();
    try (var files = Files.list(otherLab)) {
      assertThat(files.filter(p -> !p.getFileName().toString().startsWith(".")).toList()).isEmpty();
    }
    assertThat(LAB.status().output()).as("the first lab is untouched").containsPattern("memcached\\s+up");
  }

  private Lab.Result run(String command, String... args) {
    List<String> argv = new ArrayList<>(List.of(LAB.repoRoot().resolve("lab").resolve(command).toString()));
    argv.addAll(List.of(args));
    return LAB.run(argv, Duration.ofMinutes(1));
  }

  private Lab.Result runIn(Path labDir, String command, String... args) {
    List<String> argv = new ArrayList<>(List.of(LAB.repoRoot().resolve("lab").resolve(command).toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(Map.of("VIGIL_LAB_DIR", labDir.toString()));
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Lab.Result(argv, p.exitValue(), out);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
