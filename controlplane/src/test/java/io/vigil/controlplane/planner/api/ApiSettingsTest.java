package io.vigil.controlplane.planner.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.controlplane.config.ConfigException;
import io.vigil.controlplane.config.YamlSection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSettingsTest {

  @TempDir
  Path dir;

  private ApiSettings parse(String yaml) throws Exception {
    Path file = dir.resolve("vigil.yml");
    Files.writeString(file, yaml);
    return ApiSettings.parse(YamlSection.load(file).section("vigil"));
  }

  private Path tokenFile(String content, String mode) throws Exception {
    Path file = dir.resolve("oncall.token");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void readsInlineTokensAndTokenFiles_withoutTheFilesNewline() throws Exception {
    Path file = tokenFile("file-token-0123456789\n", "rw-r-----");

    ApiSettings settings = parse("vigil:\n  planner:\n    api:\n      read_open: true\n      tokens:\n"
        + "        loader: \"loader-token-0123456789\"\n        oncall: {token_file: " + file + "}\n");

    assertThat(settings.readOpen()).isTrue();
    assertThat(settings.tokens()).containsEntry("loader", "loader-token-0123456789")
        .containsEntry("oncall", "file-token-0123456789");
  }

  @Test
  void noSection_meansNoTokensAndClosedReads() throws Exception {
    ApiSettings settings = parse("vigil:\n  planner: {}\n");

    assertThat(settings.tokens()).isEmpty();
    assertThat(settings.readOpen()).isFalse();
  }

  @Test
  void refusesAWorldReadableTokenFile_atItsLine() throws Exception {
    Path file = tokenFile("file-token-0123456789", "rw-r--r--");

    assertThatThrownBy(() -> parse("vigil:\n  planner:\n    api:\n      tokens:\n        oncall:\n"
        + "          token_file: " + file + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("vigil.yml") + ":6:23: token file " + file + " of token oncall is readable by "
            + "everyone (chmod o-r " + file + ")");
  }

  @Test
  void refusesShortTokens_missingFiles_duplicates_andUnknownKeys() throws Exception {
    assertThatThrownBy(() -> parse("vigil:\n  planner:\n    api:\n      tokens: {oncall: short}\n"))
        .hasMessageEndingWith(":4:24: token oncall is shorter than 16 characters");
    assertThatThrownBy(() -> parse("vigil:\n  planner:\n    api:\n      tokens: {oncall: {token_file: /nonexistent/t}}\n"))
        .hasMessageContaining(":4:37: token oncall: cannot read /nonexistent/t");
    assertThatThrownBy(() -> parse("vigil:\n  planner:\n    api:\n      tokens:\n        a: same-token-0123456789\n"
        + "        b: same-token-0123456789\n"))
        .hasMessageEndingWith(":6:12: tokens 'a' and 'b' are the same secret");
    assertThatThrownBy(() -> parse("vigil:\n  planner:\n    api:\n      token: {}\n"))
        .hasMessageContaining(":4:7: unknown key 'token' (expected one of read_open, tokens)");
    assertThatThrownBy(() -> parse("vigil:\n  planner:\n    api:\n      read_open: yes\n"))
        .hasMessageEndingWith(":4:18: read_open: 'yes' (expected true or false)");
    assertThatThrownBy(() -> parse("vigil:\n  planner:\n    api:\n      tokens: {oncall: {token: t, token_file: f}}\n"))
        .hasMessageEndingWith("token oncall needs exactly one of 'token' and 'token_file'");
  }
}
