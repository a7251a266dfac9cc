package io.vigil.nagios.nrpe;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes NRPE v2, v3 and v4 packets of one expected type into {@link NrpePacket}s: queries on the
 * server, responses in a client. The version is read first and decides the layout:
 *
 * <ul>
 *   <li>v2: a fixed 1036-byte packet, CRC over all of it, struct padding included;
 *   <li>v3/v4: a 16-byte header, then {@code buffer_length} bytes, then 3 pad bytes for v3 only.
 * </ul>
 *
 * <p>Every bound is checked as soon as the bytes that carry it are in: the version at 2 bytes, the
 * type at 4, {@code buffer_length} (1..65536) at 16, before waiting for the buffer. The decoder never
 * allocates by a declared length; it waits in the cumulation for at most {@link
 * NrpeLimits#MAX_PACKET_LENGTH} bytes. The CRC is checked over the bytes exactly as received.
 *
 * <p>A bad packet raises {@link NrpeDecoderException}; from then on the decoder discards all input
 * and stays failed, and the server is expected to close the connection. NRPE is one query per
 * connection: a server that must not see a second packet can {@link #setSingleDecode} or remove the
 * decoder after the first.
 *
 * <pre>{@code
 * pipeline.addLast(new NrpeDecoder(NrpePacket.Type.QUERY), new NrpeEncoder(), handler);
 * }</pre>
 */
public final class NrpeDecoder extends ByteToMessageDecoder {

  private enum State {
    READ_VERSION,
    READ_TYPE,
    READ_V2_PACKET,
    READ_V3_HEADER,
    READ_V3_PACKET,
    FAILED
  }

  private static final int TYPE_OFFSET = 2;
  private static final int CRC_OFFSET = 4;
  private static final int RESULT_CODE_OFFSET = 8;
  private static final int BUFFER_LENGTH_OFFSET = 12;

  private final NrpePacket.Type expectedType;
  private State state = State.READ_VERSION;
  private int version;
  /** Bytes of the current packet on the wire; known once its version (v2) or header (v3/v4) is read. */
  private int packetLength;
  private int bufferLength;

  /**
   * @param expectedType {@link NrpePacket.Type#QUERY} for a server, {@link NrpePacket.Type#RESPONSE}
   *     for a client; any other packet type is rejected
   */
  public NrpeDecoder(NrpePacket.Type expectedType) {
    if (expectedType == null) {
      throw new IllegalArgumentException("expectedType must not be null");
    }
    this.expectedType = expectedType;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    try {
      // Header states consume nothing, so they loop here: ByteToMessageDecoder stops calling decode()
      // when a call neither reads nor produces. The packet states return after one packet, so that
      // setSingleDecode(true) works.
      for (;;) {
        switch (state) {
          case READ_VERSION -> {
            if (!readVersion(in)) {
              return;
            }
          }
          case READ_TYPE -> {
            if (!readType(in)) {
              return;
            }
          }
          case READ_V3_HEADER -> {
            if (!readV3Header(in)) {
              return;
            }
          }
          case READ_V2_PACKET -> {
            readV2Packet(in, out);
            return;
          }
          case READ_V3_PACKET -> {
            readV3Packet(in, out);
            return;
          }
          case FAILED -> {
            in.skipBytes(in.readableBytes());
            return;
          }
          default -> throw new IllegalStateException("unknown state " + state);
        }
      }
    } catch (NrpeDecoderException e) {
      // Like RedisDecoder: reset on error. NRPE has no way to resynchronize a stream, so "reset"
      // means drop what is buffered and everything that follows.
      in.skipBytes(in.readableBytes());
      state = State.FAILED;
      throw e;
    }
  }

  /** Bytes waiting in the cumulation for the rest of a packet; after each read, below MAX_PACKET_LENGTH. */
  int bufferedBytes() {
    return actualReadableBytes();
  }

  // nrpe.c read_packet: "packet_ver != 2 && != 4" in 4.1; v3 is accepted here so that check_nrpe -3
  // works without its reconnect-as-v2 fallback.
  private boolean readVersion(ByteBuf in) {
    if (in.readableBytes() < 2) {
      return false;
    }
    version = in.getShort(in.readerIndex());
    if (version < 2 || version > 4) {
      throw new NrpeDecoderException("packet_version: " + version + " (expected: 2, 3 or 4) at offset 0");
    }
    state = State.READ_TYPE;
    return true;
  }

  private boolean readType(ByteBuf in) {
    if (in.readableBytes() < TYPE_OFFSET + 2) {
      return false;
    }
    int type = in.getShort(in.readerIndex() + TYPE_OFFSET);
    if (type != expectedType.code()) {
      throw new NrpeDecoderException("packet_type: " + type + " (expected: " + expectedType.code()
          + ", a " + expectedType + ") at offset " + TYPE_OFFSET + " of a v" + version + " packet");
    }
    if (version == 2) {
      packetLength = NrpeLimits.V2_PACKET_LENGTH;
      bufferLength = NrpeLimits.V2_BUFFER_LENGTH;
      state = State.READ_V2_PACKET;
    } else {
      state = State.READ_V3_HEADER;
    }
    return true;
  }

  private boolean readV3Header(ByteBuf in) {
    if (in.readableBytes() < NrpeLimits.V3_HEADER_LENGTH) {
      return false;
    }
    int length = in.getInt(in.readerIndex() + BUFFER_LENGTH_OFFSET);
    // nrpe.c read_packet rejects < 0 and > 65536; 0 cannot hold the NUL terminator either.
    // JNRPE 3.9 did new byte[len] with no bound: never size anything from this field before this.
    if (length < 1 || length > NrpeLimits.MAX_BUFFER_LENGTH) {
      throw new NrpeDecoderException("buffer_length: " + length + " (expected: 1.."
          + NrpeLimits.MAX_BUFFER_LENGTH + ") at offset " + BUFFER_LENGTH_OFFSET
          + " of a v" + version + " packet");
    }
    bufferLength = length;
    packetLength = NrpeLimits.V3_HEADER_LENGTH + length
        + (version == 3 ? NrpeLimits.V3_TRAILING_PAD : 0);
    state = State.READ_V3_PACKET;
    return true;
  }

  // v2: all 1036 bytes are in, garbage padding included (nrpe.c read_packet reads sizeof(v2_packet))
  private void readV2Packet(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < packetLength) {
      return;
    }
    emit(in, out, NrpeLimits.V2_HEADER_LENGTH, false);
  }

  // v3/v4: 16 + buffer_length bytes are in, and for v3 its 3 trailing pad bytes
  private void readV3Packet(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < packetLength) {
      return;
    }
    emit(in, out, NrpeLimits.V3_HEADER_LENGTH, true);
  }

  /** Checks the CRC and the NUL of the complete packet at the reader index, then consumes it. */
  private void emit(ByteBuf in, List<Object> out, int bufferOffset, boolean zeroAlignment) {
    int start = in.readerIndex();
    int received = in.getInt(start + CRC_OFFSET);
    int computed = NrpeCrc.compute(in, start, packetLength, zeroAlignment);
    if (received != computed) {
      throw new NrpeDecoderException(String.format(
          "crc32: 0x%08x (expected: 0x%08x, computed over the %d bytes of a v%d packet) at offset %d",
          received, computed, packetLength, version, CRC_OFFSET));
    }
    int bufferStart = start + bufferOffset;
    int nul = in.indexOf(bufferStart, bufferStart + bufferLength, (byte) 0);
    if (nul < 0) {
      throw new NrpeDecoderException("buffer: no NUL terminator in its " + bufferLength
          + " bytes at offset " + (bufferStart - start) + " of a v" + version + " packet");
    }
    short resultCode = in.getShort(start + RESULT_CODE_OFFSET);
    String text = in.toString(bufferStart, nul - bufferStart, StandardCharsets.UTF_8);
    in.skipBytes(packetLength);
    state = State.READ_VERSION;
    out.add(new NrpePacket(version, expectedType, resultCode, text));
  }
}
