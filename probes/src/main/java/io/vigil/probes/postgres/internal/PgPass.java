package io.vigil.probes.postgres.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A password from a libpq password file: {@code $PGPASSFILE}, else {@code ~/.pgpass}. Lines are
 * {@code hostname:port:database:username:password}; {@code *} matches anything, {@code \:} and
 * {@code \\} escape, the first matching line wins. As libpq does, a file that its group or others
 * can read is ignored (libpq: "password file has group or world access").
 */
public final class PgPass {

  private PgPass() {
  }

  /** The password for this target from the default file, if any. */
  public static Optional<String> lookup(String host, int port, String database, String user) {
    String configured = System.getenv("PGPASSFILE");
    Path file = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".pgpass");
    return lookup(file, host, port, database, user);
  }

  static Optional<String> lookup(Path file, String host, int port, String database, String user) {
    List<String> lines;
    try {
      if (!Files.isRegularFile(file) || Files.getPosixFilePermissions(file).stream()
          .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        return Optional.empty();
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();   // as libpq: an unreadable password file means no password
    }
    String[] wanted = {host, Integer.toString(port), database, user};
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = fields(line);
      if (fields.size() < 5) {
        continue;
      }
      boolean matches = true;
      for (int i = 0; i < 4 && matches; i++) {
        matches = fields.get(i).equals("*") || fields.get(i).equals(wanted[i]);
      }
      if (matches) {
        return Optional.of(fields.get(4));
      }
    }
    return Optional.empty();
  }

  /** Splits on unescaped colons; the fifth field (the password) keeps any further colons. */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        field.append(line.charAt(++i));
      } else if (c == ':' && fields.size() < 4) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
