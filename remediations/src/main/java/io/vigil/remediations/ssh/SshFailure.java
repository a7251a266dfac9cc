package io.vigil.remediations.ssh;

import com.jcraft.jsch.JSchException;
import io.vigil.remediations.TransientActionException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;

/** Sorts JSch's exceptions: the network (worth a retry) from trust and credentials (never retried). */
final class SshFailure {

  private SshFailure() {
  }

  /**
   * @return the message for a failure no retry will cure (host key, authentication)
   * @throws TransientActionException for refused connections, timeouts and resets
   */
  static String classify(String where, JSchException e) throws TransientActionException {
    String m = e.getMessage() == null ? "" : e.getMessage();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof NoRouteToHostException) {
        throw new TransientActionException(where + ": " + t.getMessage(), e);
      }
    }
    if (m.startsWith("UnknownHostKey") || m.contains("reject HostKey")) {
      return where + ": host key not in known_hosts (" + m + "); add it there after checking its fingerprint";
    }
    if (m.contains("HostKey has been changed")) {
      return where + ": HOST KEY CHANGED, refusing to connect (" + m + ")";
    }
    if (m.startsWith("Auth fail") || m.startsWith("Auth cancel") || m.contains("USERAUTH fail")) {
      return where + ": key authentication refused (" + m + "); only public keys are tried";
    }
    if (m.contains("timeout") || m.contains("Connection refused") || m.contains("connection is closed")
        || m.contains("Session.connect: java.net") || m.contains("socket is not established")
        || m.contains("Connection reset")) {
      throw new TransientActionException(where + ": " + m, e);
    }
    return where + ": " + m;
  }
}
