package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The test client against a one-shot socket server that answers like the nrpe daemon. */
class NrpeTestClientTest {

  private static final byte[] REAL_V4_REPLY = NrpeWire.concat(
      NrpeWire.hex("0004 0002 8e8c3adb 0002 0000 00000017"), NrpeWire.ascii("CRITICAL: backend-down"), new byte[1]);

  private final ExecutorService serverThread = Executors.newSingleThreadExecutor();
  private ServerSocket serverSocket;
  private NrpeTestClient client;

  @BeforeEach
  void listen() throws IOException {
    serverSocket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    client = new NrpeTestClient(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverSocket.getLocalPort()),
        Duration.ofSeconds(5));
  }

  @AfterEach
  void close() throws Exception {
    serverSocket.close();
    serverThread.shutdownNow();
    assertThat(serverThread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void sendsCheckNrpesExactBytes_andDecodesTheDaemonsReply() throws Exception {
    Future<byte[]> request = answerOnce(1036, REAL_V4_REPLY);

    NrpePacket reply = client.query(4, "check_crit");

    assertThat(reply).isEqualTo(NrpePacket.response(4, 2, "CRITICAL: backend-down"));
    assertThat(request.get(5, TimeUnit.SECONDS)).isEqualTo(NrpeWire.checkNrpeQuery(4, "check_crit"));
  }

  @Test
  void reportsAnInvalidReply_withTheDecodersMessage() {
    byte[] corrupt = REAL_V4_REPLY.clone();
    corrupt[20] ^= 1;
    answerOnce(1036, corrupt);

    assertThatThrownBy(() -> client.query(4, "check_crit"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("invalid reply: crc32: 0x8e8c3adb");
  }

  @Test
  void reportsAConnectionClosedWithoutReply() {
    answerOnce(1036, new byte[0]);

    assertThatThrownBy(() -> client.query(2, "check_crit"))
        .isInstanceOf(IOException.class)
        .hasMessage("the server closed the connection without a reply");
  }

  @Test
  void reportsBytesAfterTheReply() {
    answerOnce(1036, NrpeWire.concat(REAL_V4_REPLY, new byte[] {0, 4}));

    assertThatThrownBy(() -> client.query(4, "check_crit"))
        .isInstanceOf(IOException.class)
        .hasMessage("expected one response packet in the 41 bytes received, decoded 1 with 2 bytes left over");
  }

  @Test
  void exchange_returnsTheRawReply() throws Exception {
    answerOnce(16, REAL_V4_REPLY);

    assertThat(client.exchange(NrpeWire.header(4, NrpeWire.QUERY, 70_000))).isEqualTo(REAL_V4_REPLY);
  }

  /** Accepts one connection, reads {@code requestLength} bytes, writes {@code reply} and closes. */
  private Future<byte[]> answerOnce(int requestLength, byte[] reply) {
    return serverThread.submit(() -> {
      try (Socket socket = serverSocket.accept()) {
        InputStream in = socket.getInputStream();
        byte[] request = in.readNBytes(requestLength);
        socket.getOutputStream().write(reply);
        return request;
      }
    });
  }
}
