package io.vigil.probes.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The protocol client against a scripted server on loopback, byte for byte as PostgreSQL 3.0 frames it. */
class SimpleQueryClientTest {

  private ServerSocket server;

  @BeforeEach
  void listen() throws IOException {
    server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** Serves one connection with {@code script} on its own thread. */
  private CompletableFuture<Void> serve(Script script) {
    return CompletableFuture.runAsync(() -> {
      try (Socket s = server.accept()) {
        script.run(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @FunctionalInterface
  interface Script {
    void run(DataInputStream in, DataOutputStream out) throws IOException;
  }

  private SimpleQueryClient connect(String password) throws Exception {
    return SimpleQueryClient.connect("127.0.0.1", server.getLocalPort(), "pgbouncer", "stats", "test",
        () -> password, Duration.ofSeconds(2));
  }

  private static byte[] startupPacket(DataInputStream in) throws IOException {
    byte[] body = new byte[in.readInt() - 4];
    in.readFully(body);
    return body;
  }

  private static void message(DataOutputStream out, char type, byte[] body) throws IOException {
    out.writeByte(type);
    out.writeInt(4 + body.length);
    out.write(body);
  }

  private static byte[] bytes(Object... parts) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    for (Object p : parts) {
      if (p instanceof Integer i) {
        d.writeInt(i);
      } else if (p instanceof Short s) {
        d.writeShort(s);
      } else if (p instanceof String s) {
        d.write(s.getBytes(StandardCharsets.UTF_8));
      } else {
        d.write((byte[]) p);
      }
    }
    return b.toByteArray();
  }

  private static void readyForQuery(DataOutputStream out) throws IOException {
    message(out, 'Z', new byte[] {'I'});
    out.flush();
  }

  @Test
  void trustLogin_thenRowsAsText_withNullsKept() throws Exception {
    CompletableFuture<Void> done = serve((in, out) -> {
      assertThat(new String(startupPacket(in), StandardCharsets.UTF_8))
          .contains("user\0stats\0database\0pgbouncer\0application_name\0test\0");
      message(out, 'R', bytes(0));
      message(out, 'S', bytes("server_version\0" + "1.18.0/bouncer\0"));
      readyForQuery(out);
      assertThat((char) in.readByte()).isEqualTo('Q');
      byte[] query = new byte[in.readInt() - 4];
      in.readFully(query);
      assertThat(new String(query, StandardCharsets.UTF_8)).isEqualTo("SHOW POOLS\0");
      byte[] field = new byte[18];
      message(out, 'T', bytes((short) 2, "database\0", field, "cl_waiting\0", field));
      message(out, 'D', bytes((short) 2, 5, "vigil", -1));
      message(out, 'C', bytes("SHOW\0"));
      readyForQuery(out);
    });
    try (SimpleQueryClient client = connect(null)) {
      List<Map<String, String>> rows = client.query("SHOW POOLS");
      assertThat(rows).hasSize(1);
      assertThat(rows.get(0)).containsEntry("database", "vigil").containsEntry("cl_waiting", null);
    }
    done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void md5Login_sendsWhatLibpqSends() throws Exception {
    byte[] salt = {1, 2, 3, 4};
    CompletableFuture<String> sent = new CompletableFuture<>();
    CompletableFuture<Void> done = serve((in, out) -> {
      startupPacket(in);
      message(out, 'R', bytes(5, salt));
      out.flush();
      assertThat((char) in.readByte()).isEqualTo('p');
      byte[] password = new byte[in.readInt() - 4];
      in.readFully(password);
      sent.complete(new String(password, 0, password.length - 1, StandardCharsets.US_ASCII));
      message(out, 'R', bytes(0));
      readyForQuery(out);
    });
    connect("s3cret").close();
    done.get(5, TimeUnit.SECONDS);

    MessageDigest md5 = MessageDigest.getInstance("MD5");
    String inner = HexFormat.of().formatHex(md5.digest("s3cretstats".getBytes(StandardCharsets.UTF_8)));
    md5.update(inner.getBytes(StandardCharsets.US_ASCII));
    assertThat(sent.get()).isEqualTo("md5" + HexFormat.of().formatHex(md5.digest(salt)));
  }

  @Test
  void serverError_becomesAnSqlExceptionWithItsSqlState() throws Exception {
    serve((in, out) -> {
      startupPacket(in);
      message(out, 'E', bytes("SFATAL\0", "C28000\0", "Mno such user: nobody\0", new byte[] {0}));
      out.flush();
    });

    assertThatThrownBy(() -> connect(null))
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"))
        .hasMessage("FATAL: no such user: nobody");
  }

  @Test
  void aPasswordRequest_withoutAPassword_namesWhereOneIsLookedFor() throws Exception {
    serve((in, out) -> {
      startupPacket(in);
      message(out, 'R', bytes(3));
      out.flush();
    });

    assertThatThrownBy(() -> connect(null)).isInstanceOf(SQLException.class)
        .hasMessageContaining("PGPASSFILE or ~/.pgpass");
  }

  @Test
  void aServerThatIsNotPostgres_isRefused_withTheLengthItClaimed() {
    serve((in, out) -> {
      startupPacket(in);
      out.write("SSH-2.0-OpenSSH_9.2p1\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    });

    assertThatThrownBy(() -> connect(null)).isInstanceOf(java.net.ProtocolException.class)
        .hasMessageStartingWith("message length: 1397239090 (expected: 4..1048576, message type 'S'");
  }

  @Test
  void aServerThatSaysNothing_timesOut_insteadOfHanging() {
    serve((in, out) -> {
      startupPacket(in);
      try {
        Thread.sleep(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    long start = System.nanoTime();
    assertThatThrownBy(() -> SimpleQueryClient.connect("127.0.0.1", server.getLocalPort(), "pgbouncer", "stats", "t",
        () -> null, Duration.ofMillis(300))).isInstanceOf(java.net.SocketTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
