package io.vigil.controlplane.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  @TempDir
  Path dir;

  @Test
  void acceptsTheBundledExample() throws IOException {
    Path example = dir.resolve("example.yml");
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(ConfigFile.BUNDLED_EXAMPLE)) {
      Files.copy(in, example);
    }
    assertThatCode(() -> ConfigFile.validate(example)).doesNotThrowAnyException();
  }

  @Test
  void rejectsAMissingFile_namingIt() {
    Path missing = dir.resolve("nope.yml");
    assertThatThrownBy(() -> ConfigFile.validate(missing))
        .isInstanceOf(ConfigException.class).hasMessage(missing + ": no such file");
  }

  @Test
  void rejectsBrokenYaml_withFileLineAndColumn() throws IOException {
    Path file = write("vigil:\n  node-name: ok\n  list: [a, b\n");
    assertThatThrownBy(() -> ConfigFile.validate(file))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith(file + ":4:1: ");
  }

  @Test
  void rejectsAnUnknownSection_atItsLine() throws IOException {
    Path file = write("vigil:\n  node-name: ok\nvigli:\n  typo: true\n");
    assertThatThrownBy(() -> ConfigFile.validate(file))
        .hasMessage(file + ":3:1: unknown section 'vigli' (expected one of endpoints, logger, micronaut, vigil)");
  }

  @Test
  void rejectsAnUnknownKeyUnderVigil_atItsLine() throws IOException {
    Path file = write("vigil:\n  node-name: ok\n  agnet:\n    roles: [cache]\n");
    assertThatThrownBy(() -> new VigilConfig(file.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ":3:3: unknown key 'agnet' (expected one of agent, inventory, node-name, planner)");
  }

  @Test
  void rejectsDuplicateKeys() throws IOException {
    Path file = write("vigil:\n  node-name: a\nvigil:\n  node-name: b\n");
    assertThatThrownBy(() -> ConfigFile.validate(file)).hasMessage(file + ":3:1: duplicate key 'vigil'");
  }

  @Test
  void rejectsAnEmptyFile_andAScalarDocument() throws IOException {
    Path empty = write("");
    assertThatThrownBy(() -> ConfigFile.validate(empty)).hasMessageContaining("the file is empty");
    Path scalar = write("just a string\n");
    assertThatThrownBy(() -> ConfigFile.validate(scalar)).hasMessage(scalar + ":1:1: expected a mapping of sections, found scalar");
  }

  private Path write(String content) throws IOException {
    Path file = Files.createTempFile(dir, "vigil", ".yml");
    return Files.writeString(file, content);
  }
}
