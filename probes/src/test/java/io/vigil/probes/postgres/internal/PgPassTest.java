package io.vigil.probes.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgPassTest {

  @TempDir
  Path dir;

  private Path file(String text, String mode) throws Exception {
    Path f = Files.writeString(dir.resolve("pgpass"), text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  @Test
  void firstMatchingLineWins_withWildcards() throws Exception {
    Path f = file("""
        # comment
        10.0.0.1:6432:pgbouncer:stats:other
        *:6432:pgbouncer:stats:s3cret
        *:*:*:*:fallback
        """, "rw-------");

    assertThat(PgPass.lookup(f, "127.0.0.1", 6432, "pgbouncer", "stats")).hasValue("s3cret");
    assertThat(PgPass.lookup(f, "127.0.0.1", 5432, "postgres", "postgres")).hasValue("fallback");
  }

  @Test
  void escapedColonsAndBackslashes_areUnescaped() {
    assertThat(PgPass.fields("h\\:1:5432:db:u:pa\\:ss\\\\word")).containsExactly("h:1", "5432", "db", "u", "pa:ss\\word");
  }

  @Test
  void aFileOthersCanRead_isIgnored_asLibpqDoes() throws Exception {
    Path f = file("*:*:*:*:secret\n", "rw-r--r--");

    assertThat(PgPass.lookup(f, "127.0.0.1", 6432, "pgbouncer", "stats")).isEmpty();
  }

  @Test
  void noFile_meansNoPassword() {
    assertThat(PgPass.lookup(dir.resolve("none"), "127.0.0.1", 6432, "pgbouncer", "stats")).isEmpty();
  }
}
