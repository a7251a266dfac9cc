package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.nagios.nrpe.NrpeServerCounters.RejectReason;
import io.vigil.nagios.nrpe.NrpeServerCounters.Result;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plaintext server over real sockets on 127.0.0.1: what it answers, how it treats output, and
 * how it refuses. Replies are decoded by the real decoder; byte-level checks compare with packets
 * captured from the nrpe 4.1.0 daemon (lab-recipe.md section 5).
 */
class NrpeServerTest {

  private final List<NrpeServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(NrpeServer::close);
  }

  @Test
  void answersEachVersion_inThatVersion() throws IOException {
    NrpeTestClient client = client(start(b -> b));

    for (int version = 2; version <= 4; version++) {
      assertThat(client.query(version, "check_crit")).isEqualTo(NrpePacket.response(version, 2, "CRITICAL: backend-down"));
    }
  }

  @Test
  void v4Reply_isByteForByteTheDaemons() throws IOException {
    byte[] reply = client(start(b -> b)).exchange(NrpeWire.checkNrpeQuery(4, "check_crit"));

    // captured from nrpe 4.1.0: 39 bytes, buffer_length 23 = strlen + 1
    assertThat(reply).isEqualTo(NrpeWire.concat(NrpeWire.hex("0004 0002 8e8c3adb 0002 0000 00000017"),
        NrpeWire.ascii("CRITICAL: backend-down"), new byte[1]));
  }

  @Test
  void v3Reply_carriesThreePadBytes() throws IOException {
    byte[] reply = client(start(b -> b)).exchange(NrpeWire.checkNrpeQuery(3, "check_ok"));

    assertThat(reply).hasSize(16 + "OK: all-good".length() + 1 + 3);
    assertThat(NrpeTestClient.decodeResponse(reply)).isEqualTo(NrpePacket.response(3, 0, "OK: all-good"));
  }

  @Test
  void v2Reply_is1036Bytes_zeroFilledAfterTheText() throws IOException {
    byte[] reply = client(start(b -> b)).exchange(NrpeWire.checkNrpeQuery(2, "check_ok"));

    assertThat(reply).hasSize(1036);
    for (int i = 10 + "OK: all-good".length(); i < 1036; i++) {
      assertThat(reply[i]).as("byte %d", i).isZero();
    }
  }

  @Test
  void hello_andUndefinedCommands_areAnsweredLikeTheDaemon() throws IOException {
    NrpeTestClient client = client(start(b -> b));

    assertThat(client.query(4, "_NRPE_CHECK")).isEqualTo(NrpePacket.response(4, 0, "NRPE v4.1.0"));
    assertThat(client.query(2, "check_nosuch")).isEqualTo(NrpePacket.response(2, 3, "NRPE: Command 'check_nosuch' not defined"));
  }

  @Test
  void output_isTreatedLikePluginOutputInNrpe() throws IOException {
    NrpeTestClient client = client(start(b -> b));

    assertThat(client.query(4, "check_empty")).isEqualTo(NrpePacket.response(4, 3, "NRPE: Unable to read output"));
    assertThat(client.query(4, "check_newline")).isEqualTo(NrpePacket.response(4, 1, "WARNING: two lines\nsecond"));
    assertThat(client.query(4, "check_nul")).isEqualTo(NrpePacket.response(4, 0, "OK: before"));
  }

  @Test
  void failingCommands_areUnknown_andCounted() throws IOException {
    NrpeServer server = start(b -> b);
    NrpeTestClient client = client(server);

    assertThat(client.query(4, "check_fails")).isEqualTo(NrpePacket.response(4, 3, "NRPE: Unable to read output"));
    assertThat(client.query(4, "check_throws")).isEqualTo(NrpePacket.response(4, 3, "NRPE: Unable to read output"));
    assertThat(server.counters().commandErrors()).isEqualTo(2);
    assertThat(server.counters().requests(4, Result.UNKNOWN)).isEqualTo(2);
  }

  @Test
  void commandThatNeverAnswers_timesOutLikeNrpesCommandTimeout() throws IOException {
    NrpeServer server = start(b -> b.commandTimeout(Duration.ofMillis(300)));

    assertThat(client(server).query(4, "check_never"))
        .isEqualTo(NrpePacket.response(4, 3, "NRPE: Command timed out after 0.3 seconds"));
    assertThat(server.counters().commandTimeouts()).isEqualTo(1);
  }

  @Test
  void maxOutputBytes_cutsEveryVersion() throws IOException {
    NrpeTestClient client = client(start(b -> b.maxOutputBytes(100)));

    assertThat(client.query(4, "check_64k").buffer()).isEqualTo(TestCommands.OUTPUT_64K.substring(0, 100));
    assertThat(client.query(2, "check_64k").buffer()).isEqualTo(TestCommands.OUTPUT_64K.substring(0, 100));
  }

  @Test
  void fullOutput_isCutToWhatEachVersionCarries() throws IOException {
    NrpeTestClient client = client(start(b -> b));

    assertThat(client.query(4, "check_70k").buffer()).hasSize(65_535);
    assertThat(client.query(3, "check_70k").buffer()).hasSize(65_535);
    assertThat(client.query(2, "check_70k").buffer()).hasSize(1023);
  }

  @Test
  void refusedArguments_closeWithoutAWord() throws IOException {
    NrpeServer server = start(b -> b);

    assertThat(client(server).exchange(NrpeWire.checkNrpeQuery(4, "check_ok!foo"))).isEmpty();
    assertThat(client(server).exchange(NrpeWire.checkNrpeQuery(4, "check_echo!a|b"))).isEmpty();
    assertThat(client(server).query(4, "check_echo!a!b")).isEqualTo(NrpePacket.response(4, 0, "OK: a b"));
    assertThat(server.counters().rejected(RejectReason.ARGUMENTS_REFUSED)).isEqualTo(1);
    assertThat(server.counters().rejected(RejectReason.INVALID_REQUEST)).isEqualTo(1);
  }

  @Test
  void malformedPackets_areResetWithoutAnswer() throws IOException {
    NrpeServer server = start(b -> b);

    assertThat(closedWithoutReply(server, NrpeWire.header(4, 1, 70_000))).isTrue();
    assertThat(closedWithoutReply(server, NrpeWire.flipBit(NrpeWire.checkNrpeQuery(4, "check_ok"), 200))).isTrue();
    assertThat(closedWithoutReply(server, NrpeWire.checkNrpeQuery(4, "check_ok").clone())).isFalse();
    assertThat(server.counters().rejected(RejectReason.MALFORMED_PACKET)).isEqualTo(2);
  }

  @Test
  void aQueryFollowedByMore_getsOneAnswer() throws IOException {
    byte[] two = NrpeWire.concat(NrpeWire.checkNrpeQuery(4, "check_ok"), NrpeWire.checkNrpeQuery(4, "check_crit"));

    byte[] reply = client(start(b -> b)).exchange(two);

    assertThat(NrpeTestClient.decodeResponse(reply)).isEqualTo(NrpePacket.response(4, 0, "OK: all-good"));
  }

  @Test
  void readDeadline_closesAnIdleConnection_andATrickle() throws Exception {
    NrpeServer server = start(b -> b.readTimeout(Duration.ofMillis(400)));

    long start = System.nanoTime();
    try (Socket idle = connect(server)) {
      assertThat(readUntilClosed(idle)).isEqualTo(-1);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(350), Duration.ofSeconds(3));

    // a byte every 100 ms would keep an idle timeout from firing; the deadline does not move
    start = System.nanoTime();
    try (Socket trickle = connect(server)) {
      byte[] query = NrpeWire.checkNrpeQuery(4, "check_ok");
      try {
        for (int i = 0; i < 30; i++) {
          trickle.getOutputStream().write(query[i]);
          Thread.sleep(100);
        }
      } catch (SocketException expected) {
        // reset by the deadline while still writing
      }
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
    assertThat(server.counters().rejected(RejectReason.READ_TIMEOUT)).isEqualTo(2);
  }

  @Test
  void connectionsOverTheLimit_areDroppedOnAccept_andTheRestStillServed() throws Exception {
    NrpeServer server = start(b -> b.maxConnections(2));

    try (Socket first = connect(server); Socket second = connect(server); Socket third = connect(server)) {
      awaitOpen(server, 2);
      assertThat(readUntilClosed(third)).isEqualTo(-1);
      assertThat(server.counters().rejected(RejectReason.CONNECTION_LIMIT)).isEqualTo(1);
    }
    awaitOpen(server, 0);
    assertThat(client(server).query(4, "check_ok")).isEqualTo(NrpePacket.response(4, 0, "OK: all-good"));
  }

  @Test
  void peersOutsideAllowedHosts_areDropped_beforeTheirBytesAreRead() throws IOException {
    NrpeServer server = start(b -> b.allowedHosts(AllowedHosts.parse("192.0.2.0/24")));

    assertThat(closedWithoutReply(server, NrpeWire.checkNrpeQuery(4, "check_ok"))).isTrue();
    assertThat(closedWithoutReply(server, NrpeWire.header(4, 1, 70_000))).isTrue();
    NrpeServerCounters counters = server.counters();
    assertThat(counters.rejected(RejectReason.NOT_ALLOWED)).isEqualTo(2);
    assertThat(counters.rejectedTotal()).isEqualTo(2); // the bad header was never decoded
  }

  @Test
  void everyConnection_endsOnce_asAnAnswerOrARejection() throws Exception {
    NrpeServer server = start(b -> b.readTimeout(Duration.ofMillis(300)));
    NrpeTestClient client = client(server);
    client.query(4, "check_ok");
    client.query(2, "check_crit");
    client.query(3, "nosuch");
    closedWithoutReply(server, NrpeWire.header(3, 1, -1));
    client.exchange(NrpeWire.checkNrpeQuery(4, "check_ok!x"));
    connect(server).close();
    try (Socket idle = connect(server)) {
      readUntilClosed(idle);
    }
    awaitOpen(server, 0);

    NrpeServerCounters counters = server.counters();
    assertThat(counters.requests(4, Result.OK)).isEqualTo(1);
    assertThat(counters.requests(2, Result.CRITICAL)).isEqualTo(1);
    assertThat(counters.requests(3, Result.UNKNOWN)).isEqualTo(1);
    assertThat(counters.rejected()).containsOnlyKeys(RejectReason.MALFORMED_PACKET, RejectReason.ARGUMENTS_REFUSED,
        RejectReason.CLOSED_EARLY, RejectReason.READ_TIMEOUT);
    assertThat(counters.connectionsAccepted()).isEqualTo(7)
        .isEqualTo(counters.requestsTotal() + counters.rejectedTotal() + counters.openConnections());
  }

  @Test
  void close_stopsListening_andItsThreads() throws Exception {
    NrpeServer server = start(b -> b);
    client(server).query(4, "check_ok");
    InetSocketAddress address = server.localAddress();

    server.close();
    server.close();

    assertThat(server.isRunning()).isFalse();
    assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
        .isInstanceOf(ConnectException.class);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (nrpeThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(nrpeThreads()).isZero();
  }

  @Test
  void portInUse_failsToStart_withTheAddressInTheMessage() throws IOException {
    NrpeServer server = start(b -> b);
    int port = server.localAddress().getPort();

    assertThatThrownBy(() -> start(b -> b.bind("127.0.0.1", port)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot listen for NRPE on 127.0.0.1")
        .hasMessageContaining(Integer.toString(port));
  }

  static long nrpeThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("vigil-nrpe")).count();
  }

  private NrpeServer start(UnaryOperator<NrpeServerConfig.Builder> settings) throws IOException {
    NrpeServerConfig config = settings.apply(NrpeServerConfig.builder().bind("127.0.0.1", 0).plaintext()).build();
    NrpeServer server = NrpeServer.start(config, new TestCommands());
    servers.add(server);
    return server;
  }

  private static NrpeTestClient client(NrpeServer server) {
    return new NrpeTestClient(server.localAddress(), Duration.ofSeconds(5));
  }

  private static Socket connect(NrpeServer server) throws IOException {
    Socket socket = new Socket(server.localAddress().getAddress(), server.localAddress().getPort());
    socket.setSoTimeout(5_000);
    return socket;
  }

  /** Sends {@code bytes}; true if the server closed (or reset) without sending anything. */
  static boolean closedWithoutReply(NrpeServer server, byte[] bytes) throws IOException {
    try {
      return client(server).exchange(bytes).length == 0;
    } catch (SocketException e) {
      return true; // "Connection reset"
    }
  }

  /** Reads until the server closes: -1 for a close or reset, else the first byte it sent. */
  private static int readUntilClosed(Socket socket) throws IOException {
    try {
      InputStream in = socket.getInputStream();
      return in.read();
    } catch (SocketException e) {
      return -1;
    }
  }

  private static void awaitOpen(NrpeServer server, int open) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (server.counters().openConnections() != open && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.counters().openConnections()).isEqualTo(open);
  }
}
