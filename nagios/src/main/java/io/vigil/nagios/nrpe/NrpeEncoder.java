package io.vigil.nagios.nrpe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes {@link NrpePacket}s in their own version, byte for byte as the real peers do:
 *
 * <ul>
 *   <li>v2: always 1036 bytes. The text is cut to 1023 bytes, NUL-terminated, and the rest of the
 *       buffer and the 2 bytes of struct padding are <b>zero</b>. nrpe.c fills the packet with
 *       {@code randomize_buffer}, but its {@code strncpy} then zero-fills the buffer after the text,
 *       so only the 2 pad bytes go out random (measured on 4.1.0). The CRC covers them either way;
 *       zeros make the output deterministic, and identical to the daemon's apart from those 2.
 *   <li>v4 response: {@code 16 + len + 1} bytes, {@code buffer_length = len + 1}, like the 4.1.0
 *       daemon's 39-byte reply to check_crit. v3 response: the same plus 3 zero pad bytes, without
 *       which check_nrpe reports "Response packet had invalid CRC32". Text is cut to 65535 bytes,
 *       so {@code buffer_length} is at most 65536, the most check_nrpe 4.1.0 accepts (measured).
 *   <li>v3/v4 query: padded like check_nrpe 4.x pads it to {@code sizeof(v2_packet)}, so a short
 *       query is 1036 bytes ({@code buffer_length} 1020 for v4, 1017 for v3), identical to
 *       check_nrpe's. Longer commands get {@code len + 1}.
 * </ul>
 *
 * <p>Text is encoded as UTF-8 and cut on a character boundary, never inside a multi-byte sequence.
 * The encoder is stateless and {@link Sharable}.
 */
@Sharable
public final class NrpeEncoder extends MessageToByteEncoder<NrpePacket> {

  public NrpeEncoder() {
    super(NrpePacket.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, NrpePacket packet, ByteBuf out) {
    write(packet, out);
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, NrpePacket packet, boolean preferDirect) {
    // An estimate from the UTF-8 length; the buffer still grows if it is short.
    int text = Math.min(ByteBufUtil.utf8Bytes(packet.buffer()), NrpeLimits.MAX_TEXT_BYTES);
    int capacity = packet.version() == 2 ? NrpeLimits.V2_PACKET_LENGTH
        : Math.max(NrpeLimits.V2_PACKET_LENGTH, NrpeLimits.V3_HEADER_LENGTH + text + 1 + NrpeLimits.V3_TRAILING_PAD);
    return preferDirect ? ctx.alloc().ioBuffer(capacity) : ctx.alloc().heapBuffer(capacity);
  }

  /** Writes {@code packet} at the writer index of {@code out}; also used by the test client. */
  static void write(NrpePacket packet, ByteBuf out) {
    boolean v2 = packet.version() == 2;
    byte[] text = utf8Prefix(packet.buffer(), v2 ? NrpeLimits.V2_MAX_TEXT_BYTES : NrpeLimits.MAX_TEXT_BYTES);
    int start = out.writerIndex();
    out.writeShort(packet.version());
    out.writeShort(packet.type().code());
    out.writeInt(0); // crc32_value, set below
    out.writeShort(packet.resultCode());
    if (v2) {
      out.writeBytes(text);
      out.writeZero(NrpeLimits.V2_PACKET_LENGTH - NrpeLimits.V2_HEADER_LENGTH - text.length);
    } else {
      int bufferLength = bufferLength(packet, text.length);
      out.writeShort(0); // alignment
      out.writeInt(bufferLength);
      out.writeBytes(text);
      out.writeZero(bufferLength - text.length);
      if (packet.version() == 3) {
        out.writeZero(NrpeLimits.V3_TRAILING_PAD);
      }
    }
    out.setInt(start + 4, NrpeCrc.compute(out, start, out.writerIndex() - start, !v2));
  }

  private static int bufferLength(NrpePacket packet, int textBytes) {
    if (packet.type() == NrpePacket.Type.RESPONSE) {
      return textBytes + 1; // nrpe 4.x: buffer_length = strlen(send_buff) + 1
    }
    int padded = packet.version() == 3 ? NrpeLimits.V3_QUERY_BUFFER_LENGTH : NrpeLimits.V4_QUERY_BUFFER_LENGTH;
    return Math.max(padded, textBytes + 1);
  }

  /**
   * The UTF-8 bytes of {@code text}, cut to at most {@code maxBytes} without splitting a character.
   * String.getBytes writes '?' for an unpaired surrogate, so the input is valid UTF-8 and stepping
   * back over continuation bytes (10xxxxxx) lands on the start of a character.
   */
  static byte[] utf8Prefix(String text, int maxBytes) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return bytes;
    }
    int end = maxBytes;
    while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    byte[] cut = new byte[end];
    System.arraycopy(bytes, 0, cut, 0, end);
    return cut;
  }
}
