package io.vigil.remediations.pgpool;

import io.vigil.probes.internal.Subprocess;
import io.vigil.remediations.TransientActionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs pgpool-II's {@code pcp_*} commands as argv lists (no shell) against one PCP endpoint, the
 * password only ever in a pcppass file handed over as {@code PCPPASSFILE}: never on a command
 * line, where {@code ps} would show it. With {@code passwordFile} the pcppass is managed: written
 * (atomically, mode 0600) from that file before each call when it is missing, differs or has the
 * wrong mode. Without it the operator's pcppass is used as is, and refused unless it is 0600,
 * because pcp silently ignores any other mode and then fails authentication (lab recipe, section 2).
 */
final class PcpClient {

  /** What one pcp command did; {@code error} is pcp's own {@code ERROR:}/{@code FATAL:} text, if any. */
  record Run(List<String> argv, int exitCode, String stdout, String stderr, Optional<String> error) {
  }

  private static final int MAX_OUTPUT = 16 * 1024;
  private static final Set<PosixFilePermission> OWNER_RW = PosixFilePermissions.fromString("rw-------");

  private final Path binDir;
  private final String host;
  private final int port;
  private final String user;
  private final Path pcppass;
  private final Optional<Path> passwordFile;

  PcpClient(Path binDir, String host, int port, String user, Path pcppass, Optional<Path> passwordFile) {
    this.binDir = binDir;
    this.host = host;
    this.port = port;
    this.user = user;
    this.pcppass = pcppass;
    this.passwordFile = passwordFile;
  }

  String endpoint() {
    return "pcp " + host + ":" + port;
  }

  List<String> argv(String command, String... args) {
    List<String> argv = new ArrayList<>(List.of(binDir.resolve(command).toString(), "-h", host, "-p",
        Integer.toString(port), "-U", user, "-w"));
    argv.addAll(List.of(args));
    return argv;
  }

  /** {@code PCPPASSFILE=/etc/vigil/pcppass /usr/sbin/pcp_attach_node -h ... -w -n 1}: the exact command. */
  String render(String command, String... args) {
    return "PCPPASSFILE=" + pcppass + " " + String.join(" ", argv(command, args));
  }

  /**
   * Runs one pcp command. A pgpool that does not answer (refused, timed out, killed at the
   * deadline) is transient; everything else comes back as a {@link Run} for the caller to judge.
   *
   * @throws IllegalStateException when the pcppass cannot be used (wrong mode, unreadable), with why
   */
  Run run(Duration timeout, String command, String... args) throws TransientActionException, InterruptedException {
    preparePassFile();
    List<String> argv = argv(command, args);
    Subprocess.Outcome out;
    try {
      out = Subprocess.run(argv, Map.of("PCPPASSFILE", pcppass.toString()), timeout, MAX_OUTPUT);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv.get(0) + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
    }
    if (out.timedOut()) {
      throw new TransientActionException(endpoint() + ": " + command + " did not finish within " + timeout.toMillis()
          + "ms and was killed");
    }
    Optional<String> error = error(out.stdout(), out.stderr());
    if (error.isPresent() && isConnectionFailure(error.get())) {
      throw new TransientActionException(endpoint() + ": " + error.get());
    }
    return new Run(argv, out.exitCode(), out.stdout(), out.stderr(), error);
  }

  static boolean isConnectionFailure(String error) {
    return error.contains("Connection refused") || error.contains("timed out") || error.contains("No route to host")
        || error.contains("Connection reset");
  }

  /**
   * pcp's report of a failure, whatever the exit status ({@code ERROR:} with exit 0 for a bad node
   * id): the {@code ERROR:}/{@code FATAL:} lines and their {@code DETAIL:} lines, joined by " / ".
   */
  static Optional<String> error(String stdout, String stderr) {
    List<String> parts = new ArrayList<>();
    boolean inError = false;
    for (String raw : (stderr + "\n" + stdout).split("\\R")) {
      String line = raw.strip().replaceAll("\\s+", " ");
      boolean detail = line.startsWith("DETAIL:") || line.startsWith("HINT:");
      inError = line.startsWith("ERROR:") || line.startsWith("FATAL:") || (inError && detail);
      if (inError) {
        parts.add(line);
      }
    }
    return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" / ", parts));
  }

  /** Makes sure pcp will read the pcppass: writes the managed one, or checks the operator's mode. */
  void preparePassFile() {
    try {
      if (passwordFile.isPresent()) {
        writeManaged(passwordFile.get());
        return;
      }
      if (!Files.isRegularFile(pcppass)) {
        throw new IllegalStateException("pcppass " + pcppass + " does not exist");
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(pcppass);
      if (!mode.equals(OWNER_RW) && !mode.equals(Set.of(PosixFilePermission.OWNER_READ))) {
        throw new IllegalStateException("pcppass " + pcppass + " is " + PosixFilePermissions.toString(mode)
            + ": pcp silently ignores a pcppass that is not 0600 and then fails authentication; chmod 600 it");
      }
    } catch (IOException e) {
      throw new IllegalStateException("pcppass " + pcppass + ": " + e.getMessage());
    }
  }

  private void writeManaged(Path source) throws IOException {
    String password;
    try {
      password = Files.readString(source, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IOException("cannot read pcp_password_file " + source + " (" + e.getClass().getSimpleName() + ")");
    }
    if (password.isEmpty() || password.contains("\n")) {
      throw new IOException("pcp_password_file " + source + " must hold the password on one line");
    }
    // libpq's pgpass format, which pcp reads: ':' and '\' in a field are escaped with '\'
    String line = escape(host) + ":" + port + ":" + escape(user) + ":" + escape(password) + "\n";
    if (Files.isRegularFile(pcppass) && Files.getPosixFilePermissions(pcppass).equals(OWNER_RW)
        && Files.readString(pcppass, StandardCharsets.UTF_8).equals(line)) {
      return;
    }
    Path dir = pcppass.getParent();
    Path tmp = Files.createTempFile(dir, ".pcppass", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_RW));
    try {
      Files.writeString(tmp, line, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, pcppass, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, pcppass, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static String escape(String field) {
    return field.replace("\\", "\\\\").replace(":", "\\:");
  }
}
