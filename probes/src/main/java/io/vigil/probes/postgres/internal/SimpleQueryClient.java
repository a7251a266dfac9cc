package io.vigil.probes.postgres.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A minimal client of the PostgreSQL frontend/backend protocol 3.0 for admin consoles: startup,
 * authentication (trust, cleartext, md5, SCRAM-SHA-256), then simple queries whose rows come back
 * as text. It exists because pgjdbc 42.7.5+ sends {@code SET extra_float_digits} after login to any
 * server reporting a version below 12, and PgBouncer's admin console (version "1.18.0/bouncer")
 * answers "SET failed" (pgbouncer/pgbouncer#1509, fixed in PgBouncer by #1550): JDBC cannot log in.
 *
 * <p>Server errors become {@link SQLException}s carrying the server's SQLSTATE; bytes that are not
 * this protocol become {@link ProtocolException}s, network failures other {@link IOException}s;
 * every read is bounded by the socket timeout.
 */
public final class SimpleQueryClient implements AutoCloseable {

  private static final int PROTOCOL_3_0 = 196608;
  private static final int MAX_MESSAGE = 1 << 20;

  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  private SimpleQueryClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
  }

  /**
   * Connects and logs in.
   *
   * @param password asked only if the server wants one; null means none is known
   */
  public static SimpleQueryClient connect(String host, int port, String database, String user, String applicationName,
      Supplier<String> password, Duration timeout) throws IOException, SQLException {
    Socket socket = new Socket();
    try {
      int millis = (int) Math.max(1, timeout.toMillis());
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      socket.setTcpNoDelay(true);
      SimpleQueryClient client = new SimpleQueryClient(socket);
      client.startup(database, user, applicationName, password);
      return client;
    } catch (IOException | SQLException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void startup(String database, String user, String applicationName, Supplier<String> password)
      throws IOException, SQLException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String s : new String[] {"user", user, "database", database, "application_name", applicationName}) {
      cstring(body, s);
    }
    body.write(0);
    out.writeInt(8 + body.size());
    out.writeInt(PROTOCOL_3_0);
    body.writeTo(out);
    out.flush();
    Scram scram = null;
    while (true) {
      BackendMessage m = read();
      switch (m.type()) {
        case 'R' -> scram = authenticate(m, user, password, scram);
        case 'E' -> throw error(m);
        case 'Z' -> {
          return;
        }
        case 'S', 'K', 'N' -> { }   // parameter status, cancel key, notice: not needed here
        default -> throw new ProtocolException("unexpected message '" + m.type() + "' during login");
      }
    }
  }

  /** One authentication request; returns the SCRAM exchange in progress, if any. */
  private Scram authenticate(BackendMessage m, String user, Supplier<String> password, Scram scram)
      throws IOException, SQLException {
    int code = m.int32(0);
    switch (code) {
      case 0 -> { }   // AuthenticationOk
      case 3 -> sendPassword(need(password).getBytes(StandardCharsets.UTF_8), true);
      case 5 -> {
        // md5: "md5" + md5hex(md5hex(password + user) + 4-byte salt)
        String inner = md5Hex((need(password) + user).getBytes(StandardCharsets.UTF_8));
        byte[] salted = new byte[32 + 4];
        System.arraycopy(inner.getBytes(StandardCharsets.US_ASCII), 0, salted, 0, 32);
        System.arraycopy(m.salt(), 0, salted, 32, 4);
        sendPassword(("md5" + md5Hex(salted)).getBytes(StandardCharsets.US_ASCII), true);
      }
      case 10 -> {
        if (!m.text(4).contains("SCRAM-SHA-256\0")) {
          throw new SQLException("the server offers no SASL mechanism this client knows (only SCRAM-SHA-256)", "28000");
        }
        Scram exchange = Scram.start(need(password));
        ByteArrayOutputStream initial = new ByteArrayOutputStream();
        cstring(initial, "SCRAM-SHA-256");
        byte[] first = exchange.clientFirst().getBytes(StandardCharsets.UTF_8);
        new DataOutputStream(initial).writeInt(first.length);
        initial.write(first);
        sendPassword(initial.toByteArray(), false);
        return exchange;
      }
      case 11 -> {
        String clientFinal;
        try {
          clientFinal = saslStep(scram).clientFinal(m.text(4));
        } catch (IllegalArgumentException e) {
          throw new ProtocolException(e.getMessage());   // includes a salt that is not base64
        }
        sendPassword(clientFinal.getBytes(StandardCharsets.UTF_8), false);
      }
      case 12 -> {
        if (!saslStep(scram).verifyServerFinal(m.text(4))) {
          throw new SQLException("the server's SCRAM signature is wrong: it does not know the password", "28000");
        }
      }
      default -> throw new SQLException("authentication method " + code + " is not supported by this client "
          + "(trust, password, md5 and scram-sha-256 are)", "28000");
    }
    return scram;
  }

  /** Runs one simple query; its rows, each column label to text (SQL NULL stays null). */
  public List<Map<String, String>> query(String sql) throws IOException, SQLException {
    byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
    out.writeByte('Q');
    out.writeInt(4 + text.length);
    out.write(text);
    out.flush();
    List<String> columns = List.of();
    List<Map<String, String>> rows = new ArrayList<>();
    SQLException failure = null;
    while (true) {
      BackendMessage m = read();
      switch (m.type()) {
        case 'T' -> columns = m.columnNames();
        case 'D' -> rows.add(m.row(columns));
        case 'E' -> failure = error(m);
        case 'Z' -> {
          if (failure != null) {
            throw failure;
          }
          return rows;
        }
        case 'C', 'I', 'N', 'S' -> { }   // command complete, empty query, notice, parameter status
        default -> throw new ProtocolException("unexpected message '" + m.type() + "' in a query result");
      }
    }
  }

  private BackendMessage read() throws IOException {
    char type = (char) in.readUnsignedByte();
    int length = in.readInt();
    if (length < 4 || length > MAX_MESSAGE) {
      throw new ProtocolException("message length: " + length + " (expected: 4.." + MAX_MESSAGE + ", message type '"
          + type + "'; is this a PostgreSQL-protocol server?)");
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return new BackendMessage(type, body);
  }

  private void sendPassword(byte[] payload, boolean nulTerminated) throws IOException {
    out.writeByte('p');
    out.writeInt(4 + payload.length + (nulTerminated ? 1 : 0));
    out.write(payload);
    if (nulTerminated) {
      out.writeByte(0);
    }
    out.flush();
  }

  private static String need(Supplier<String> password) throws SQLException {
    String p = password == null ? null : password.get();
    if (p == null) {
      throw new SQLException("the server asks for a password and none is known (PGPASSFILE or ~/.pgpass)", "28P01");
    }
    return p;
  }

  private static Scram saslStep(Scram scram) throws IOException {
    if (scram == null) {
      throw new ProtocolException("SASL continuation without a SASL exchange");
    }
    return scram;
  }

  /** An ErrorResponse: severity, SQLSTATE, message and detail, as psql would show them. */
  private static SQLException error(BackendMessage m) {
    Map<Character, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < m.body().length && m.body()[i] != 0) {
      char code = (char) m.body()[i];
      int end = m.end(i + 1);
      fields.put(code, new String(m.body(), i + 1, end - i - 1, StandardCharsets.UTF_8));
      i = end + 1;
    }
    String text = fields.getOrDefault('S', "ERROR") + ": " + fields.getOrDefault('M', "(no message)")
        + (fields.containsKey('D') ? " (" + fields.get('D') + ")" : "");
    return new SQLException(text, fields.get('C'));
  }

  private static void cstring(ByteArrayOutputStream buffer, String s) {
    buffer.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    buffer.write(0);
  }

  private static String md5Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /** Sends Terminate and closes the socket; safe from another thread to unblock a read. */
  @Override
  public void close() {
    try (socket) {
      synchronized (out) {
        out.writeByte('X');
        out.writeInt(4);
        out.flush();
      }
    } catch (IOException ignored) {
      // the peer is gone already; closing the socket is all that is left
    }
  }
}
