package io.vigil.remediations.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.vigil.remediations.TransientActionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SSH sessions kept open per host ({@code user@address:port}) and reused for every command, opened
 * with public keys only and strict host key checking against one managed known_hosts file (JSch,
 * the maintained {@code com.github.mwiede} fork). A session found dead is replaced once.
 */
final class SshSessions implements AutoCloseable {

  /** What a remote command did; output bounded, {@code timedOut} when the channel was cut at the deadline. */
  record Outcome(int exitCode, String stdout, String stderr, boolean timedOut) {
  }

  private static final int MAX_OUTPUT = 64 * 1024;

  private final JSch jsch;
  private final Duration connectTimeout;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  SshSessions(Path identity, Path knownHosts, Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
    this.jsch = new JSch();
    try {
      jsch.setKnownHosts(knownHosts.toString());
      jsch.addIdentity(identity.toString());
    } catch (JSchException e) {
      throw new IllegalArgumentException("ssh: cannot load identity " + identity + " or known_hosts " + knownHosts
          + ": " + e.getMessage());
    }
  }

  /**
   * Runs {@code command} on the host and waits for it at most {@code timeout}.
   *
   * @throws JSchException for failures to connect or authenticate; see {@link SshFailure}
   */
  Outcome exec(String user, String address, int port, String command, Duration timeout)
      throws JSchException, InterruptedException, TransientActionException {
    String key = user + "@" + address + ":" + port;
    Session session = session(key, user, address, port);
    ChannelExec channel;
    try {
      channel = (ChannelExec) session.openChannel("exec");
    } catch (JSchException e) {
      // the kept session died since its last use (sshd restarted, idle timeout): one fresh try
      drop(key, session);
      session = session(key, user, address, port);
      channel = (ChannelExec) session.openChannel("exec");
    }
    try {
      channel.setCommand(command);
      channel.setInputStream(null);
      InputStream out = channel.getInputStream();
      InputStream err = channel.getExtInputStream();
      channel.connect((int) connectTimeout.toMillis());
      ByteArrayOutputStream stdout = new ByteArrayOutputStream();
      ByteArrayOutputStream stderr = new ByteArrayOutputStream();
      long deadline = System.nanoTime() + timeout.toNanos();
      byte[] buffer = new byte[8192];
      while (true) {
        boolean read = drain(out, stdout, buffer) | drain(err, stderr, buffer);
        if (channel.isClosed() && out.available() == 0 && err.available() == 0) {
          break;
        }
        if (System.nanoTime() - deadline >= 0) {
          return new Outcome(-1, text(stdout), text(stderr), true);
        }
        if (!read) {
          Thread.sleep(10);
        }
      }
      return new Outcome(channel.getExitStatus(), text(stdout), text(stderr), false);
    } catch (IOException e) {
      throw new TransientActionException("ssh " + key + ": " + e.getMessage(), e);
    } finally {
      channel.disconnect();
    }
  }

  private static boolean drain(InputStream in, ByteArrayOutputStream kept, byte[] buffer) throws IOException {
    boolean any = false;
    while (in.available() > 0) {
      int n = in.read(buffer, 0, Math.min(buffer.length, in.available()));
      if (n <= 0) {
        break;
      }
      any = true;
      int room = MAX_OUTPUT - kept.size();
      if (room > 0) {
        kept.write(buffer, 0, Math.min(n, room));
      }
    }
    return any;
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private Session session(String key, String user, String address, int port) throws JSchException {
    Session s = sessions.get(key);
    if (s != null && s.isConnected()) {
      return s;
    }
    synchronized (this) {
      s = sessions.get(key);
      if (s != null && s.isConnected()) {
        return s;
      }
      s = jsch.getSession(user, address, port);
      s.setConfig("StrictHostKeyChecking", "yes");
      s.setConfig("PreferredAuthentications", "publickey");
      s.setConfig("HashKnownHosts", "no");
      // keepalives on the kept session, so a dead peer is noticed between actions
      s.setServerAliveInterval(15_000);
      s.connect((int) connectTimeout.toMillis());   // bounds the TCP connect and the handshake
      sessions.put(key, s);
      return s;
    }
  }

  private void drop(String key, Session session) {
    sessions.remove(key, session);
    session.disconnect();
  }

  /** For tests: how many sessions are open. */
  int open() {
    return (int) sessions.values().stream().filter(Session::isConnected).count();
  }

  @Override
  public void close() {
    sessions.values().forEach(Session::disconnect);
    sessions.clear();
  }
}
