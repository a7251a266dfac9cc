package io.vigil.nagios.nrpe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * A blocking plain-TCP NRPE client for tests, like {@code check_nrpe -n}: one connection per
 * request, the request written whole, the reply read until the server closes (as the nrpe daemon
 * does after answering) and decoded by the real {@link NrpeDecoder}. No TLS.
 *
 * <pre>{@code
 * NrpeTestClient client = new NrpeTestClient(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(5));
 * NrpePacket reply = client.query(4, "check_load");      // what check_nrpe -n -c check_load sends
 * byte[] raw = client.exchange(NrpeWire.header(4, 1, 70_000));  // malformed: expect no reply
 * }</pre>
 */
final class NrpeTestClient {

  private final InetSocketAddress server;
  private final int timeoutMillis;

  NrpeTestClient(InetSocketAddress server, Duration timeout) {
    this.server = server;
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
  }

  /** Sends check_nrpe's query for {@code command} (v4 and v3 padded to 1036 bytes) and decodes the reply. */
  NrpePacket query(int version, String command) throws IOException {
    return send(NrpePacket.query(version, command));
  }

  /**
   * Sends {@code packet} and returns the one response packet the server sent before closing.
   *
   * @throws IOException if the connection fails or times out, or the reply is not exactly one valid
   *     response packet (the message says what was wrong with it)
   */
  NrpePacket send(NrpePacket packet) throws IOException {
    return decodeResponse(exchange(encode(packet)));
  }

  /** Sends raw bytes and returns every byte received until the server closes; empty if it closed without a word. */
  byte[] exchange(byte[] request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return socket.getInputStream().readAllBytes();
    }
  }

  static byte[] encode(NrpePacket packet) {
    ByteBuf buf = Unpooled.buffer(NrpeLimits.V2_PACKET_LENGTH);
    try {
      NrpeEncoder.write(packet, buf);
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }

  static NrpePacket decodeResponse(byte[] reply) throws IOException {
    if (reply.length == 0) {
      throw new IOException("the server closed the connection without a reply");
    }
    NrpeDecoder decoder = new NrpeDecoder(NrpePacket.Type.RESPONSE);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(reply));
      List<NrpePacket> packets = CodecChannels.inbound(channel);
      if (packets.size() != 1 || decoder.bufferedBytes() != 0) {
        throw new IOException("expected one response packet in the " + reply.length + " bytes received, decoded "
            + packets.size() + " with " + decoder.bufferedBytes() + " bytes left over");
      }
      return packets.get(0);
    } catch (NrpeDecoderException e) {
      throw new IOException("invalid reply: " + e.getMessage(), e);
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
