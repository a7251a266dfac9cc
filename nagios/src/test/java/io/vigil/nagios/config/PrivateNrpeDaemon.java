package io.vigil.nagios.config;

import io.vigil.probes.internal.Subprocess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;

/**
 * A plaintext nrpe 4.1 daemon ({@code /usr/sbin/nrpe -n -d}) of a test's own, on a free port, with a
 * config made from a template: its directory is owned by nagios because the daemon drops to that user
 * before writing its log (lab/components/nrpe.sh does the same). Stopped by the PID it wrote, never by
 * name. Needs root, as the lab does.
 */
final class PrivateNrpeDaemon implements AutoCloseable {

  static final Path NRPE = Path.of("/usr/sbin/nrpe");

  private final Path config;
  private final int port;
  private final long pid;

  private PrivateNrpeDaemon(Path config, int port, long pid) {
    this.config = config;
    this.port = port;
    this.pid = pid;
  }

  static boolean available() {
    return Files.isExecutable(NRPE) && Files.isExecutable(Path.of(CheckNrpeClient.CHECK_NRPE))
        && "root".equals(System.getProperty("user.name"));
  }

  /** Starts a daemon in {@code dir} from {@code template}, whose {@code @DIR@} and {@code @PORT@} are filled in. */
  static PrivateNrpeDaemon start(Path dir, Path template) throws IOException, InterruptedException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(dir, users.lookupPrincipalByName("nagios"));
    int port = freePort();
    Path config = dir.resolve("nrpe.cfg");
    Files.writeString(config, Files.readString(template).replace("@DIR@", dir.toString())
        .replace("@PORT@", String.valueOf(port)));
    Path log = Files.writeString(dir.resolve("nrpe.log"), "");
    Files.setOwner(log, users.lookupPrincipalByName("nagios"));
    Subprocess.Outcome started = Subprocess.run(List.of(NRPE.toString(), "-c", config.toString(), "-n", "-d"),
        Duration.ofSeconds(10), 1 << 16);
    if (started.exitCode() != 0) {
      throw new IllegalStateException("nrpe exited " + started.exitCode() + ": " + started.stdout() + started.stderr());
    }
    Path pidFile = dir.resolve("nrpe.pid");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank() && listening(port)) {
        return new PrivateNrpeDaemon(config, port, Long.parseLong(Files.readString(pidFile).strip()));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("nrpe did not listen on " + port + " within 10 s; log: " + Files.readString(log));
  }

  Path config() {
    return config;
  }

  int port() {
    return port;
  }

  @Override
  public void close() throws InterruptedException {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (listening(port) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
