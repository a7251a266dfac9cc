package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;

/**
 * The bad (and some good) connections of {@link NrpeServerFuzzTest}, one per call, each bounded by
 * socket timeouts: it sends its bytes, reads until the server closes, and names what happened, e.g.
 * {@code "plain/oversize reset"}. A plaintext server may only ever answer with one valid response
 * packet; a TLS server may answer garbage with TLS alerts. A server that neither answers nor closes
 * within {@link #SOCKET_TIMEOUT_MILLIS} fails the test.
 */
final class FuzzConnections {

  static final int SOCKET_TIMEOUT_MILLIS = 5_000;

  private final NrpeServer plain;
  private final NrpeServer tls;
  private final SSLContext tlsClient;
  private final byte[] clientHello;

  FuzzConnections(NrpeServer plain, NrpeServer tls, SSLContext tlsClient) throws Exception {
    this.plain = plain;
    this.tls = tls;
    this.tlsClient = tlsClient;
    this.clientHello = clientHello();
  }

  String plaintextCase(Random random) throws IOException {
    byte[] valid = NrpeWire.checkNrpeQuery(2 + random.nextInt(3), pick(random, "check_ok", "check_crit", "nosuch",
        "_NRPE_CHECK", "check_echo!a!b", "check_ok!x", "check_echo!$(id)", "check_long"));
    return switch (random.nextInt(10)) {
      case 0 -> "plain/random " + exchange(plain, randomBytes(random, 1 + random.nextInt(3000)), true, false);
      case 1 -> "plain/truncated " + exchange(plain, Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1)), true, false);
      case 2 -> "plain/truncated-held " + exchange(plain, Arrays.copyOf(valid, random.nextInt(valid.length)), false, false);
      case 3 -> "plain/oversize " + exchange(plain, NrpeWire.concat(NrpeWire.header(3 + random.nextInt(2), 1,
          pick(random, 65_537, Integer.MAX_VALUE, -1, 0, Integer.MIN_VALUE, 1 << 20)), randomBytes(random, 64)), true, false);
      case 4 -> "plain/mutated " + exchange(plain, mutate(valid, random), true, false);
      case 5 -> "plain/tls-hello " + exchange(plain, Arrays.copyOf(clientHello, 5 + random.nextInt(clientHello.length - 5)),
          true, false);
      case 6 -> "plain/valid " + exchange(plain, valid, true, false);
      case 7 -> "plain/largest-bad-crc " + exchange(plain, NrpeWire.concat(NrpeWire.header(4, 1, 65_536),
          randomBytes(random, 65_536)), true, false);
      case 8 -> "plain/valid-then-junk " + exchange(plain, NrpeWire.concat(valid, randomBytes(random, 2000)), true, false);
      default -> "plain/empty " + exchange(plain, new byte[0], true, false);
    };
  }

  String tlsCase(Random random) throws Exception {
    return switch (random.nextInt(8)) {
      case 0 -> "tls/plaintext-query " + exchange(tls, NrpeWire.checkNrpeQuery(4, "check_ok"), true, true);
      case 1 -> "tls/random " + exchange(tls, randomBytes(random, 1 + random.nextInt(3000)), true, true);
      case 2 -> "tls/truncated-hello " + exchange(tls, Arrays.copyOf(clientHello, 1 + random.nextInt(clientHello.length - 1)),
          true, true);
      case 3 -> "tls/hello-then-junk " + exchange(tls, NrpeWire.concat(clientHello, randomBytes(random, 500)), true, true);
      case 4 -> "tls/huge-record " + exchange(tls, NrpeWire.concat(NrpeWire.hex("16 0303 ffff"), randomBytes(random, 4000)),
          true, true);
      case 5 -> "tls/handshake-then-junk " + overTls(randomBytes(random, 1 + random.nextInt(2000)), true);
      case 6 -> "tls/handshake-then-truncated-held " + overTls(Arrays.copyOf(NrpeWire.checkNrpeQuery(4, "check_ok"),
          random.nextInt(1036)), false);
      default -> "tls/valid " + overTls(NrpeWire.checkNrpeQuery(2 + random.nextInt(3), "check_crit"), true);
    };
  }

  /**
   * Sends {@code bytes} in plaintext and reads until the server closes. A plaintext server may only
   * ever send one valid response packet; a TLS server may send alert records.
   */
  private static String exchange(NrpeServer server, byte[] bytes, boolean halfClose, boolean tlsPort)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server.localAddress(), SOCKET_TIMEOUT_MILLIS);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      byte[] reply;
      try {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
        if (halfClose) {
          socket.shutdownOutput();
        }
        reply = readAll(socket.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server neither answered nor closed within " + SOCKET_TIMEOUT_MILLIS + " ms", e);
      } catch (SocketException e) {
        return "reset";
      }
      if (reply.length == 0) {
        return "closed";
      }
      if (tlsPort) {
        return "tls-alert";
      }
      return "answered-v" + NrpeTestClient.decodeResponse(reply).version();
    }
  }

  /** A real TLS 1.3 handshake, then {@code bytes} as application data. */
  private String overTls(byte[] bytes, boolean halfClose) throws IOException {
    InetSocketAddress address = tls.localAddress();
    try (SSLSocket socket = (SSLSocket) tlsClient.getSocketFactory().createSocket()) {
      socket.connect(address, SOCKET_TIMEOUT_MILLIS);
      socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
      byte[] reply;
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        if (halfClose) {
          socket.shutdownOutput();
        }
        reply = readAll(socket.getInputStream());
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server neither answered nor closed within " + SOCKET_TIMEOUT_MILLIS + " ms", e);
      } catch (IOException e) {
        return "reset";
      }
      return reply.length == 0 ? "closed" : "answered-v" + NrpeTestClient.decodeResponse(reply).version();
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    return in.readAllBytes();
  }

  private static byte[] mutate(byte[] packet, Random random) {
    byte[] copy = packet.clone();
    int changes = 1 + random.nextInt(8);
    for (int i = 0; i < changes; i++) {
      // half the changes hit the 16-byte header, where every field is checked
      int index = random.nextBoolean() ? random.nextInt(16) : random.nextInt(copy.length);
      copy[index] = (byte) random.nextInt(256);
    }
    return copy;
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  @SafeVarargs
  private static <T> T pick(Random random, T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  private byte[] clientHello() throws Exception {
    SSLEngine engine = tlsClient.createSSLEngine("localhost", 5666);
    engine.setUseClientMode(true);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    assertThat(hello[0]).as("a handshake record").isEqualTo((byte) 22);
    return hello;
  }
}
