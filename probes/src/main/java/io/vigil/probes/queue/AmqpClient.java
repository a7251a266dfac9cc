package io.vigil.probes.queue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Just enough AMQP 0-9-1 to read a queue's counts as the queue process has them now: the
 * handshake (PLAIN), one channel, and a passive {@code queue.declare}, whose {@code declare-ok}
 * carries the ready-message and consumer counts. Unlike the management API (which samples every
 * {@code collect_statistics_interval} and lags by seconds), a dead consumer is gone at once.
 * No heartbeats are negotiated: the connection lives between two probe runs only while it works.
 */
public final class AmqpClient implements AutoCloseable {

  private static final int FRAME_METHOD = 1;
  private static final int FRAME_HEARTBEAT = 8;
  private static final int FRAME_END = 0xCE;
  private static final int MAX_FRAME = 128 * 1024;

  /** Ready messages and consumers of one queue. */
  public record Counts(long messages, long consumers) {
  }

  /** The broker closed the channel or connection, with its reply code (404: no such queue). */
  public static final class ClosedByBroker extends IOException {
    private final int code;

    ClosedByBroker(int code, String text) {
      super("closed by the broker: " + code + " " + text);
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** Connects, authenticates and opens channel 1 on {@code vhost}. The password is sent once, in the handshake. */
  public AmqpClient(String host, int port, String user, String password, String vhost, Duration timeout)
      throws IOException {
    socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      socket.setTcpNoDelay(true);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = new BufferedOutputStream(socket.getOutputStream());
      out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
      out.flush();
      expect(0, 10, 10); // connection.start
      send(0, 10, 11, b -> {
        b.writeInt(0); // client properties: empty table
        shortString(b, "PLAIN");
        byte[] response = ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
        b.writeInt(response.length);
        b.write(response);
        shortString(b, "en_US");
      });
      DataInputStream tune = expect(0, 10, 30);
      int channelMax = tune.readUnsignedShort();
      int frameMax = tune.readInt();
      send(0, 10, 31, b -> {
        b.writeShort(channelMax);
        b.writeInt(frameMax == 0 ? MAX_FRAME : Math.min(frameMax, MAX_FRAME));
        b.writeShort(0); // no heartbeats
      });
      send(0, 10, 40, b -> {
        shortString(b, vhost);
        shortString(b, "");
        b.writeByte(0);
      });
      expect(0, 10, 41); // connection.open-ok
      openChannel();
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void openChannel() throws IOException {
    send(1, 20, 10, b -> shortString(b, ""));
    expect(1, 20, 11); // channel.open-ok
  }

  /**
   * The queue's counts by passive declare. A missing queue throws {@link ClosedByBroker} with code
   * 404 and leaves the connection usable (the channel is reopened).
   */
  public synchronized Counts counts(String queue) throws IOException {
    send(1, 50, 10, b -> {
      b.writeShort(0);
      shortString(b, queue);
      b.writeByte(1); // passive
      b.writeInt(0); // no arguments
    });
    DataInputStream ok;
    try {
      ok = expect(1, 50, 11);
    } catch (ClosedByBroker e) {
      if (e.code() == 404) {
        send(1, 20, 41, b -> { }); // channel.close-ok, then a fresh channel for the next call
        openChannel();
      }
      throw e;
    }
    ok.skipBytes(ok.readUnsignedByte());
    long messages = ok.readInt() & 0xFFFFFFFFL;
    long consumers = ok.readInt() & 0xFFFFFFFFL;
    return new Counts(messages, consumers);
  }

  @FunctionalInterface
  private interface Args {
    void write(DataOutputStream b) throws IOException;
  }

  private void send(int channel, int classId, int methodId, Args args) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    DataOutputStream b = new DataOutputStream(payload);
    b.writeShort(classId);
    b.writeShort(methodId);
    args.write(b);
    DataOutputStream frame = new DataOutputStream(out);
    frame.writeByte(FRAME_METHOD);
    frame.writeShort(channel);
    frame.writeInt(payload.size());
    payload.writeTo(frame);
    frame.writeByte(FRAME_END);
    frame.flush();
  }

  private DataInputStream expect(int channel, int classId, int methodId) throws IOException {
    while (true) {
      int type = in.readUnsignedByte();
      int ch = in.readUnsignedShort();
      int size = in.readInt();
      if (size < 0 || size > MAX_FRAME) {
        throw new IOException("AMQP: frame of " + size + " bytes");
      }
      byte[] payload = in.readNBytes(size);
      if (payload.length != size || in.readUnsignedByte() != FRAME_END) {
        throw new IOException("AMQP: bad frame");
      }
      if (type == FRAME_HEARTBEAT) {
        continue;
      }
      DataInputStream p = new DataInputStream(new ByteArrayInputStream(payload));
      int c = p.readUnsignedShort();
      int m = p.readUnsignedShort();
      if (type == FRAME_METHOD && (c == 10 && m == 50 || c == 20 && m == 40)) {
        int code = p.readUnsignedShort();
        byte[] text = p.readNBytes(p.readUnsignedByte());
        throw new ClosedByBroker(code, new String(text, StandardCharsets.UTF_8));
      }
      if (type != FRAME_METHOD || ch != channel || c != classId || m != methodId) {
        throw new IOException("AMQP: expected " + classId + "." + methodId + " on channel " + channel + ", got type "
            + type + " " + c + "." + m + " on channel " + ch);
      }
      return p;
    }
  }

  private static void shortString(DataOutputStream b, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 255) {
      throw new IOException("AMQP: '" + s + "' is longer than 255 bytes");
    }
    b.writeByte(bytes.length);
    b.write(bytes);
  }

  @Override
  public void close() {
    try {
      send(0, 10, 50, b -> {
        b.writeShort(200);
        shortString(b, "bye");
        b.writeShort(0);
        b.writeShort(0);
      });
      expect(0, 10, 51);
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }
}
