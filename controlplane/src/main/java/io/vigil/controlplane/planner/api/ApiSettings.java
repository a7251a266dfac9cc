package io.vigil.controlplane.planner.api;

import io.vigil.controlplane.config.YamlSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The REST API's part of the configuration, {@code vigil.planner.api}: who may call it and whether
 * reads need a token. Every error names file, line and column.
 *
 * <pre>{@code
 * vigil:
 *   planner:
 *     api:
 *       read_open: false            # the default: reads need a token too
 *       tokens:
 *         oncall: {token_file: /etc/vigil/oncall.token}   # mode 0600 or 0640: never world-readable
 *         loader: "a long random secret of 16 characters or more"
 * }</pre>
 *
 * @param tokens   token name (what the timeline records as {@code api:<name>}) → token
 * @param readOpen whether GET endpoints answer without a token
 */
public record ApiSettings(Map<String, String> tokens, boolean readOpen) {

  static final int MIN_TOKEN_LENGTH = 16;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  public ApiSettings {
    tokens = Map.copyOf(tokens);
  }

  /** Reads {@code planner.api} of the {@code vigil:} section; an absent section is "no tokens, reads closed". */
  public static ApiSettings parse(YamlSection vigil) {
    YamlSection api = vigil.section("planner").section("api");
    api.rejectUnknown(Set.of("tokens", "read_open"));
    boolean readOpen = api.bool("read_open").orElse(false);
    YamlSection section = api.section("tokens");
    Map<String, String> tokens = new LinkedHashMap<>();
    Map<String, String> nameByToken = new LinkedHashMap<>();
    for (var entry : section.plain().entrySet()) {
      String name = entry.getKey();
      if (!NAME.matcher(name).matches()) {
        throw section.errorAt(name, "token name '" + name + "' (expected letters, digits, '.', '_' or '-')");
      }
      String token = token(section, name, entry.getValue());
      String other = nameByToken.putIfAbsent(token, name);
      if (other != null) {
        // one token for two names would make the timeline's "by" ambiguous
        throw section.errorAt(name, "tokens '" + other + "' and '" + name + "' are the same secret");
      }
      tokens.put(name, token);
    }
    return new ApiSettings(tokens, readOpen);
  }

  private static String token(YamlSection tokens, String name, Object value) {
    String token;
    String key = name;
    YamlSection at = tokens;
    if (value instanceof String inline) {
      token = inline;
    } else if (value instanceof Map<?, ?>) {
      at = tokens.section(name);
      at.rejectUnknown(Set.of("token", "token_file"));
      if (at.has("token") == at.has("token_file")) {
        throw tokens.errorAt(name, "token " + name + " needs exactly one of 'token' and 'token_file'");
      }
      key = at.has("token") ? "token" : "token_file";
      token = at.has("token") ? at.string("token").orElse("") : readFile(at, name);
    } else {
      throw tokens.errorAt(name, "token " + name + ": expected the token, or {token_file: PATH}");
    }
    if (token.length() < MIN_TOKEN_LENGTH) {
      throw at.errorAt(key, "token " + name + " is shorter than " + MIN_TOKEN_LENGTH + " characters");
    }
    return token;
  }

  private static String readFile(YamlSection at, String name) {
    Path file = Path.of(at.string("token_file").orElse(""));
    try {
      if (Files.getFileStore(file).supportsFileAttributeView("posix")
          && Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
        throw at.errorAt("token_file", "token file " + file + " of token " + name
            + " is readable by everyone (chmod o-r " + file + ")");
      }
      // the file's content, without the trailing newline an editor or echo leaves
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw at.errorAt("token_file", "token " + name + ": cannot read " + file + " (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + ")");
    }
  }
}
