package io.vigil.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VigilCommandLineTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int execute(String... args) {
    return Vigil.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void noCommand_printsUsage_andExits2() {
    assertThat(execute()).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: vigil <command>");
  }

  @Test
  void unknownCommand_isNamed_andExits2() {
    assertThat(execute("frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("vigil: unknown command 'frobnicate'");
  }

  @Test
  void runWithAnUnknownOption_exits2() {
    assertThat(execute("run", "--confg", "x.yml")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown or incomplete option '--confg'");
  }

  @Test
  void runWithAMissingConfigFile_exits2_beforeStartingAnything() {
    assertThat(execute("run", "--config", "/does/not/exist.yml")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("vigil: bad configuration: /does/not/exist.yml: no such file\n");
  }

  @Test
  void help_exits0() {
    assertThat(execute("help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("run [--config FILE]");
  }
}
