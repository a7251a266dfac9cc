package io.vigil.probes.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client on one TCP connection: commands are written as RESP arrays of bulk
 * strings, several at once (pipelined), and the replies read back with a bounded
 * {@link RespDecoder} under a deadline. Not thread-safe; the probe that owns it serializes calls.
 *
 * <pre>{@code
 * try (RespClient redis = RespClient.connect("127.0.0.1", 56379, 2000)) {
 *   redis.call(deadline, List.of(List.of("LPUSH", "celery", "x")));   // [:1]
 * }
 * }</pre>
 */
final class RespClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final RespDecoder decoder = new RespDecoder();
  // read in read mode; bytes after one reply stay here for the next one (pipelined replies)
  private final ByteBuffer buffer = ByteBuffer.allocate(8192).flip();

  private RespClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  static RespClient connect(String host, int port, int timeoutMillis) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      return new RespClient(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends the commands in one write and returns one reply per command, in order. Error replies
   * ({@code -ERR ...}) are returned, not thrown.
   *
   * @param deadlineNanos {@link System#nanoTime()} by which the last reply must have arrived
   * @throws SocketTimeoutException when the deadline passes first
   */
  List<RespDecoder.Reply> call(long deadlineNanos, List<List<String>> commands) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    for (List<String> command : commands) {
      encode(command, request);
    }
    out.write(request.toByteArray());
    out.flush();
    List<RespDecoder.Reply> replies = new ArrayList<>(commands.size());
    while (replies.size() < commands.size()) {
      replies.add(read(deadlineNanos));
    }
    return replies;
  }

  private RespDecoder.Reply read(long deadlineNanos) throws IOException {
    while (true) {
      RespDecoder.Reply reply = decoder.decode(buffer);
      if (reply != null) {
        return reply;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no complete reply before the deadline");
      }
      socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
      buffer.clear();
      int n = in.read(buffer.array(), 0, buffer.capacity());
      if (n < 0) {
        buffer.limit(0);
        throw new IOException("connection closed by the server");
      }
      buffer.limit(n);
    }
  }

  /** {@code *2\r\n$4\r\nLLEN\r\n$6\r\ncelery\r\n}. */
  static void encode(List<String> command, ByteArrayOutputStream to) {
    ascii(to, "*" + command.size() + "\r\n");
    for (String arg : command) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      ascii(to, "$" + bytes.length + "\r\n");
      to.write(bytes, 0, bytes.length);
      ascii(to, "\r\n");
    }
  }

  private static void ascii(ByteArrayOutputStream to, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    to.write(bytes, 0, bytes.length);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a broken connection: nothing left to release
    }
  }
}
