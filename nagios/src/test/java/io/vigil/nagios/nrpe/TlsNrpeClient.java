package io.vigil.nagios.nrpe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A blocking JSSE NRPE client for tests: like default check_nrpe, but verifying the server against
 * the test CA. One connection per query; the reply is read until the server closes and decoded by
 * the real decoder ({@link NrpeTestClient#decodeResponse}).
 */
final class TlsNrpeClient {

  private final InetSocketAddress server;
  private final SSLContext context;
  private final int timeoutMillis;

  TlsNrpeClient(InetSocketAddress server, SSLContext context, int timeoutMillis) {
    this.server = server;
    this.context = context;
    this.timeoutMillis = timeoutMillis;
  }

  NrpePacket query(int version, String command) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(server, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write(NrpeTestClient.encode(NrpePacket.query(version, command)));
      out.flush();
      return NrpeTestClient.decodeResponse(socket.getInputStream().readAllBytes());
    }
  }
}
